"""The /orders endpoints."""

import uuid
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Response
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.crud import order as order_crud
from app.dependencies import PaginationDep, SessionDep
from app.models.order import Order
from app.schemas.order import OrderCreate, OrderQuery, OrderRead, OrderUpdate

router = APIRouter(prefix="/orders", tags=["orders"])

NOT_FOUND = "Order not found"
ALREADY_EXISTS = "Order with this code already exists"


def get_or_404(db: Session, order_id: uuid.UUID) -> Order:
    order = order_crud.get(db, order_id)
    if order is None:
        raise HTTPException(status_code=404, detail=NOT_FOUND)
    return order


# The collection answers with and without its trailing slash (no 307 redirect).
@router.get("/")
@router.get("", include_in_schema=False)
def list_orders(
    db: SessionDep,
    pagination: PaginationDep,
    query: Annotated[OrderQuery, Query()],
    response: Response,
) -> list[OrderRead]:
    """A page of orders, filtered and sorted; the X-Total-Count header says how many
    match in all."""
    response.headers["X-Total-Count"] = str(order_crud.count(db, query=query))
    items = order_crud.get_many(db, offset=pagination.offset, limit=pagination.limit, query=query)
    return [OrderRead.model_validate(item) for item in items]


@router.post("/", status_code=201)
@router.post("", status_code=201, include_in_schema=False)
def create_order(data: OrderCreate, db: SessionDep) -> OrderRead:
    try:
        order = order_crud.create(db, data)
    except IntegrityError:
        raise HTTPException(status_code=409, detail=ALREADY_EXISTS) from None
    return OrderRead.model_validate(order)


@router.get("/{order_id}")
def read_order(order_id: uuid.UUID, db: SessionDep) -> OrderRead:
    return OrderRead.model_validate(get_or_404(db, order_id))


@router.patch("/{order_id}")
def update_order(order_id: uuid.UUID, data: OrderUpdate, db: SessionDep) -> OrderRead:
    order = get_or_404(db, order_id)
    try:
        order = order_crud.update(db, order, data)
    except IntegrityError:
        raise HTTPException(status_code=409, detail=ALREADY_EXISTS) from None
    return OrderRead.model_validate(order)


@router.delete("/{order_id}", status_code=204)
def delete_order(order_id: uuid.UUID, db: SessionDep) -> None:
    order_crud.delete(db, get_or_404(db, order_id))
