"""Dependencies shared by the endpoints: session, settings, pagination, current user, services."""

from typing import Annotated

import jwt
from fastapi import Depends, HTTPException, Path, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field

from app.core.config import Settings
from app.core.errors import ForbiddenError
from app.core.security import decode_access_token, issued_for_password
from app.db.session import Database, get_db
from app.models.user import User
from app.repositories.task import TaskRepository
from app.repositories.user import UserRepository
from app.services.task import TaskService
from app.services.user import UserService

# The MongoDB database (the SQL variant's session: the name stays, so the endpoints read alike).
SessionDep = Annotated[Database, Depends(get_db)]

# Offsets, and the ids of users, are Integer columns: 32-bit on PostgreSQL.
# (Resource ids are random UUIDs: a path parameter typed `uuid.UUID`.)
MAX_ID = 2**31 - 1

# A user's id in a URL path: a positive integer; anything else is refused with 422.
IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]


class Pagination(BaseModel):
    """The `offset` and `limit` query parameters of list endpoints."""

    offset: int = Field(default=0, ge=0, le=MAX_ID)
    limit: int = Field(default=20, ge=1, le=100)


PaginationDep = Annotated[Pagination, Query()]


async def get_app_settings(request: Request) -> Settings:
    """The settings the app was built with (tests build apps with their own)."""
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_app_settings)]


async def get_user_service(session: SessionDep) -> UserService:
    return UserService(UserRepository(session))


UserServiceDep = Annotated[UserService, Depends(get_user_service)]


async def get_task_service(session: SessionDep) -> TaskService:
    return TaskService(TaskRepository(session))


TaskServiceDep = Annotated[TaskService, Depends(get_task_service)]

# Reads `Authorization: Bearer <token>`; without it, FastAPI answers 401 "Not authenticated".
bearer_scheme = HTTPBearer(description="An access token from POST /api/v1/auth/login")

INVALID_CREDENTIALS = "Could not validate credentials"


def unauthorized(detail: str) -> HTTPException:
    return HTTPException(status_code=401, detail=detail, headers={"WWW-Authenticate": "Bearer"})


async def get_current_user(
    credentials: Annotated[HTTPAuthorizationCredentials, Depends(bearer_scheme)],
    session: SessionDep,
    settings: SettingsDep,
) -> User:
    """The user the access token belongs to: 401 when the token is bad, 403 when inactive."""
    token = credentials.credentials
    key = settings.secret_key.get_secret_value()
    try:
        payload = decode_access_token(token, key)
    except jwt.ExpiredSignatureError:
        raise unauthorized("Token expired") from None
    except jwt.InvalidTokenError:
        raise unauthorized(INVALID_CREDENTIALS) from None
    try:
        user_id = int(payload["sub"])
    except ValueError:
        raise unauthorized(INVALID_CREDENTIALS) from None
    user = await UserRepository(session).get(user_id) if 1 <= user_id <= MAX_ID else None
    # A token issued before the last password change is dead: changing it signs out everywhere.
    if user is None or not issued_for_password(payload, user.hashed_password, key):
        raise unauthorized(INVALID_CREDENTIALS)
    if not user.is_active:
        raise HTTPException(status_code=403, detail="Inactive user")
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


async def require_superuser(user: CurrentUser) -> User:
    if not user.is_superuser:
        raise ForbiddenError()
    return user


SuperuserDep = Annotated[User, Depends(require_superuser)]
