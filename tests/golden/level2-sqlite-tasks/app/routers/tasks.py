"""The /tasks endpoints."""

import uuid
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Response
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.crud import task as task_crud
from app.dependencies import PaginationDep, SessionDep
from app.models.task import Task
from app.schemas.task import TaskCreate, TaskQuery, TaskRead, TaskUpdate

router = APIRouter(prefix="/tasks", tags=["tasks"])

NOT_FOUND = "Task not found"
ALREADY_EXISTS = "Task with this title already exists"


def get_or_404(db: Session, task_id: uuid.UUID) -> Task:
    task = task_crud.get(db, task_id)
    if task is None:
        raise HTTPException(status_code=404, detail=NOT_FOUND)
    return task


# The collection answers with and without its trailing slash (no 307 redirect).
@router.get("/")
@router.get("", include_in_schema=False)
def list_tasks(
    db: SessionDep,
    pagination: PaginationDep,
    query: Annotated[TaskQuery, Query()],
    response: Response,
) -> list[TaskRead]:
    """A page of tasks, filtered and sorted; the X-Total-Count header says how many
    match in all."""
    response.headers["X-Total-Count"] = str(task_crud.count(db, query=query))
    items = task_crud.get_many(db, offset=pagination.offset, limit=pagination.limit, query=query)
    return [TaskRead.model_validate(item) for item in items]


@router.post("/", status_code=201)
@router.post("", status_code=201, include_in_schema=False)
def create_task(data: TaskCreate, db: SessionDep) -> TaskRead:
    try:
        task = task_crud.create(db, data)
    except IntegrityError:
        raise HTTPException(status_code=409, detail=ALREADY_EXISTS) from None
    return TaskRead.model_validate(task)


@router.get("/{task_id}")
def read_task(task_id: uuid.UUID, db: SessionDep) -> TaskRead:
    return TaskRead.model_validate(get_or_404(db, task_id))


@router.patch("/{task_id}")
def update_task(task_id: uuid.UUID, data: TaskUpdate, db: SessionDep) -> TaskRead:
    task = get_or_404(db, task_id)
    try:
        task = task_crud.update(db, task, data)
    except IntegrityError:
        raise HTTPException(status_code=409, detail=ALREADY_EXISTS) from None
    return TaskRead.model_validate(task)


@router.delete("/{task_id}", status_code=204)
def delete_task(task_id: uuid.UUID, db: SessionDep) -> None:
    task_crud.delete(db, get_or_404(db, task_id))
