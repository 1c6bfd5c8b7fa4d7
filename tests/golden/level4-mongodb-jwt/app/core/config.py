"""Settings, read from environment variables and from `.env` (see `.env.example`)."""

import json
import secrets
from functools import lru_cache
from typing import Annotated, Literal, Self
from urllib.parse import unquote, urlsplit

from limits import parse
from pydantic import EmailStr, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# The mark of the development defaults: outside development the app refuses to start with them.
CHANGE_THIS = "changethis"
# Keys that have been published (defaults and test values of earlier versions of this project's
# template): anyone can sign tokens with them, so they are refused outside development.
PUBLIC_SECRET_KEYS = frozenset(
    {
        "changethis-development-only-secret-key",
        "test-secret-key-long-enough-for-hs256",
        "another-secret-key-long-enough-for-hs256",
    }
)
GENERATE_KEY = "python -c 'import secrets; print(secrets.token_urlsafe(32))'"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_ignore_empty=True, extra="ignore")

    # The database is the URL's path (mongo_prod when it names none).
    mongodb_url: str = "mongodb://localhost:27017/mongo_prod"
    # Production unless ENVIRONMENT=development is set: outside development the app refuses to
    # start without a real SECRET_KEY, and with the "changethis" values.
    environment: Literal["development", "staging", "production"] = "production"
    # Signs the access tokens; required outside development. In development an unset key is
    # replaced by a random one at each start (tokens then last until the app restarts).
    secret_key: SecretStr = SecretStr("")
    access_token_expire_minutes: int = Field(default=30, ge=1)
    # The first superuser, created by `python -m app.initial_data` (scripts/prestart.sh).
    first_superuser_email: EmailStr | None = None
    first_superuser_password: SecretStr | None = None
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

    # Origins whose pages may call the API (CORS): a JSON list or comma-separated. Never "*".
    cors_origins: Annotated[list[str], NoDecode] = []
    # The largest request body accepted, in bytes: larger ones get 413.
    max_body_size: int = Field(default=1_048_576, ge=1)
    # The addresses of the reverse proxies in front of the app (IPs or networks, a JSON list or
    # comma-separated; uvicorn's --forwarded-allow-ips reads the same variable). Only a request
    # from one of them has its client address taken from X-Forwarded-For; from anyone else the
    # header is ignored, so a client cannot choose its rate-limit bucket. Never "*".
    forwarded_allow_ips: Annotated[list[str], NoDecode] = []
    # Requests per client address: on every /api/v1 route, and on registration and login.
    rate_limit_default: str = "100/minute"
    rate_limit_auth: str = "5/minute"
    # Where the counts are kept. async+memory:// counts in the process: exact for one process
    # (the Docker image runs one worker per container). With more workers or replicas, share the
    # counts in a store, e.g. async+redis://redis:6379 (`uv add redis`).
    rate_limit_storage_uri: str = "async+memory://"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    # JSON log lines; by default everywhere but in development.
    log_json: bool | None = None
    # /docs, /redoc and /openapi.json; by default everywhere but in production.
    docs_enabled: bool | None = None
    # GET /metrics (Prometheus); by default everywhere but in production, where it would be
    # public: turn it on there only where the port is not exposed.
    metrics_enabled: bool | None = None

    @field_validator("cors_origins", "forwarded_allow_ips", mode="before")
    @classmethod
    def split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            if value.strip().startswith("["):
                return json.loads(value)
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value

    @field_validator("cors_origins", "forwarded_allow_ips")
    @classmethod
    def refuse_any_origin(cls, value: list[str]) -> list[str]:
        if "*" in value:
            raise ValueError('list the allowed addresses: "*" is refused')
        return value

    @field_validator("rate_limit_default", "rate_limit_auth")
    @classmethod
    def check_rate_limit(cls, value: str) -> str:
        parse(value)  # e.g. "100/minute" or "10 per second"; raises ValueError otherwise
        return value

    @model_validator(mode="after")
    def refuse_default_secrets(self) -> Self:
        if self.docs_enabled is None:
            self.docs_enabled = self.environment != "production"
        if self.metrics_enabled is None:
            self.metrics_enabled = self.environment != "production"
        if self.log_json is None:
            self.log_json = self.environment != "development"
        if self.environment == "development":
            if not self.secret_key.get_secret_value():
                self.secret_key = SecretStr(secrets.token_urlsafe(32))
            return self
        secret = self.secret_key.get_secret_value()
        if not secret:
            raise ValueError(
                f"SECRET_KEY is not set: generate one with {GENERATE_KEY} "
                "(or set ENVIRONMENT=development on a development machine)"
            )
        public = secret in PUBLIC_SECRET_KEYS or secret.lower().startswith(CHANGE_THIS)
        if public or len(secret) < 32:
            raise ValueError(
                "SECRET_KEY must be changed outside development: use 32 or more random characters, "
                f"e.g. from {GENERATE_KEY}"
            )
        password = self.first_superuser_password
        if password is not None and password.get_secret_value() == CHANGE_THIS:
            raise ValueError("FIRST_SUPERUSER_PASSWORD must be changed outside development")
        if unquote(urlsplit(self.mongodb_url).password or "") == CHANGE_THIS:
            raise ValueError("the database password must be changed outside development")
        return self


@lru_cache
def get_settings() -> Settings:
    return Settings()
