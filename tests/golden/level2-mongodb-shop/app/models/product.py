"""The product collection: its documents and its indexes."""

import datetime as dt
import uuid
from decimal import Decimal

from pydantic import Field
from pymongo import ASCENDING, IndexModel

from app.database import StoredModel, utc_now

COLLECTION = "products"


class Product(StoredModel):
    # A random UUID (version 4), stored as `_id`: ids tell nothing about how many documents
    # there are or which come next.
    id: uuid.UUID = Field(default_factory=uuid.uuid4)
    name: str
    description: str | None = None
    price: Decimal
    stock: int
    created_at: dt.datetime = Field(default_factory=utc_now)
    updated_at: dt.datetime = Field(default_factory=utc_now)


# A unique field gets a unique index: a duplicate raises DuplicateKeyError (answered with 409).
INDEXES = [
    IndexModel([("name", ASCENDING)], name="uq_products_name", unique=True),
    IndexModel([("created_at", ASCENDING)], name="ix_products_created_at"),
]
