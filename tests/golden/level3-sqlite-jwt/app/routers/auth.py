"""Registration, login (JSON body, returns a bearer token) and the current user."""

import datetime as dt

from fastapi import APIRouter, HTTPException
from sqlalchemy.exc import IntegrityError

from app.core.security import create_access_token
from app.crud import user as user_crud
from app.dependencies import CurrentUser, SessionDep, SettingsDep
from app.schemas.token import Token
from app.schemas.user import LoginRequest, PasswordChange, UserCreate, UserRead

router = APIRouter(prefix="/auth", tags=["auth"])

EMAIL_TAKEN = "A user with this email already exists"
# The same answer for an unknown email, a wrong password and an inactive user.
BAD_LOGIN = "Incorrect email or password"
WRONG_PASSWORD = "Incorrect password"  # noqa: S105
SUPERUSER_DELETE = "Superusers cannot delete their own account"


@router.post("/register", status_code=201)
def register(data: UserCreate, db: SessionDep) -> UserRead:
    try:
        user = user_crud.create(db, email=data.email, password=data.password)
    except IntegrityError:
        raise HTTPException(status_code=409, detail=EMAIL_TAKEN) from None
    return UserRead.model_validate(user)


@router.post("/login")
def login(data: LoginRequest, db: SessionDep, settings: SettingsDep) -> Token:
    user = user_crud.authenticate(db, data.email, data.password)
    if user is None or not user.is_active:
        raise HTTPException(
            status_code=401, detail=BAD_LOGIN, headers={"WWW-Authenticate": "Bearer"}
        )
    expires = dt.timedelta(minutes=settings.access_token_expire_minutes)
    token = create_access_token(str(user.id), settings.secret_key.get_secret_value(), expires)
    return Token(access_token=token)


@router.get("/me")
def read_me(current_user: CurrentUser) -> UserRead:
    return UserRead.model_validate(current_user)


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
