"""The /api/v1/tasks endpoints.

HTTP only: the rules live in TaskService.
"""

from fastapi import APIRouter

from app.api.deps import CurrentUser, IdPath, PaginationDep, TaskServiceDep
from app.schemas.task import TaskCreate, TaskRead, TaskUpdate

router = APIRouter(prefix="/tasks", tags=["tasks"])


@router.get("/")
async def list_tasks(service: TaskServiceDep, pagination: PaginationDep) -> list[TaskRead]:
    items = await service.get_many(offset=pagination.offset, limit=pagination.limit)
    return [TaskRead.model_validate(item) for item in items]


@router.post("/", status_code=201)
async def create_task(
    data: TaskCreate,
    service: TaskServiceDep,
    current_user: CurrentUser,
) -> TaskRead:
    task = await service.create(data, owner=current_user)
    return TaskRead.model_validate(task)


@router.get("/{task_id}")
async def read_task(task_id: IdPath, service: TaskServiceDep) -> TaskRead:
    return TaskRead.model_validate(await service.get(task_id))


@router.patch("/{task_id}")
async def update_task(
    task_id: IdPath,
    data: TaskUpdate,
    service: TaskServiceDep,
    current_user: CurrentUser,
) -> TaskRead:
    task = await service.update(task_id, data, user=current_user)
    return TaskRead.model_validate(task)


@router.delete("/{task_id}", status_code=204)
async def delete_task(task_id: IdPath, service: TaskServiceDep, current_user: CurrentUser) -> None:
    await service.delete(task_id, user=current_user)
