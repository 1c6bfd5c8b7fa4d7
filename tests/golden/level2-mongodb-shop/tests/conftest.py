"""Test fixtures: every test gets an app on a new MongoDB database of its own, dropped after it.

The tests need a running MongoDB server, at MONGODB_URL (default mongodb://127.0.0.1:27017; see
README.md). Each test makes a database named test_<random hex> there and drops it afterwards.
"""

import os
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from fastapi.testclient import TestClient
from pymongo import MongoClient
from pymongo.errors import PyMongoError

from app.config import Settings
from app.main import create_app

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


@pytest.fixture
def settings() -> Iterator[Settings]:
    """Settings for a new database; the database is dropped after the test."""
    name = f"test_{uuid.uuid4().hex}"
    yield Settings(_env_file=None, mongodb_url=database_url(name))
    client = server()
    try:
        client.drop_database(name)
    finally:
        client.close()


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:  # runs the lifespan: the indexes
        yield test_client
