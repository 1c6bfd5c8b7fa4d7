"""The /api/v1/users endpoints, for superusers only."""

from fastapi import APIRouter, Depends, Response

from app.api.deps import IdPath, PaginationDep, SuperuserDep, UserServiceDep, require_superuser
from app.schemas.user import AdminUserCreate, UserRead, UserUpdate

router = APIRouter(prefix="/users", tags=["users"], dependencies=[Depends(require_superuser)])


# The collection answers with and without its trailing slash (no 307 redirect).
@router.get("/")
@router.get("", include_in_schema=False)
async def list_users(
    service: UserServiceDep, pagination: PaginationDep, response: Response
) -> list[UserRead]:
    """A page of the users; the X-Total-Count header says how many there are in all."""
    response.headers["X-Total-Count"] = str(await service.count())
    users = await service.get_many(offset=pagination.offset, limit=pagination.limit)
    return [UserRead.model_validate(user) for user in users]


@router.post("/", status_code=201)
@router.post("", status_code=201, include_in_schema=False)
async def create_user(data: AdminUserCreate, service: UserServiceDep) -> UserRead:
    return UserRead.model_validate(await service.create(data))


@router.get("/{user_id}")
async def read_user(user_id: IdPath, service: UserServiceDep) -> UserRead:
    return UserRead.model_validate(await service.get(user_id))


@router.patch("/{user_id}")
async def update_user(
    user_id: IdPath, data: UserUpdate, service: UserServiceDep, current_user: SuperuserDep
) -> UserRead:
    """Changes a user's email or password, activates or deactivates them, or grants or revokes
    superuser rights."""
    return UserRead.model_validate(await service.update(user_id, data, by=current_user))


@router.delete("/{user_id}", status_code=204)
async def delete_user(user_id: IdPath, service: UserServiceDep, current_user: SuperuserDep) -> None:
    """Deletes a user and everything they own; not the caller's own account."""
    await service.delete(user_id, by=current_user)
