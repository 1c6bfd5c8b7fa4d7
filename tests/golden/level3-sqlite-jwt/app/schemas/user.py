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


class UserUpdate(BaseModel):
    """What a superuser may change on a user."""

    model_config = ConfigDict(extra="forbid")

    is_active: bool | None = None
    is_superuser: bool | None = None

    @field_validator("is_active", "is_superuser")
    @classmethod
    def reject_null(cls, value: object) -> object:
        """These columns are NOT NULL: omit the field to keep its value, null is refused."""
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
