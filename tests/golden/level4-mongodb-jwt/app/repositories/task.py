"""Database access for tasks: the tasks collection."""

import uuid
from typing import Any

from pymongo import ASCENDING, DESCENDING, ReturnDocument

from app.db.session import Database, Document, to_bson, utc_now
from app.models.task import COLLECTION, Task
from app.schemas.task import TaskCreate, TaskQuery, TaskUpdate


def filtered(query: TaskQuery | None, owner_id: int | None = None) -> Document:
    """The query's equality filters, and the owner, as a MongoDB filter (the fields left out
    filter nothing)."""
    conditions: dict[str, Any] = {}
    if query is not None:
        conditions.update(to_bson(query.model_dump(exclude={"sort"}, exclude_none=True)))
    if owner_id is not None:
        conditions["owner_id"] = owner_id
    return conditions


class TaskRepository:
    # The database, where the SQL variant takes a session.
    def __init__(self, db: Database) -> None:
        self.collection = db[COLLECTION]

    async def get(self, task_id: uuid.UUID) -> Task | None:
        document = await self.collection.find_one({"_id": task_id})
        return Task.from_document(document) if document is not None else None

    async def get_many(
        self,
        *,
        offset: int,
        limit: int,
        owner_id: int | None = None,
        query: TaskQuery | None = None,
    ) -> list[Task]:
        """A page of every task, or of those `owner_id` owns, filtered and sorted."""
        sort = query.sort if query is not None else "created_at"
        field = sort.removeprefix("-")
        field = "_id" if field == "id" else field
        order = [(field, DESCENDING if sort.startswith("-") else ASCENDING)]
        # Ties in creation order (then by id, so that pages never overlap).
        order += [(tie, ASCENDING) for tie in ("created_at", "_id") if tie != field]
        cursor = self.collection.find(filtered(query, owner_id)).sort(order)
        found = cursor.skip(offset).limit(limit)
        return [Task.from_document(document) async for document in found]

    async def count(self, *, owner_id: int | None = None, query: TaskQuery | None = None) -> int:
        """How many there are, or how many `owner_id` owns, that match the filters."""
        return await self.collection.count_documents(filtered(query, owner_id))

    async def create(self, data: TaskCreate, *, owner_id: int) -> Task:
        """Raises DuplicateKeyError when a unique value is already taken."""
        task = Task(**data.model_dump(), owner_id=owner_id)
        await self.collection.insert_one(task.to_document())
        return Task.from_document(task.to_document())

    async def update(self, task: Task, data: TaskUpdate) -> Task:
        """Sets only the fields sent; raises DuplicateKeyError when a unique value is taken."""
        values = data.model_dump(exclude_unset=True)
        values["updated_at"] = utc_now()
        document = await self.collection.find_one_and_update(
            {"_id": task.id},
            {"$set": to_bson(values)},
            return_document=ReturnDocument.AFTER,
        )
        if document is None:  # deleted meanwhile: answer with what was sent
            return task.model_copy(update=values)
        return Task.from_document(document)

    async def delete(self, task: Task) -> None:
        await self.collection.delete_one({"_id": task.id})
