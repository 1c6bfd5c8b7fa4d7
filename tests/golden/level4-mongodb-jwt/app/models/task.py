"""The task collection: its documents and its indexes."""

import datetime as dt
import uuid

from pydantic import Field
from pymongo import ASCENDING, IndexModel

from app.db.session import StoredModel, utc_now

COLLECTION = "tasks"


class Task(StoredModel):
    # A random UUID (version 4), stored as `_id`: ids tell nothing about how many documents
    # there are or which come next.
    id: uuid.UUID = Field(default_factory=uuid.uuid4)
    title: str
    description: str | None = None
    done: bool
    due_date: dt.date | None = None
    owner_id: int
    created_at: dt.datetime = Field(default_factory=utc_now)
    updated_at: dt.datetime = Field(default_factory=utc_now)


# A unique field is unique per owner: one user's title does not block another user's.
INDEXES = [
    IndexModel(
        [("owner_id", ASCENDING), ("title", ASCENDING)],
        name="uq_tasks_owner_id_title",
        unique=True,
    ),
    IndexModel([("owner_id", ASCENDING)], name="ix_tasks_owner_id"),
    IndexModel([("created_at", ASCENDING)], name="ix_tasks_created_at"),
]
