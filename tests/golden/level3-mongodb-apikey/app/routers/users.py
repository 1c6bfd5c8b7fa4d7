"""The /users endpoints, for superusers only."""

from fastapi import APIRouter, Depends, HTTPException, Response
from pymongo.errors import DuplicateKeyError

from app.crud import user as user_crud
from app.dependencies import IdPath, PaginationDep, SessionDep, SuperuserDep, require_superuser
from app.schemas.user import AdminUserCreate, UserRead, UserUpdate

router = APIRouter(prefix="/users", tags=["users"], dependencies=[Depends(require_superuser)])

NOT_FOUND = "User not found"
EMAIL_TAKEN = "A user with this email already exists"
OWN_ACCOUNT = "Superusers cannot change their own account"
OWN_DELETE = "Superusers cannot delete their own account"


# The collection answers with and without its trailing slash (no 307 redirect).
@router.get("/")
@router.get("", include_in_schema=False)
def list_users(db: SessionDep, pagination: PaginationDep, response: Response) -> list[UserRead]:
    """A page of the users; the X-Total-Count header says how many there are in all."""
    response.headers["X-Total-Count"] = str(user_crud.count(db))
    users = user_crud.get_many(db, offset=pagination.offset, limit=pagination.limit)
    return [UserRead.model_validate(user) for user in users]


@router.post("/", status_code=201)
@router.post("", status_code=201, include_in_schema=False)
def create_user(data: AdminUserCreate, db: SessionDep) -> UserRead:
    try:
        user = user_crud.create(
            db,
            email=data.email,
            password=data.password,
            is_superuser=data.is_superuser,
            is_active=data.is_active,
        )
    except DuplicateKeyError:
        raise HTTPException(status_code=409, detail=EMAIL_TAKEN) from None
    return UserRead.model_validate(user)


@router.get("/{user_id}")
def read_user(user_id: IdPath, db: SessionDep) -> UserRead:
    user = user_crud.get(db, user_id)
    if user is None:
        raise HTTPException(status_code=404, detail=NOT_FOUND)
    return UserRead.model_validate(user)


@router.patch("/{user_id}")
def update_user(
    user_id: IdPath, data: UserUpdate, db: SessionDep, current_user: SuperuserDep
) -> UserRead:
    """Changes a user's email or password, activates or deactivates them, or grants or revokes
    superuser rights."""
    if user_id == current_user.id:  # or the last superuser could lock everyone out
        raise HTTPException(status_code=403, detail=OWN_ACCOUNT)
    user = user_crud.get(db, user_id)
    if user is None:
        raise HTTPException(status_code=404, detail=NOT_FOUND)
    try:
        user = user_crud.update(db, user, data)
    except DuplicateKeyError:
        raise HTTPException(status_code=409, detail=EMAIL_TAKEN) from None
    return UserRead.model_validate(user)


@router.delete("/{user_id}", status_code=204)
def delete_user(user_id: IdPath, db: SessionDep, current_user: SuperuserDep) -> None:
    """Deletes a user and everything they own; not the caller's own account."""
    if user_id == current_user.id:
        raise HTTPException(status_code=403, detail=OWN_DELETE)
    user = user_crud.get(db, user_id)
    if user is None:
        raise HTTPException(status_code=404, detail=NOT_FOUND)
    user_crud.delete(db, user)
