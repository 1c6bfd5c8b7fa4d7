"""The /tasks endpoints."""

import uuid
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Response
from pymongo.errors import DuplicateKeyError

from app.crud import task as task_crud
from app.database import Database
from app.dependencies import CurrentUser, PaginationDep, SessionDep
from app.models.task import Task
from app.models.user import User
from app.schemas.task import TaskCreate, TaskQuery, TaskRead, TaskUpdate

router = APIRouter(prefix="/tasks", tags=["tasks"])

NOT_FOUND = "Task not found"
ALREADY_EXISTS = "Task with this title already exists"


def get_or_404(db: Database, task_id: uuid.UUID) -> Task:
    task = task_crud.get(db, task_id)
    if task is None:
        raise HTTPException(status_code=404, detail=NOT_FOUND)
    return task


def get_owned(db: Database, task_id: uuid.UUID, user: User) -> Task:
    """404 unless it exists and the user owns it or is a superuser: to anyone else it does not
    exist, so ids tell nothing about other users' data."""
    task = get_or_404(db, task_id)
    if task.owner_id != user.id and not user.is_superuser:
        raise HTTPException(status_code=404, detail=NOT_FOUND)
    return task


# The collection answers with and without its trailing slash (no 307 redirect).
@router.get("/")
@router.get("", include_in_schema=False)
def list_tasks(
    db: SessionDep,
    pagination: PaginationDep,
    query: Annotated[TaskQuery, Query()],
    current_user: CurrentUser,
    response: Response,
) -> list[TaskRead]:
    """A page of the user's own tasks (a superuser's: everyone's), filtered and
    sorted; the X-Total-Count header says how many match in all."""
    owner_id = None if current_user.is_superuser else current_user.id
    response.headers["X-Total-Count"] = str(task_crud.count(db, owner_id=owner_id, query=query))
    items = task_crud.get_many(
        db,
        offset=pagination.offset,
        limit=pagination.limit,
        owner_id=owner_id,
        query=query,
    )
    return [TaskRead.model_validate(item) for item in items]


@router.post("/", status_code=201)
@router.post("", status_code=201, include_in_schema=False)
def create_task(data: TaskCreate, db: SessionDep, current_user: CurrentUser) -> TaskRead:
    try:
        task = task_crud.create(db, data, owner_id=current_user.id)
    except DuplicateKeyError:
        raise HTTPException(status_code=409, detail=ALREADY_EXISTS) from None
    return TaskRead.model_validate(task)


@router.get("/{task_id}")
def read_task(task_id: uuid.UUID, db: SessionDep, current_user: CurrentUser) -> TaskRead:
    return TaskRead.model_validate(get_owned(db, task_id, current_user))


@router.patch("/{task_id}")
def update_task(
    task_id: uuid.UUID,
    data: TaskUpdate,
    db: SessionDep,
    current_user: CurrentUser,
) -> TaskRead:
    task = get_owned(db, task_id, current_user)
    try:
        task = task_crud.update(db, task, data)
    except DuplicateKeyError:
        raise HTTPException(status_code=409, detail=ALREADY_EXISTS) from None
    return TaskRead.model_validate(task)


@router.delete("/{task_id}", status_code=204)
def delete_task(task_id: uuid.UUID, db: SessionDep, current_user: CurrentUser) -> None:
    task_crud.delete(db, get_owned(db, task_id, current_user))
