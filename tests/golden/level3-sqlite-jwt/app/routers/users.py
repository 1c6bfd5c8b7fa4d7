"""The /users endpoints, for superusers only."""

from fastapi import APIRouter, Depends, HTTPException

from app.crud import user as user_crud
from app.dependencies import IdPath, PaginationDep, SessionDep, SuperuserDep, require_superuser
from app.schemas.user import UserRead, UserUpdate

router = APIRouter(prefix="/users", tags=["users"], dependencies=[Depends(require_superuser)])

OWN_ACCOUNT = "Superusers cannot change their own account"


@router.get("/")
def list_users(db: SessionDep, pagination: PaginationDep) -> list[UserRead]:
    users = user_crud.get_many(db, offset=pagination.offset, limit=pagination.limit)
    return [UserRead.model_validate(user) for user in users]


@router.patch("/{user_id}")
def update_user(
    user_id: IdPath, data: UserUpdate, db: SessionDep, current_user: SuperuserDep
) -> UserRead:
    """Activates or deactivates a user, or grants or revokes superuser rights."""
    if user_id == current_user.id:  # or the last superuser could lock everyone out
        raise HTTPException(status_code=403, detail=OWN_ACCOUNT)
    user = user_crud.get(db, user_id)
    if user is None:
        raise HTTPException(status_code=404, detail="User not found")
    return UserRead.model_validate(user_crud.update(db, user, data))
