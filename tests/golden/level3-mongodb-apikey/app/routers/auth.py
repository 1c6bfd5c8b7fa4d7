"""Registration, API keys (issued against email and password), password recovery and the
current user."""

import datetime as dt
import logging

from fastapi import APIRouter, BackgroundTasks, HTTPException
from pymongo.errors import DuplicateKeyError

from app.core.email import send_password_reset
from app.core.security import create_password_reset_token
from app.crud import api_key as api_key_crud
from app.crud import user as user_crud
from app.dependencies import CurrentUser, IdPath, SessionDep, SettingsDep
from app.schemas.api_key import ApiKeyCreate, ApiKeyCreated, ApiKeyRead
from app.schemas.user import (
    Message,
    PasswordChange,
    PasswordRecovery,
    PasswordReset,
    UserCreate,
    UserRead,
    UserUpdateMe,
)

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/auth", tags=["auth"])

EMAIL_TAKEN = "A user with this email already exists"
# The same answer for an unknown email, a wrong password and an inactive user.
BAD_LOGIN = "Incorrect email or password"
WRONG_PASSWORD = "Incorrect password"  # noqa: S105
SUPERUSER_DELETE = "Superusers cannot delete their own account"
# The same answer whether or not the email has an account.
RECOVERY_SENT = "If an account with this email exists, a password reset link has been sent to it"
BAD_RESET_TOKEN = "Invalid or expired password reset token"  # noqa: S105


@router.post("/register", status_code=201)
def register(data: UserCreate, db: SessionDep) -> UserRead:
    try:
        user = user_crud.create(db, email=data.email, password=data.password)
    except DuplicateKeyError:
        raise HTTPException(status_code=409, detail=EMAIL_TAKEN) from None
    return UserRead.model_validate(user)


@router.post("/api-keys", status_code=201)
def create_api_key(data: ApiKeyCreate, db: SessionDep) -> ApiKeyCreated:
    """A new API key, shown this once. Send it in the `X-API-Key` header."""
    user = user_crud.authenticate(db, data.email, data.password)
    if user is None or not user.is_active:
        raise HTTPException(
            status_code=401, detail=BAD_LOGIN, headers={"WWW-Authenticate": "APIKey"}
        )
    api_key, key = api_key_crud.create(db, user, expires_in_days=data.expires_in_days)
    return ApiKeyCreated(**ApiKeyRead.model_validate(api_key).model_dump(), api_key=key)


@router.get("/api-keys")
def list_api_keys(db: SessionDep, current_user: CurrentUser) -> list[ApiKeyRead]:
    """The caller's keys: ids, prefixes and creation times, never the keys themselves."""
    return [ApiKeyRead.model_validate(key) for key in api_key_crud.get_many(db, current_user)]


@router.delete("/api-keys/{api_key_id}", status_code=204)
def revoke_api_key(api_key_id: IdPath, db: SessionDep, current_user: CurrentUser) -> None:
    """Revokes one of the caller's keys: it stops working at once. Another user's is 404."""
    api_key = api_key_crud.get_owned(db, api_key_id, current_user)
    if api_key is None:
        raise HTTPException(status_code=404, detail="API key not found")
    api_key_crud.delete(db, api_key)


@router.post("/password-recovery", status_code=202)
def recover_password(
    data: PasswordRecovery, db: SessionDep, settings: SettingsDep, background: BackgroundTasks
) -> Message:
    """Emails a link to reset the password when the email belongs to an active account. The
    answer is the same either way, and the email goes out after it, so neither the answer nor
    its timing tells which emails have accounts."""
    user = user_crud.get_by_email(db, data.email)
    secret_key = settings.secret_key.get_secret_value()
    if not secret_key:
        logger.warning("SECRET_KEY is not set: password reset is off")
    if user is not None and user.is_active and secret_key:
        expires = dt.timedelta(minutes=settings.password_reset_token_expire_minutes)
        token = create_password_reset_token(str(user.id), user.hashed_password, secret_key, expires)
        background.add_task(send_password_reset, settings, user.email, token)
    return Message(message=RECOVERY_SENT)


@router.post("/reset-password", status_code=204)
def reset_password(data: PasswordReset, db: SessionDep, settings: SettingsDep) -> None:
    """Sets a new password with the token from the email. A token works once: it is bound to
    the password it was issued for."""
    secret_key = settings.secret_key.get_secret_value()
    user = user_crud.get_by_reset_token(db, data.token, secret_key)
    if user is None:
        raise HTTPException(status_code=400, detail=BAD_RESET_TOKEN)
    user_crud.set_password(db, user, data.new_password)


@router.get("/me")
def read_me(current_user: CurrentUser) -> UserRead:
    return UserRead.model_validate(current_user)


@router.patch("/me")
def update_me(data: UserUpdateMe, db: SessionDep, current_user: CurrentUser) -> UserRead:
    """Changes the caller's own email (409 when another account has it)."""
    try:
        user = user_crud.update_me(db, current_user, data)
    except DuplicateKeyError:
        raise HTTPException(status_code=409, detail=EMAIL_TAKEN) from None
    return UserRead.model_validate(user)


@router.post("/me/password", status_code=204)
def change_password(data: PasswordChange, db: SessionDep, current_user: CurrentUser) -> None:
    """The current password, checked as at login, then the new one."""
    if user_crud.authenticate(db, current_user.email, data.current_password) is None:
        raise HTTPException(status_code=400, detail=WRONG_PASSWORD)
    user_crud.set_password(db, current_user, data.new_password)


@router.delete("/me", status_code=204)
def delete_me(db: SessionDep, current_user: CurrentUser) -> None:
    """Deletes the account and everything it owns. A superuser cannot: they could leave no one
    to manage the users."""
    if current_user.is_superuser:
        raise HTTPException(status_code=403, detail=SUPERUSER_DELETE)
    user_crud.delete(db, current_user)
