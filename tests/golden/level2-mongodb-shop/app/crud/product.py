"""Database operations on products."""

import uuid
from typing import Any

from pymongo import ASCENDING, DESCENDING, ReturnDocument

from app.database import Database, Document, to_bson, utc_now
from app.models.product import COLLECTION, Product
from app.schemas.product import ProductCreate, ProductQuery, ProductUpdate


def get(db: Database, product_id: uuid.UUID) -> Product | None:
    document = db[COLLECTION].find_one({"_id": product_id})
    return Product.from_document(document) if document is not None else None


def filtered(query: ProductQuery | None) -> Document:
    """The query's equality filters as a MongoDB filter (the fields left out filter nothing)."""
    conditions: dict[str, Any] = {}
    if query is not None:
        conditions.update(to_bson(query.model_dump(exclude={"sort"}, exclude_none=True)))
    return conditions


def get_many(
    db: Database,
    *,
    offset: int,
    limit: int,
    query: ProductQuery | None = None,
) -> list[Product]:
    """A page of products, filtered and sorted."""
    conditions = filtered(query)
    sort = query.sort if query is not None else "created_at"
    field = sort.removeprefix("-")
    field = "_id" if field == "id" else field
    order = [(field, DESCENDING if sort.startswith("-") else ASCENDING)]
    # Ties in creation order (then by id, so that pages never overlap).
    order += [(tie, ASCENDING) for tie in ("created_at", "_id") if tie != field]
    cursor = db[COLLECTION].find(conditions).sort(order).skip(offset).limit(limit)
    return [Product.from_document(document) for document in cursor]


def count(db: Database, *, query: ProductQuery | None = None) -> int:
    """How many match the filters."""
    return db[COLLECTION].count_documents(filtered(query))


def create(db: Database, data: ProductCreate) -> Product:
    """Raises DuplicateKeyError when a unique value is already taken."""
    product = Product(**data.model_dump())
    db[COLLECTION].insert_one(product.to_document())
    return Product.from_document(product.to_document())


def update(db: Database, product: Product, data: ProductUpdate) -> Product:
    """Sets only the fields sent; raises DuplicateKeyError when a unique value is taken."""
    values = data.model_dump(exclude_unset=True)
    values["updated_at"] = utc_now()
    document = db[COLLECTION].find_one_and_update(
        {"_id": product.id},
        {"$set": to_bson(values)},
        return_document=ReturnDocument.AFTER,
    )
    if document is None:  # deleted meanwhile: answer with what was sent
        return product.model_copy(update=values)
    return Product.from_document(document)


def delete(db: Database, product: Product) -> None:
    db[COLLECTION].delete_one({"_id": product.id})
