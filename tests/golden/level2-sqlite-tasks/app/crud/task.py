"""Database operations on tasks."""

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from app.models.task import Task
from app.schemas.task import TaskCreate, TaskQuery, TaskUpdate


def get(db: Session, task_id: uuid.UUID) -> Task | None:
    return db.get(Task, task_id)


def filtered(statement: Select[Any], query: TaskQuery | None) -> Select[Any]:
    """The query's equality filters as WHERE clauses (the fields left out filter nothing)."""
    if query is not None:
        for field, value in query.model_dump(exclude={"sort"}, exclude_none=True).items():
            statement = statement.where(getattr(Task, field) == value)
    return statement


def get_many(
    db: Session,
    *,
    offset: int,
    limit: int,
    query: TaskQuery | None = None,
) -> Sequence[Task]:
    """A page of tasks, filtered and sorted."""
    statement = filtered(select(Task), query)
    sort = query.sort if query is not None else "created_at"
    column = getattr(Task, sort.removeprefix("-"))
    order = column.desc() if sort.startswith("-") else column
    statement = statement.order_by(order, Task.created_at, Task.id)
    return db.scalars(statement.offset(offset).limit(limit)).all()


def count(db: Session, *, query: TaskQuery | None = None) -> int:
    """How many match the filters."""
    statement = filtered(select(func.count()).select_from(Task), query)
    return db.scalar(statement) or 0


def create(db: Session, data: TaskCreate) -> Task:
    """Raises IntegrityError when a unique value is already taken."""
    task = Task(**data.model_dump())
    db.add(task)
    db.commit()
    db.refresh(task)
    return task


def update(db: Session, task: Task, data: TaskUpdate) -> Task:
    """Changes only the fields sent; raises IntegrityError when a unique value is taken."""
    for field, value in data.model_dump(exclude_unset=True).items():
        setattr(task, field, value)
    db.commit()
    db.refresh(task)
    return task


def delete(db: Session, task: Task) -> None:
    db.delete(task)
    db.commit()
