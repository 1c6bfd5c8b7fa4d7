"""Dependencies shared by the routers."""

from typing import Annotated

from fastapi import Depends, HTTPException, Path, Query, Request
from fastapi.security import APIKeyHeader
from pydantic import BaseModel, Field

from app.config import Settings
from app.crud import api_key as api_key_crud
from app.database import Database, get_db
from app.models.user import User

# The request's MongoDB database. Named SessionDep as with the SQL databases, so that the routers
# read alike.
SessionDep = Annotated[Database, Depends(get_db)]

# Offsets, and the ids of users and API keys, stay within 32 bits, as with the SQL databases.
# (Resource ids are random UUIDs: a path parameter typed `uuid.UUID`.)
MAX_ID = 2**31 - 1

# A user's or API key's id in a URL path: a positive integer; anything else is refused with 422.
IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]


class Pagination(BaseModel):
    """The `offset` and `limit` query parameters of list endpoints."""

    offset: int = Field(default=0, ge=0, le=MAX_ID)
    limit: int = Field(default=20, ge=1, le=100)


PaginationDep = Annotated[Pagination, Query()]


def get_app_settings(request: Request) -> Settings:
    """The settings the app was built with (tests build apps with their own)."""
    return request.app.state.settings


SettingsDep = Annotated[Settings, Depends(get_app_settings)]


# Reads the `X-API-Key` header; a missing or unknown key gets 401.
api_key_scheme = APIKeyHeader(
    name="X-API-Key", auto_error=False, description="A key from POST /auth/api-keys"
)

INVALID_API_KEY = "Invalid or missing API key"


def get_current_user(
    api_key: Annotated[str | None, Depends(api_key_scheme)], db: SessionDep
) -> User:
    """The owner of the API key: 401 when the key is missing or unknown, 403 when inactive."""
    user = api_key_crud.get_user(db, api_key) if api_key else None
    if user is None:
        raise HTTPException(
            status_code=401, detail=INVALID_API_KEY, headers={"WWW-Authenticate": "APIKey"}
        )
    if not user.is_active:
        raise HTTPException(status_code=403, detail="Inactive user")
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]

NOT_ENOUGH_PERMISSIONS = "Not enough permissions"


def require_superuser(user: CurrentUser) -> User:
    if not user.is_superuser:
        raise HTTPException(status_code=403, detail=NOT_ENOUGH_PERMISSIONS)
    return user


SuperuserDep = Annotated[User, Depends(require_superuser)]
