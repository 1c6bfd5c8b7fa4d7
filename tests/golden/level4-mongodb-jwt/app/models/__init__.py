"""The collections: each model's indexes, which create_indexes() makes at startup."""

from pymongo import IndexModel

from app.db.session import Database
from app.models import task, user

# Collection name -> the indexes it needs. Unique indexes are where duplicates are refused.
INDEXES: dict[str, list[IndexModel]] = {
    task.COLLECTION: task.INDEXES,
    user.COLLECTION: user.INDEXES,
}

# (collection, field holding the user's id): deleting a user deletes these documents too.
OWNED_BY_USER: list[tuple[str, str]] = [
    (task.COLLECTION, "owner_id"),
]


async def create_indexes(db: Database) -> None:
    """Creates the indexes that are missing (MongoDB creates a collection on first use). There
    are no migrations: an index whose definition changed must be dropped by hand first."""
    for collection, indexes in INDEXES.items():
        await db[collection].create_indexes(indexes)
