"""Database operations on orders."""

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from app.models.order import Order
from app.schemas.order import OrderCreate, OrderQuery, OrderUpdate


def get(db: Session, order_id: uuid.UUID) -> Order | None:
    return db.get(Order, order_id)


def filtered(statement: Select[Any], query: OrderQuery | None) -> Select[Any]:
    """The query's equality filters as WHERE clauses (the fields left out filter nothing)."""
    if query is not None:
        for field, value in query.model_dump(exclude={"sort"}, exclude_none=True).items():
            statement = statement.where(getattr(Order, field) == value)
    return statement


def get_many(
    db: Session,
    *,
    offset: int,
    limit: int,
    query: OrderQuery | None = None,
) -> Sequence[Order]:
    """A page of orders, filtered and sorted."""
    statement = filtered(select(Order), query)
    sort = query.sort if query is not None else "created_at"
    column = getattr(Order, sort.removeprefix("-"))
    order = column.desc() if sort.startswith("-") else column
    statement = statement.order_by(order, Order.created_at, Order.id)
    return db.scalars(statement.offset(offset).limit(limit)).all()


def count(db: Session, *, query: OrderQuery | None = None) -> int:
    """How many match the filters."""
    statement = filtered(select(func.count()).select_from(Order), query)
    return db.scalar(statement) or 0


def create(db: Session, data: OrderCreate) -> Order:
    """Raises IntegrityError when a unique value is already taken."""
    order = Order(**data.model_dump())
    db.add(order)
    db.commit()
    db.refresh(order)
    return order


def update(db: Session, order: Order, data: OrderUpdate) -> Order:
    """Changes only the fields sent; raises IntegrityError when a unique value is taken."""
    for field, value in data.model_dump(exclude_unset=True).items():
        setattr(order, field, value)
    db.commit()
    db.refresh(order)
    return order


def delete(db: Session, order: Order) -> None:
    db.delete(order)
    db.commit()
