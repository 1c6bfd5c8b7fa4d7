"""Helpers: sign users up and in, and read what the database stores."""

import asyncio
import re
import secrets
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import httpx2
from fastapi.testclient import TestClient
from sqlalchemy import select, text, update
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.pool import NullPool

from app.db.session import Base
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
    """POST /auth/token, the OAuth2 password flow: a bearer token for these credentials."""
    return client.post(f"{API}/auth/token", data={"username": email, "password": password})


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


END_OTHER_CONNECTIONS = """
SELECT pg_terminate_backend(pid) FROM pg_stat_activity
WHERE datname = current_database() AND pid <> pg_backend_pid()
  AND backend_type = 'client backend' AND usename = current_user
"""


def reset_database(url: str) -> None:
    """Creates the tables and empties them (tests/test_migrations.py tests the migrations)."""

    async def reset() -> None:
        engine = create_async_engine(url, poolclass=NullPool)
        try:
            async with engine.begin() as connection:
                # A connection an earlier test left behind (one the garbage collector has not
                # closed yet) holds locks that TRUNCATE would wait for without end: close such
                # connections first, and bound the wait in any case.
                await connection.execute(text(END_OTHER_CONNECTIONS))
                await connection.execute(text("SET LOCAL lock_timeout = '30s'"))
                await connection.run_sync(Base.metadata.create_all)
                tables = ", ".join(table.name for table in Base.metadata.sorted_tables)
                await connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        finally:
            await engine.dispose()

    asyncio.run(reset())


def run_db(client: TestClient, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Runs `work` in a session of its own on the app's database, and commits."""

    async def run() -> T:
        engine = create_async_engine(client.app.state.settings.database_url, poolclass=NullPool)
        try:
            async with AsyncSession(engine, expire_on_commit=False) as session:
                result = await work(session)
                await session.commit()
                return result
        finally:
            await engine.dispose()

    return asyncio.run(run())


def stored_user(client: TestClient, email: str) -> User:
    """The user row, read straight from the database."""

    async def load(session: AsyncSession) -> User | None:
        return await session.scalar(select(User).where(User.email == email))

    user = run_db(client, load)
    assert user is not None
    return user


def store_password_hash(client: TestClient, email: str, hashed_password: str) -> None:
    async def store(session: AsyncSession) -> None:
        statement = update(User).where(User.email == email)
        await session.execute(statement.values(hashed_password=hashed_password))

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
