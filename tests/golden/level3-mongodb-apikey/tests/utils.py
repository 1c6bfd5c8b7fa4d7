"""Helpers: sign users up and in, and read what the database stores."""

import datetime as dt
from typing import Any

import httpx2
from fastapi.testclient import TestClient

from app.models.api_key import ApiKey
from app.models.user import User

# The prefix of the API routes.
API = ""
PASSWORD = "correct horse battery staple"
ADMIN_EMAIL = "admin@example.com"
ADMIN_PASSWORD = "admin password"


def register(client: TestClient, email: str, password: str = PASSWORD) -> dict[str, Any]:
    response = client.post(f"{API}/auth/register", json={"email": email, "password": password})
    assert response.status_code == 201, response.text
    return response.json()


def log_in(client: TestClient, email: str, password: str = PASSWORD) -> httpx2.Response:
    """POST /auth/api-keys: a new API key for these credentials."""
    return client.post(f"{API}/auth/api-keys", json={"email": email, "password": password})


def auth_headers(client: TestClient, email: str, password: str = PASSWORD) -> dict[str, str]:
    response = log_in(client, email, password)
    assert response.status_code == 201, response.text
    return {"X-API-Key": response.json()["api_key"]}


def signed_in(client: TestClient, email: str, password: str = PASSWORD) -> TestClient:
    """Another client of the same running app that sends this user's credentials."""
    signed = TestClient(client.app, headers=auth_headers(client, email, password))
    signed.portal = client.portal  # share the app's event loop (and its database connections)
    return signed


def stored_user(client: TestClient, email: str) -> User:
    """The user document, read straight from the database."""
    document = client.app.state.database["users"].find_one({"email": email})
    assert document is not None
    return User.from_document(document)


def store_password_hash(client: TestClient, email: str, hashed_password: str) -> None:
    values = {"hashed_password": hashed_password}
    client.app.state.database["users"].update_one({"email": email}, {"$set": values})


def stored_api_keys(client: TestClient) -> list[ApiKey]:
    documents = client.app.state.database["api_keys"].find()
    return [ApiKey.from_document(document) for document in documents]


def expire_api_keys(client: TestClient) -> None:
    """Every stored key expired a second ago, as if its time had run out."""
    past = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    client.app.state.database["api_keys"].update_many({}, {"$set": {"expires_at": past}})
