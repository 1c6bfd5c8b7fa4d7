"""ORM models. Import every model here so that Base.metadata knows all the tables."""

from app.models.task import Task

__all__ = ["Task"]
