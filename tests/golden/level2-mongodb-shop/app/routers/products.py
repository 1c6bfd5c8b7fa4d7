"""The /products endpoints."""

import uuid
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Response
from pymongo.errors import DuplicateKeyError

from app.crud import product as product_crud
from app.database import Database
from app.dependencies import PaginationDep, SessionDep
from app.models.product import Product
from app.schemas.product import ProductCreate, ProductQuery, ProductRead, ProductUpdate

router = APIRouter(prefix="/products", tags=["products"])

NOT_FOUND = "Product not found"
ALREADY_EXISTS = "Product with this name already exists"


def get_or_404(db: Database, product_id: uuid.UUID) -> Product:
    product = product_crud.get(db, product_id)
    if product is None:
        raise HTTPException(status_code=404, detail=NOT_FOUND)
    return product


# The collection answers with and without its trailing slash (no 307 redirect).
@router.get("/")
@router.get("", include_in_schema=False)
def list_products(
    db: SessionDep,
    pagination: PaginationDep,
    query: Annotated[ProductQuery, Query()],
    response: Response,
) -> list[ProductRead]:
    """A page of products, filtered and sorted; the X-Total-Count header says how many
    match in all."""
    response.headers["X-Total-Count"] = str(product_crud.count(db, query=query))
    items = product_crud.get_many(db, offset=pagination.offset, limit=pagination.limit, query=query)
    return [ProductRead.model_validate(item) for item in items]


@router.post("/", status_code=201)
@router.post("", status_code=201, include_in_schema=False)
def create_product(data: ProductCreate, db: SessionDep) -> ProductRead:
    try:
        product = product_crud.create(db, data)
    except DuplicateKeyError:
        raise HTTPException(status_code=409, detail=ALREADY_EXISTS) from None
    return ProductRead.model_validate(product)


@router.get("/{product_id}")
def read_product(product_id: uuid.UUID, db: SessionDep) -> ProductRead:
    return ProductRead.model_validate(get_or_404(db, product_id))


@router.patch("/{product_id}")
def update_product(product_id: uuid.UUID, data: ProductUpdate, db: SessionDep) -> ProductRead:
    product = get_or_404(db, product_id)
    try:
        product = product_crud.update(db, product, data)
    except DuplicateKeyError:
        raise HTTPException(status_code=409, detail=ALREADY_EXISTS) from None
    return ProductRead.model_validate(product)


@router.delete("/{product_id}", status_code=204)
def delete_product(product_id: uuid.UUID, db: SessionDep) -> None:
    product_crud.delete(db, get_or_404(db, product_id))
