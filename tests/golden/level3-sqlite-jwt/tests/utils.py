"""Helpers: sign users up and in, and read what the database stores."""

import re
import secrets
from pathlib import Path
from typing import Any

import httpx2
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from app.models.user import User

# The prefix of the API routes.
API = ""
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


def stored_user(client: TestClient, email: str) -> User:
    """The user row, read straight from the database."""
    with client.app.state.session_factory() as db:
        user = db.scalar(select(User).where(User.email == email))
    assert user is not None
    return user


def store_password_hash(client: TestClient, email: str, hashed_password: str) -> None:
    with client.app.state.session_factory() as db:
        statement = update(User).where(User.email == email)
        db.execute(statement.values(hashed_password=hashed_password))
        db.commit()


# SECRET_KEY=... (.env.example, README.md, compose.yaml, Dockerfile) and secret_key="..." or
# *_KEY = "..." in Python files.
ENV_KEY = re.compile(r"^[ \t]*SECRET_KEY[ \t]*[=:][ \t]*[\"']?([^\"'\s#]*)", re.MULTILINE)
PYTHON_KEY = re.compile(r"(?:secret_key|_KEY)\s*[=:]\s*[\"']([^\"']*)[\"']", re.IGNORECASE)


def shipped_secret_keys() -> set[str]:
    """Every signing key written in the project's files, and those published with its template."""
    from app.config import PUBLIC_SECRET_KEYS

    keys = set(PUBLIC_SECRET_KEYS)
    for name in (".env.example", "README.md", "compose.yaml", "Dockerfile"):
        path = PROJECT / name
        if path.exists():
            keys.update(ENV_KEY.findall(path.read_text(encoding="utf-8")))
    for folder in ("app", "tests"):
        for path in (PROJECT / folder).rglob("*.py"):
            keys.update(PYTHON_KEY.findall(path.read_text(encoding="utf-8")))
    return keys
