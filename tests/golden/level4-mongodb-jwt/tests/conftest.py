"""Test fixtures: every test gets an app on a new MongoDB database of its own, dropped after it.

The tests need a running MongoDB server, at MONGODB_URL (default mongodb://127.0.0.1:27017; see
README.md). Each test makes a database named test_<random hex> there and drops it afterwards.
`client` is signed in as a regular user, `anon_client` is not signed in.
"""

import os
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from fastapi.testclient import TestClient
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from pymongo import MongoClient
from pymongo.errors import PyMongoError

from app.core import security
from app.core.config import Settings
from app.db import session as db_session
from app.initial_data import init_superuser
from app.main import create_app
from tests.utils import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    TEST_SECRET_KEY,
    register,
    run_db,
    signed_in,
)

MONGODB_URL = os.environ.get("MONGODB_URL", "mongodb://127.0.0.1:27017")


def database_url(name: str) -> str:
    """MONGODB_URL with `name` as its database (the path), keeping its options."""
    parts = urlsplit(MONGODB_URL)
    return urlunsplit(parts._replace(path=f"/{name}"))


def shown_url() -> str:
    """MONGODB_URL without its password, to print."""
    parts = urlsplit(MONGODB_URL)
    if parts.password is None:
        return MONGODB_URL
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def server() -> MongoClient[dict[str, Any]]:
    return MongoClient(MONGODB_URL, serverSelectionTimeoutMS=2000)


def pytest_sessionstart(session: pytest.Session) -> None:
    """Stop at once, with one clear message, when no MongoDB server answers."""
    client = server()
    try:
        client.admin.command("ping")
    except PyMongoError as error:
        raise pytest.UsageError(
            f"cannot connect to MongoDB at {shown_url()}\n"
            "Start MongoDB (see README.md), or set MONGODB_URL to a server that runs.\n"
            f"Cause: {error}"
        ) from None
    finally:
        client.close()


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2id with a low cost: the production parameters take a fifth of a second per hash."""
    cheap = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1),))
    monkeypatch.setattr(security, "password_hash", cheap)


@pytest.fixture
def settings() -> Iterator[Settings]:
    """Settings for a new database; the database is dropped after the test."""
    name = f"test_{uuid.uuid4().hex}"
    yield Settings(
        _env_file=None,
        mongodb_url=database_url(name),
        environment="development",
        secret_key=TEST_SECRET_KEY,
        first_superuser_email=ADMIN_EMAIL,
        first_superuser_password=ADMIN_PASSWORD,
        cors_origins=["https://app.example.com"],
        # High enough for any test; test_security.py checks the limits with low ones.
        rate_limit_default="10000/minute",
        rate_limit_auth="10000/minute",
    )
    client = server()
    try:
        client.drop_database(name)
    finally:
        client.close()


@pytest.fixture
def anon_client(settings: Settings) -> Iterator[TestClient]:
    """Not signed in. The lifespan creates the indexes; the database has the first superuser."""
    with TestClient(create_app(settings)) as test_client:
        run_db(test_client, lambda db: init_superuser(db, settings))
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
def down_client(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    """An app whose database cannot be reached: nothing listens on port 1. Requests give up
    after 200 ms instead of the app's 2 seconds."""
    monkeypatch.setattr(db_session, "SERVER_SELECTION_TIMEOUT_MS", 200)
    down = settings.model_copy(update={"mongodb_url": "mongodb://127.0.0.1:1/down"})
    with TestClient(create_app(down)) as test_client:
        yield test_client
