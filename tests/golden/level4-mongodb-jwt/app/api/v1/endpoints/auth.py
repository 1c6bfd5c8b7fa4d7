"""Registration, login (JSON body, returns a bearer token), password recovery and the current
user."""

import datetime as dt

from fastapi import APIRouter, BackgroundTasks, Depends

from app.api.deps import CurrentUser, SettingsDep, UserServiceDep
from app.core.email import send_password_reset
from app.core.ratelimit import RateLimit
from app.core.security import create_access_token
from app.schemas.token import Token
from app.schemas.user import (
    LoginRequest,
    Message,
    PasswordChange,
    PasswordRecovery,
    PasswordReset,
    UserCreate,
    UserRead,
    UserUpdateMe,
)

router = APIRouter(prefix="/auth", tags=["auth"])

# The same answer whether or not the email has an account.
RECOVERY_SENT = "If an account with this email exists, a password reset link has been sent to it"

# Registration and login hash passwords (slow on purpose) and face guessing, password recovery
# sends emails: a tighter limit. Should the limiter's storage be down, these routes refuse (503)
# rather than go unlimited.
auth_rate_limit = Depends(RateLimit("rate_limit_auth", fail_open=False))


@router.post("/register", status_code=201, dependencies=[auth_rate_limit])
async def register(data: UserCreate, service: UserServiceDep) -> UserRead:
    return UserRead.model_validate(await service.register(data.email, data.password))


@router.post("/login", dependencies=[auth_rate_limit])
async def login(data: LoginRequest, service: UserServiceDep, settings: SettingsDep) -> Token:
    user = await service.authenticate(data.email, data.password)
    expires = dt.timedelta(minutes=settings.access_token_expire_minutes)
    key = settings.secret_key.get_secret_value()
    token = create_access_token(str(user.id), user.hashed_password, key, expires)
    return Token(access_token=token)


@router.post("/password-recovery", status_code=202, dependencies=[auth_rate_limit])
async def recover_password(
    data: PasswordRecovery,
    service: UserServiceDep,
    settings: SettingsDep,
    background: BackgroundTasks,
) -> Message:
    """Emails a link to reset the password when the email belongs to an active account. The
    answer is the same either way, and the email goes out after it, so neither the answer nor
    its timing tells which emails have accounts."""
    secret_key = settings.secret_key.get_secret_value()
    expires = dt.timedelta(minutes=settings.password_reset_token_expire_minutes)
    issued = await service.password_reset_token(
        data.email, secret_key=secret_key, expires_delta=expires
    )
    if issued is not None:
        user, token = issued
        background.add_task(send_password_reset, settings, user.email, token)
    return Message(message=RECOVERY_SENT)


@router.post("/reset-password", status_code=204, dependencies=[auth_rate_limit])
async def reset_password(
    data: PasswordReset, service: UserServiceDep, settings: SettingsDep
) -> None:
    """Sets a new password with the token from the email. A token works once: it is bound to
    the password it was issued for."""
    secret_key = settings.secret_key.get_secret_value()
    await service.reset_password(data.token, data.new_password, secret_key=secret_key)


@router.get("/me")
async def read_me(current_user: CurrentUser) -> UserRead:
    return UserRead.model_validate(current_user)


@router.patch("/me")
async def update_me(
    data: UserUpdateMe, service: UserServiceDep, current_user: CurrentUser
) -> UserRead:
    """Changes the caller's own email (409 when another account has it)."""
    return UserRead.model_validate(await service.update_me(current_user, data))


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
