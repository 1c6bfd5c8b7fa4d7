"""The /api/v1/tasks endpoints.

HTTP only: the rules live in TaskService.
"""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from app.api.deps import CurrentUser, PaginationDep, TaskServiceDep
from app.schemas.task import TaskCreate, TaskQuery, TaskRead, TaskUpdate

router = APIRouter(prefix="/tasks", tags=["tasks"])


# The collection answers with and without its trailing slash (no 307 redirect).
@router.get("/")
@router.get("", include_in_schema=False)
async def list_tasks(
    service: TaskServiceDep,
    pagination: PaginationDep,
    query: Annotated[TaskQuery, Query()],
    current_user: CurrentUser,
    response: Response,
) -> list[TaskRead]:
    """A page of the user's own tasks (a superuser's: everyone's), filtered and
    sorted; the X-Total-Count header says how many match in all."""
    total = await service.count(user=current_user, query=query)
    response.headers["X-Total-Count"] = str(total)
    items = await service.get_many(
        offset=pagination.offset,
        limit=pagination.limit,
        user=current_user,
        query=query,
    )
    return [TaskRead.model_validate(item) for item in items]


@router.post("/", status_code=201)
@router.post("", status_code=201, include_in_schema=False)
async def create_task(
    data: TaskCreate,
    service: TaskServiceDep,
    current_user: CurrentUser,
) -> TaskRead:
    task = await service.create(data, owner=current_user)
    return TaskRead.model_validate(task)


@router.get("/{task_id}")
async def read_task(
    task_id: uuid.UUID,
    service: TaskServiceDep,
    current_user: CurrentUser,
) -> TaskRead:
    return TaskRead.model_validate(await service.get_owned(task_id, current_user))


@router.patch("/{task_id}")
async def update_task(
    task_id: uuid.UUID,
    data: TaskUpdate,
    service: TaskServiceDep,
    current_user: CurrentUser,
) -> TaskRead:
    task = await service.update(task_id, data, user=current_user)
    return TaskRead.model_validate(task)


@router.delete("/{task_id}", status_code=204)
async def delete_task(
    task_id: uuid.UUID,
    service: TaskServiceDep,
    current_user: CurrentUser,
) -> None:
    await service.delete(task_id, user=current_user)
