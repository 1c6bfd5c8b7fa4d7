"""Database operations on orders."""

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models.order import Order
from app.schemas.order import OrderCreate, OrderUpdate


def get(db: Session, order_id: int) -> Order | None:
    return db.get(Order, order_id)


def get_many(db: Session, *, offset: int, limit: int) -> Sequence[Order]:
    statement = select(Order).order_by(Order.id)
    return db.scalars(statement.offset(offset).limit(limit)).all()


def count(db: Session) -> int:
    statement = select(func.count()).select_from(Order)
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
