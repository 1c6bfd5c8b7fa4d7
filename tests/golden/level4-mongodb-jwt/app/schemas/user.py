"""Request and response bodies for users. No response model has a password field."""

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, EmailStr, Field, field_validator

from app.core.security import MAX_PASSWORD_LENGTH
from app.schemas.task import UtcDatetime

# Emails are compared in lower case.
Email = Annotated[EmailStr, AfterValidator(str.lower)]
Password = Annotated[str, Field(min_length=8, max_length=MAX_PASSWORD_LENGTH)]


class UserCreate(BaseModel):
    """Registration: unknown fields such as `is_superuser` are refused (422)."""

    model_config = ConfigDict(extra="forbid")

    email: Email
    password: Password


class LoginRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: Email
    password: Annotated[str, Field(max_length=MAX_PASSWORD_LENGTH)]


class PasswordChange(BaseModel):
    """A user's own password change: the current password, then the new one."""

    model_config = ConfigDict(extra="forbid")

    current_password: Annotated[str, Field(max_length=MAX_PASSWORD_LENGTH)]
    new_password: Password


class PasswordRecovery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: Email


class PasswordReset(BaseModel):
    """The token from the password reset email, and the new password."""

    model_config = ConfigDict(extra="forbid")

    token: Annotated[str, Field(min_length=1, max_length=1000)]
    new_password: Password


class Message(BaseModel):
    message: str


class AdminUserCreate(BaseModel):
    """A user a superuser creates, who may be made a superuser or inactive at once."""

    model_config = ConfigDict(extra="forbid")

    email: Email
    password: Password
    is_active: bool = True
    is_superuser: bool = False


class UserUpdate(BaseModel):
    """What a superuser may change on a user."""

    model_config = ConfigDict(extra="forbid")

    email: Email | None = None
    password: Password | None = None
    is_active: bool | None = None
    is_superuser: bool | None = None

    @field_validator("email", "password", "is_active", "is_superuser")
    @classmethod
    def reject_null(cls, value: object) -> object:
        """These fields are required: omit the field to keep its value, null is refused."""
        if value is None:
            raise ValueError("may be omitted but not null")
        return value


class UserUpdateMe(BaseModel):
    """What users may change on their own account (the password: POST /auth/me/password)."""

    model_config = ConfigDict(extra="forbid")

    email: Email | None = None

    @field_validator("email")
    @classmethod
    def reject_null(cls, value: object) -> object:
        if value is None:
            raise ValueError("may be omitted but not null")
        return value


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str
    is_active: bool
    is_superuser: bool
    created_at: UtcDatetime
