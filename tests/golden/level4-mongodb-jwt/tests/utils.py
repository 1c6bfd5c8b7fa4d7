"""Helpers: sign users up and in, and read what the database stores."""

import asyncio
import re
import secrets
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import httpx2
from fastapi.testclient import TestClient

from app.db.session import Database, create_client, get_database
from app.models import create_indexes
from app.models.user import User

# The prefix of the API routes.
API = "/api/v1"
PASSWORD = "correct horse battery staple"
ADMIN_EMAIL = "admin@example.com"
ADMIN_PASSWORD = "admin password"
# A new key at each run: no key that ships with the project signs the tests' tokens.
TEST_SECRET_KEY = secrets.token_urlsafe(32)
# The project's own folder, whose files tests/test_auth.py searches for published keys.
PROJECT = Path(__file__).resolve().parents[1]


def register(client: TestClient, email: str, password: str = PASSWORD) -> dict[str, Any]:
    response = client.post(f"{API}/auth/register", json={"email": email, "password": password})
    assert response.status_code == 201, response.text
    return response.json()


def log_in(client: TestClient, email: str, password: str = PASSWORD) -> httpx2.Response:
    """POST /auth/login: a bearer token for these credentials."""
    return client.post(f"{API}/auth/login", json={"email": email, "password": password})


def auth_headers(client: TestClient, email: str, password: str = PASSWORD) -> dict[str, str]:
    response = log_in(client, email, password)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def signed_in(client: TestClient, email: str, password: str = PASSWORD) -> TestClient:
    """Another client of the same running app that sends this user's credentials."""
    signed = TestClient(client.app, headers=auth_headers(client, email, password))
    signed.portal = client.portal  # share the app's event loop (and its database connections)
    return signed


T = TypeVar("T")


def reset_database(url: str) -> None:
    """Creates the indexes, as the app's lifespan does (each test has a new database)."""

    async def reset() -> None:
        mongo = create_client(url)
        try:
            await create_indexes(get_database(mongo))
        finally:
            await mongo.close()

    asyncio.run(reset())


def run_db(client: TestClient, work: Callable[[Database], Awaitable[T]]) -> T:
    """Runs `work` on the app's database, through a client of its own."""

    async def run() -> T:
        mongo = create_client(client.app.state.settings.mongodb_url)
        try:
            return await work(get_database(mongo))
        finally:
            await mongo.close()

    return asyncio.run(run())


def stored_user(client: TestClient, email: str) -> User:
    """The user document, read straight from the database."""

    async def load(db: Database) -> User | None:
        document = await db["users"].find_one({"email": email})
        return User.from_document(document) if document is not None else None

    user = run_db(client, load)
    assert user is not None
    return user


def store_password_hash(client: TestClient, email: str, hashed_password: str) -> None:
    async def store(db: Database) -> None:
        values = {"hashed_password": hashed_password}
        await db["users"].update_one({"email": email}, {"$set": values})

    run_db(client, store)


# SECRET_KEY=... (.env.example, README.md, compose.yaml, Dockerfile) and secret_key="..." or
# *_KEY = "..." in Python files.
ENV_KEY = re.compile(r"^[ \t]*SECRET_KEY[ \t]*[=:][ \t]*[\"']?([^\"'\s#]*)", re.MULTILINE)
PYTHON_KEY = re.compile(r"(?:secret_key|_KEY)\s*[=:]\s*[\"']([^\"']*)[\"']", re.IGNORECASE)


def shipped_secret_keys() -> set[str]:
    """Every signing key written in the project's files, and those published with its template."""
    from app.core.config import PUBLIC_SECRET_KEYS

    keys = set(PUBLIC_SECRET_KEYS)
    for name in (".env.example", "README.md", "compose.yaml", "Dockerfile"):
        path = PROJECT / name
        if path.exists():
            keys.update(ENV_KEY.findall(path.read_text(encoding="utf-8")))
    for folder in ("app", "tests"):
        for path in (PROJECT / folder).rglob("*.py"):
            keys.update(PYTHON_KEY.findall(path.read_text(encoding="utf-8")))
    return keys
