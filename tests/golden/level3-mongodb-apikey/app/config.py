"""Settings, read from environment variables and from `.env` (see `.env.example`)."""

import secrets
from functools import lru_cache
from typing import Literal, Self

from pydantic import EmailStr, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_ignore_empty=True, extra="ignore")

    # The database is the URL's path.
    mongodb_url: str = "mongodb://localhost:27017/mongo_keys"
    # The largest request body accepted, in bytes: larger ones get 413.
    max_body_size: int = Field(default=1_048_576, ge=1)
    # Production unless ENVIRONMENT=development is set: outside development the app refuses to
    # start without a real SECRET_KEY, and with the "changethis" values.
    environment: Literal["development", "staging", "production"] = "production"
    # The first superuser, created at startup when both are set and it does not exist yet.
    first_superuser_email: EmailStr | None = None
    first_superuser_password: SecretStr | None = None
    # Signs the password reset links (API keys need no signing key): outside development, password
    # reset is off until it is set. In development an unset key is replaced by a random one.
    secret_key: SecretStr = SecretStr("")
    # Password recovery emails (POST /auth/password-recovery) go through this SMTP server. Without
    # SMTP_HOST none is sent: the endpoint answers the same and logs that email is not configured.
    smtp_host: str | None = None
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    # STARTTLS on a plain connection (port 587); or SMTP_SSL, TLS from the start (port 465).
    smtp_tls: bool = True
    smtp_ssl: bool = False
    emails_from: EmailStr = "noreply@example.com"
    # The frontend page that takes the token (FRONTEND_URL/reset-password?token=...) and sends it
    # with the new password to POST /auth/reset-password.
    frontend_url: str = "http://localhost:5173"
    password_reset_token_expire_minutes: int = Field(default=30, ge=1)

    @model_validator(mode="after")
    def refuse_default_secrets(self) -> Self:
        if self.environment == "development":
            if not self.secret_key.get_secret_value():
                self.secret_key = SecretStr(secrets.token_urlsafe(32))
            return self
        secret = self.secret_key.get_secret_value()
        if secret and (secret.lower().startswith("changethis") or len(secret) < 32):
            raise ValueError(
                "SECRET_KEY must be 32 or more random characters, e.g. from "
                "python -c 'import secrets; print(secrets.token_urlsafe(32))'"
            )
        password = self.first_superuser_password
        if password is not None and password.get_secret_value() == "changethis":
            raise ValueError("FIRST_SUPERUSER_PASSWORD must be changed outside development")
        return self


@lru_cache
def get_settings() -> Settings:
    return Settings()
