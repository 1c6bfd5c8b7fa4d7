"""The /api/v1/users endpoints, for superusers only."""

from fastapi import APIRouter, Depends

from app.api.deps import IdPath, PaginationDep, SuperuserDep, UserServiceDep, require_superuser
from app.schemas.user import UserRead, UserUpdate

router = APIRouter(prefix="/users", tags=["users"], dependencies=[Depends(require_superuser)])


@router.get("/")
async def list_users(service: UserServiceDep, pagination: PaginationDep) -> list[UserRead]:
    users = await service.get_many(offset=pagination.offset, limit=pagination.limit)
    return [UserRead.model_validate(user) for user in users]


@router.patch("/{user_id}")
async def update_user(
    user_id: IdPath, data: UserUpdate, service: UserServiceDep, current_user: SuperuserDep
) -> UserRead:
    """Activates or deactivates a user, or grants or revokes superuser rights."""
    return UserRead.model_validate(await service.update(user_id, data, by=current_user))
