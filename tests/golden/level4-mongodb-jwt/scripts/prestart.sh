#!/bin/sh
# Gets the database ready before the app starts; compose.yaml runs it as the one-shot `migrate`
# service (run it by hand with `sh scripts/prestart.sh`). Every step can run again safely.
set -eu

python -m app.backend_pre_start   # waits for MongoDB, up to 5 minutes, and creates the indexes
python -m app.initial_data        # creates the first superuser when it is missing
