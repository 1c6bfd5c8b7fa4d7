"""The users collection."""

import datetime as dt

from pydantic import Field
from pymongo import ASCENDING, IndexModel

from app.db.session import StoredModel, utc_now

COLLECTION = "users"


class User(StoredModel):
    # An integer id from the `counters` collection (next_id), as with the SQL databases.
    id: int
    # Stored in lower case; 320 characters is the longest address SMTP allows.
    email: str
    hashed_password: str
    is_active: bool = True
    is_superuser: bool = False
    created_at: dt.datetime = Field(default_factory=utc_now)


# One account per email: a second one raises DuplicateKeyError (answered with 409).
INDEXES = [
    IndexModel([("email", ASCENDING)], name="uq_users_email", unique=True),
]
