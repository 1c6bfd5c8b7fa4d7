"""The collections: each model's indexes, which create_indexes() makes at startup."""

from pymongo import IndexModel

from app.database import Database
from app.models import product

# Collection name -> the indexes it needs. Unique indexes are where duplicates are refused.
INDEXES: dict[str, list[IndexModel]] = {
    product.COLLECTION: product.INDEXES,
}


def create_indexes(db: Database) -> None:
    """Creates the indexes that are missing (MongoDB creates a collection on first use). There
    are no migrations: an index whose definition changed must be dropped by hand first."""
    for collection, indexes in INDEXES.items():
        db[collection].create_indexes(indexes)
