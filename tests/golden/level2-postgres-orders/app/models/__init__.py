"""ORM models. Import every model here so that Base.metadata knows all the tables."""

from app.models.order import Order

__all__ = ["Order"]
