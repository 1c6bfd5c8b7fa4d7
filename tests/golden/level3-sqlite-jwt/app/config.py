"""Settings, read from environment variables and from `.env` (see `.env.example`)."""

from functools import lru_cache
from typing import Literal, Self

from pydantic import EmailStr, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# The development default: outside development the app refuses to start with it.
DEV_SECRET_KEY = "changethis-development-only-secret-key"  # noqa: S105


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = "sqlite:///./app.db"
    # Outside development, the "changethis" defaults are refused at startup.
    environment: Literal["development", "staging", "production"] = "development"
    secret_key: SecretStr = SecretStr(DEV_SECRET_KEY)
    access_token_expire_minutes: int = Field(default=30, ge=1)
    # The first superuser, created at startup when both are set and it does not exist yet.
    first_superuser_email: EmailStr | None = None
    first_superuser_password: SecretStr | None = None

    @model_validator(mode="after")
    def refuse_default_secrets(self) -> Self:
        if self.environment == "development":
            return self
        secret = self.secret_key.get_secret_value()
        if secret.startswith("changethis") or len(secret) < 32:
            raise ValueError(
                "SECRET_KEY must be changed outside development: use 32 or more random characters, "
                "e.g. from python -c 'import secrets; print(secrets.token_urlsafe(32))'"
            )
        password = self.first_superuser_password
        if password is not None and password.get_secret_value() == "changethis":
            raise ValueError("FIRST_SUPERUSER_PASSWORD must be changed outside development")
        return self


@lru_cache
def get_settings() -> Settings:
    return Settings()
