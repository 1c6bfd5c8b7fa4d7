"""ORM models. Import every model here so that Base.metadata knows all the tables."""

from app.models.task import Task
from app.models.user import User

__all__ = ["Task", "User"]
