"""The async MongoDB client, the per-request database, and how values are stored."""

import datetime as dt
import threading
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any, Self

from bson import Decimal128
from fastapi import Request
from pydantic import BaseModel
from pymongo import AsyncMongoClient, ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase

Document = dict[str, Any]
Client = AsyncMongoClient[Document]
Database = AsyncDatabase[Document]

# How long a request waits for a server to answer before it gets 503.
SERVER_SELECTION_TIMEOUT_MS = 2000
# The database when MONGODB_URL names none (its path).
DEFAULT_DATABASE = "mongo_prod"


# The last time utc_now() gave out in this process.
last_now = dt.datetime.min.replace(tzinfo=dt.UTC)
last_now_lock = threading.Lock()


def utc_now() -> dt.datetime:
    """Now, in UTC, to the millisecond (BSON datetimes keep no more), and later than the last
    value this process gave out: documents created in the same millisecond still sort in the
    order they were created."""
    global last_now
    with last_now_lock:
        now = truncate_to_ms(dt.datetime.now(dt.UTC))
        last_now = max(now, last_now + dt.timedelta(milliseconds=1))
        return last_now


def truncate_to_ms(value: dt.datetime) -> dt.datetime:
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


def to_bson(value: Any) -> Any:
    """A Python value as MongoDB stores it: a date is midnight UTC (BSON has no date type),
    a Decimal a Decimal128, a datetime UTC to the millisecond."""
    if isinstance(value, dict):
        return {key: to_bson(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [to_bson(item) for item in value]
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return truncate_to_ms(value.astimezone(dt.UTC))
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
    if isinstance(value, Decimal):
        return Decimal128(value)
    return value


def from_bson(value: Any) -> Any:
    """A stored value back in Python: Decimal128 becomes a Decimal (the models turn midnight
    datetimes back into dates)."""
    if isinstance(value, dict):
        return {key: from_bson(item) for key, item in value.items()}
    if isinstance(value, list):
        return [from_bson(item) for item in value]
    if isinstance(value, Decimal128):
        return value.to_decimal()
    return value


class StoredModel(BaseModel):
    """A document of a collection as a Pydantic model: `id` is the document's `_id`."""

    @classmethod
    def from_document(cls, document: Document) -> Self:
        values = from_bson(document)
        values["id"] = values.pop("_id")
        for name, field in cls.model_fields.items():
            value = values.get(name)
            if field.annotation in (dt.date, dt.date | None) and isinstance(value, dt.datetime):
                values[name] = value.date()
        return cls.model_validate(values)

    def to_document(self) -> Document:
        values = self.model_dump()
        values["_id"] = values.pop("id")
        document: Document = to_bson(values)
        return document


def create_client(url: str) -> Client:
    """Connects lazily: the first operation waits up to SERVER_SELECTION_TIMEOUT_MS for a server
    (then raises ServerSelectionTimeoutError, answered with 503). UUIDs are stored as standard
    binary UUIDs, datetimes come back timezone-aware (UTC)."""
    return AsyncMongoClient(
        url,
        serverSelectionTimeoutMS=SERVER_SELECTION_TIMEOUT_MS,
        uuidRepresentation="standard",
        tz_aware=True,
    )


def get_database(client: Client) -> Database:
    """The database MONGODB_URL names (its path), else DEFAULT_DATABASE."""
    return client.get_default_database(DEFAULT_DATABASE)


async def next_id(db: Database, name: str) -> int:
    """The next integer id of a collection (users), from a counter document."""
    counter = await db["counters"].find_one_and_update(
        {"_id": name},
        {"$inc": {"value": 1}},
        upsert=True,
        return_document=ReturnDocument.AFTER,
    )
    if counter is None:  # an upsert that returns the document after it: never
        raise RuntimeError(f"the counter {name!r} was not created")
    return int(counter["value"])


async def get_db(request: Request) -> AsyncIterator[Database]:
    """The app's database; the client behind it pools the connections."""
    yield request.app.state.database
