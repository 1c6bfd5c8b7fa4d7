"""The API keys collection: a prefix to find a key, the SHA-256 hash of the whole key, when it
expires and when it was last used."""

import datetime as dt

from pydantic import Field
from pymongo import ASCENDING, IndexModel

from app.database import StoredModel, utc_now

COLLECTION = "api_keys"


class ApiKey(StoredModel):
    # An integer id from the `counters` collection (next_id), as with the SQL databases.
    id: int
    user_id: int
    prefix: str
    hashed_key: str
    created_at: dt.datetime = Field(default_factory=utc_now)
    # Every key issued expires.
    expires_at: dt.datetime | None = None
    # When the key last signed a request in, to the minute (see LAST_USE_PRECISION).
    last_used_at: dt.datetime | None = None


INDEXES = [
    IndexModel([("hashed_key", ASCENDING)], name="uq_api_keys_hashed_key", unique=True),
    IndexModel([("prefix", ASCENDING)], name="ix_api_keys_prefix"),
    IndexModel([("user_id", ASCENDING)], name="ix_api_keys_user_id"),
]
