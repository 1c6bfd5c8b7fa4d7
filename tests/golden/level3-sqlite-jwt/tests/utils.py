"""Helpers: sign users up and in, and read what the database stores."""

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
TEST_SECRET_KEY = "test-secret-key-long-enough-for-hs256"


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
