"""The bodies of issuing an API key and of listing keys."""

from pydantic import BaseModel, ConfigDict, Field

from app.schemas.task import UtcDatetime
from app.schemas.user import LoginRequest


class ApiKeyCreate(LoginRequest):
    """The account's email and password, and how many days the key works (90 unless told)."""

    expires_in_days: int = Field(default=90, ge=1, le=366)


class ApiKeyRead(BaseModel):
    """A key as listed: never the key itself (it is not stored), only its first characters."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    prefix: str
    created_at: UtcDatetime
    expires_at: UtcDatetime | None
    last_used_at: UtcDatetime | None


class ApiKeyCreated(ApiKeyRead):
    """The new key, with the key itself. It is shown this once: only its hash is stored."""

    api_key: str
