"""Registration, login (OAuth2 password flow: Swagger's Authorize button) and the current user."""

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.security import OAuth2PasswordRequestForm

from app.api.deps import CurrentUser, SettingsDep, UserServiceDep
from app.core.ratelimit import RateLimit
from app.core.security import create_access_token
from app.schemas.token import Token
from app.schemas.user import PasswordChange, UserCreate, UserRead

router = APIRouter(prefix="/auth", tags=["auth"])

# Registration and login hash passwords (slow on purpose) and face guessing: a tighter limit.
# Should the limiter's storage be down, these routes refuse (503) rather than go unlimited.
auth_rate_limit = Depends(RateLimit("rate_limit_auth", fail_open=False))


@router.post("/register", status_code=201, dependencies=[auth_rate_limit])
async def register(data: UserCreate, service: UserServiceDep) -> UserRead:
    return UserRead.model_validate(await service.register(data.email, data.password))


@router.post("/token", dependencies=[auth_rate_limit])
async def login(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    service: UserServiceDep,
    settings: SettingsDep,
) -> Token:
    """The OAuth2 password flow: a form with `username` (the email) and `password`."""
    user = await service.authenticate(form.username, form.password)
    expires = dt.timedelta(minutes=settings.access_token_expire_minutes)
    token = create_access_token(str(user.id), settings.secret_key.get_secret_value(), expires)
    return Token(access_token=token)


@router.get("/me")
async def read_me(current_user: CurrentUser) -> UserRead:
    return UserRead.model_validate(current_user)


@router.post("/me/password", status_code=204, dependencies=[auth_rate_limit])
async def change_password(
    data: PasswordChange, service: UserServiceDep, current_user: CurrentUser
) -> None:
    """The current password, checked as at login (and rate limited as login), then the new one."""
    await service.change_password(current_user, data.current_password, data.new_password)


@router.delete("/me", status_code=204)
async def delete_me(service: UserServiceDep, current_user: CurrentUser) -> None:
    """Deletes the account and everything it owns (not a superuser's)."""
    await service.delete_own_account(current_user)
