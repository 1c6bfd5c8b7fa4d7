"""Settings, read from environment variables and from `.env` (see `.env.example`)."""

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_ignore_empty=True, extra="ignore")

    # The database is the URL's path.
    mongodb_url: str = "mongodb://localhost:27017/mongo_shop"
    # The largest request body accepted, in bytes: larger ones get 413.
    max_body_size: int = Field(default=1_048_576, ge=1)


@lru_cache
def get_settings() -> Settings:
    return Settings()
