"""The rules for tasks: existence, ownership and uniqueness."""

import uuid
from collections.abc import Sequence

from pymongo.errors import DuplicateKeyError

from app.core.errors import ConflictError, NotFoundError
from app.models.task import Task
from app.models.user import User
from app.repositories.task import TaskRepository
from app.schemas.task import TaskCreate, TaskQuery, TaskUpdate

NOT_FOUND = "Task not found"
ALREADY_EXISTS = "Task with this title already exists"


class TaskService:
    def __init__(self, repository: TaskRepository) -> None:
        self.repository = repository

    async def get(self, task_id: uuid.UUID) -> Task:
        task = await self.repository.get(task_id)
        if task is None:
            raise NotFoundError(NOT_FOUND)
        return task

    async def get_many(
        self,
        *,
        offset: int,
        limit: int,
        user: User,
        query: TaskQuery | None = None,
    ) -> Sequence[Task]:
        """The user's own tasks, filtered and sorted; a superuser gets everyone's."""
        owner_id = None if user.is_superuser else user.id
        return await self.repository.get_many(
            offset=offset,
            limit=limit,
            owner_id=owner_id,
            query=query,
        )

    async def count(self, *, user: User, query: TaskQuery | None = None) -> int:
        """How many get_many() would list without paging."""
        owner_id = None if user.is_superuser else user.id
        return await self.repository.count(owner_id=owner_id, query=query)

    async def create(self, data: TaskCreate, *, owner: User) -> Task:
        try:
            return await self.repository.create(data, owner_id=owner.id)
        except DuplicateKeyError:
            raise ConflictError(ALREADY_EXISTS) from None

    async def update(self, task_id: uuid.UUID, data: TaskUpdate, *, user: User) -> Task:
        task = await self.get_owned(task_id, user)
        try:
            return await self.repository.update(task, data)
        except DuplicateKeyError:
            raise ConflictError(ALREADY_EXISTS) from None

    async def delete(self, task_id: uuid.UUID, *, user: User) -> None:
        await self.repository.delete(await self.get_owned(task_id, user))

    async def get_owned(self, task_id: uuid.UUID, user: User) -> Task:
        """404 unless it exists and the user owns it or is a superuser: to anyone else it does
        not exist, so ids tell nothing about other users' data."""
        task = await self.get(task_id)
        if task.owner_id != user.id and not user.is_superuser:
            raise NotFoundError(NOT_FOUND)
        return task
