"""Database access for tasks."""

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models.task import Task
from app.schemas.task import TaskCreate, TaskUpdate


class TaskRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, task_id: int) -> Task | None:
        return await self.session.get(Task, task_id)

    async def get_many(
        self,
        *,
        offset: int,
        limit: int,
        owner_id: int | None = None,
    ) -> Sequence[Task]:
        """A page of every task, or of those `owner_id` owns."""
        statement = select(Task).order_by(Task.id)
        if owner_id is not None:
            statement = statement.where(Task.owner_id == owner_id)
        return (await self.session.scalars(statement.offset(offset).limit(limit))).all()

    async def count(self, *, owner_id: int | None = None) -> int:
        """How many there are, or how many `owner_id` owns."""
        statement = select(func.count()).select_from(Task)
        if owner_id is not None:
            statement = statement.where(Task.owner_id == owner_id)
        return await self.session.scalar(statement) or 0

    async def create(self, data: TaskCreate, *, owner_id: int) -> Task:
        """Raises IntegrityError when a unique value is already taken."""
        task = Task(**data.model_dump(), owner_id=owner_id)
        self.session.add(task)
        await self.session.commit()
        return task

    async def update(self, task: Task, data: TaskUpdate) -> Task:
        """Changes only the fields sent; raises IntegrityError when a unique value is taken."""
        for field, value in data.model_dump(exclude_unset=True).items():
            setattr(task, field, value)
        await self.session.commit()
        return task

    async def delete(self, task: Task) -> None:
        await self.session.delete(task)
        await self.session.commit()
