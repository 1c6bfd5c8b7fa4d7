"""Unit tests of TaskService.

They run on an in-memory repository: no database, no HTTP.
"""

import uuid
from collections.abc import Sequence

import pytest
from pymongo.errors import DuplicateKeyError

from app.core.errors import ConflictError, NotFoundError
from app.models.task import Task
from app.models.user import User
from app.schemas.task import TaskCreate, TaskUpdate
from app.services.task import TaskService
from tests.api.test_tasks import make_payload

pytestmark = pytest.mark.anyio
UNIQUE_FIELDS = ["title"]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


class FakeTaskRepository:
    """Keeps tasks in a dict.

    Like the unique index, it refuses a unique value that the same owner already uses.
    """

    def __init__(self) -> None:
        self.items: dict[uuid.UUID, Task] = {}

    async def get(self, task_id: uuid.UUID) -> Task | None:
        return self.items.get(task_id)

    async def get_many(
        self,
        *,
        offset: int,
        limit: int,
        owner_id: int | None = None,
        query: object = None,
    ) -> Sequence[Task]:
        items = [item for item in self.items.values() if owner_id in (None, item.owner_id)]
        return items[offset : offset + limit]

    async def count(self, *, owner_id: int | None = None, query: object = None) -> int:
        return len(await self.get_many(offset=0, limit=len(self.items), owner_id=owner_id))

    async def create(self, data: TaskCreate, *, owner_id: int) -> Task:
        self.check_unique(data.model_dump(), owner_id)
        item = Task(**data.model_dump(), owner_id=owner_id, id=uuid.uuid4())
        self.items[item.id] = item
        return item

    async def update(self, item: Task, data: TaskUpdate) -> Task:
        changes = data.model_dump(exclude_unset=True)
        self.check_unique(changes, item.owner_id, skip_id=item.id)
        for field, value in changes.items():
            setattr(item, field, value)
        return item

    async def delete(self, item: Task) -> None:
        del self.items[item.id]

    def check_unique(
        self, values: dict[str, object], owner_id: int, skip_id: uuid.UUID | None = None
    ) -> None:
        for item in self.items.values():
            if item.id == skip_id or item.owner_id != owner_id:
                continue
            for field in UNIQUE_FIELDS:
                if field in values and getattr(item, field) == values[field]:
                    raise DuplicateKeyError("E11000 duplicate key error", code=11000)


def user(user_id: int, *, superuser: bool = False) -> User:
    return User(
        id=user_id,
        email=f"user{user_id}@example.com",
        hashed_password="unused",
        is_superuser=superuser,
    )


def service() -> TaskService:
    return TaskService(FakeTaskRepository())  # type: ignore[arg-type]


def new(n: int = 0) -> TaskCreate:
    return TaskCreate.model_validate(make_payload(n))


def change(n: int = 1) -> TaskUpdate:
    return TaskUpdate.model_validate(make_payload(n))


async def test_create_sets_the_owner() -> None:
    item = await service().create(new(), owner=user(1))
    assert item.owner_id == 1


async def test_get_many_pages() -> None:
    items = service()
    created = [await items.create(new(n), owner=user(1)) for n in range(2)]
    assert list(await items.get_many(offset=1, limit=1, user=user(1))) == created[1:2]


async def test_get_many_is_the_users_own() -> None:
    items = service()
    mine = await items.create(new(0), owner=user(1))
    theirs = await items.create(new(1), owner=user(2))
    assert list(await items.get_many(offset=0, limit=10, user=user(1))) == [mine]
    everyone = await items.get_many(offset=0, limit=10, user=user(3, superuser=True))
    assert list(everyone) == [mine, theirs]
    assert await items.count(user=user(1)) == 1
    assert await items.count(user=user(3, superuser=True)) == 2


async def test_get_missing_raises_not_found() -> None:
    with pytest.raises(NotFoundError, match="Task not found"):
        await service().get(uuid.uuid4())


async def test_other_user_finds_nothing() -> None:
    items = service()
    item = await items.create(new(), owner=user(1))
    with pytest.raises(NotFoundError):
        await items.get_owned(item.id, user(2))
    with pytest.raises(NotFoundError):
        await items.update(item.id, change(), user=user(2))
    with pytest.raises(NotFoundError):
        await items.delete(item.id, user=user(2))
    assert await items.get_owned(item.id, user(1)) is item


async def test_owner_and_superuser_may_change() -> None:
    items = service()
    item = await items.create(new(), owner=user(1))
    assert await items.update(item.id, change(), user=user(1)) is item
    assert await items.update(item.id, change(2), user=user(3, superuser=True)) is item
    await items.delete(item.id, user=user(3, superuser=True))
    with pytest.raises(NotFoundError):
        await items.get(item.id)


async def test_taken_value_raises_conflict() -> None:
    items = service()
    await items.create(new(0), owner=user(1))
    second = await items.create(new(1), owner=user(1))
    with pytest.raises(ConflictError, match="already exists"):
        await items.create(new(0), owner=user(1))
    with pytest.raises(ConflictError, match="already exists"):
        await items.update(second.id, change(0), user=user(1))
    # Unique per owner: another user may use the same values.
    await items.create(new(0), owner=user(2))
