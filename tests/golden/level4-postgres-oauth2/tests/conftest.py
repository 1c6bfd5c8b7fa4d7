"""Test fixtures: every test gets an app on the test database, with empty tables.

The tests need a running PostgreSQL server and the database named by TEST_DATABASE_URL
(see README.md). TEST_DATABASE_URL must not point at data you care about: the tests empty it.
`client` is signed in as a regular user, `anon_client` is not signed in.
"""

import asyncio
import os
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from sqlalchemy import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from app.core import security
from app.core.config import Settings
from app.initial_data import init_superuser
from app.main import create_app
from tests.utils import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    TEST_SECRET_KEY,
    register,
    reset_database,
    run_db,
    signed_in,
)

TEST_DATABASE_URL = os.environ.get(
    "TEST_DATABASE_URL",
    "postgresql+asyncpg://postgres:postgres@localhost:5432/prod_test",
)


async def check_connection(url: str) -> None:
    engine = create_async_engine(url, poolclass=NullPool, connect_args={"timeout": 5})
    try:
        async with engine.connect():
            pass
    finally:
        await engine.dispose()


def pytest_sessionstart(session: pytest.Session) -> None:
    """Stop at once, with one clear message, when the test database cannot be reached."""
    url = Settings(_env_file=None, database_url=TEST_DATABASE_URL).database_url
    try:
        asyncio.run(check_connection(url))
    except (OSError, DBAPIError) as error:
        shown = make_url(url).render_as_string(hide_password=True)
        raise pytest.UsageError(
            f"cannot connect to the test database {shown}\n"
            "Start PostgreSQL and create that database (see README.md), "
            "or set TEST_DATABASE_URL to one that exists.\n"
            f"Cause: {error}"
        ) from None


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2id with a low cost: the production parameters take a fifth of a second per hash."""
    cheap = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1),))
    monkeypatch.setattr(security, "password_hash", cheap)


@pytest.fixture
def settings() -> Settings:
    return Settings(
        _env_file=None,
        database_url=TEST_DATABASE_URL,
        environment="development",
        secret_key=TEST_SECRET_KEY,
        first_superuser_email=ADMIN_EMAIL,
        first_superuser_password=ADMIN_PASSWORD,
        cors_origins=["https://app.example.com"],
        # High enough for any test; test_security.py checks the limits with low ones.
        rate_limit_default="10000/minute",
        rate_limit_auth="10000/minute",
    )


@pytest.fixture
def anon_client(settings: Settings) -> Iterator[TestClient]:
    """Not signed in. The database has its tables and the first superuser."""
    reset_database(settings.database_url)
    with TestClient(create_app(settings)) as test_client:
        run_db(test_client, lambda session: init_superuser(session, settings))
        yield test_client


@pytest.fixture
def client(anon_client: TestClient) -> TestClient:
    """Signed in as a regular user, who owns what it creates."""
    register(anon_client, "owner@example.com")
    return signed_in(anon_client, "owner@example.com")


@pytest.fixture
def other_client(anon_client: TestClient) -> TestClient:
    """Signed in as another regular user."""
    register(anon_client, "other@example.com")
    return signed_in(anon_client, "other@example.com")


@pytest.fixture
def admin_client(anon_client: TestClient) -> TestClient:
    """Signed in as the first superuser."""
    return signed_in(anon_client, ADMIN_EMAIL, ADMIN_PASSWORD)


@pytest.fixture
def down_client(settings: Settings) -> Iterator[TestClient]:
    """An app whose database cannot be reached."""
    unreachable = "postgresql+asyncpg://postgres:postgres@127.0.0.1:1/nowhere"  # refused
    down = settings.model_copy(update={"database_url": unreachable})
    with TestClient(create_app(down)) as test_client:
        yield test_client
