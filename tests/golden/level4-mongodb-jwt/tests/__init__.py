"""The tests.

`app.main` builds an app from the environment's settings when it is imported (that is the app
`fastapi run` serves), and outside development that needs a real SECRET_KEY. The tests choose
development explicitly, so they run without a `.env`; the apps they test are built by their
fixtures, with settings of their own (a random SECRET_KEY among them).
"""

import os

os.environ["ENVIRONMENT"] = "development"
