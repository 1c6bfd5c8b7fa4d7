"""Tests of registration, API keys and the current user."""

import hashlib

import pytest
from fastapi.testclient import TestClient
from pwdlib.hashers.argon2 import Argon2Hasher

from tests.test_tasks import make_payload
from tests.utils import (
    API,
    PASSWORD,
    log_in,
    register,
    store_password_hash,
    stored_api_keys,
    stored_user,
)

ME = f"{API}/auth/me"
RESOURCE = f"{API}/tasks/"
INVALID_KEY = {"detail": "Invalid or missing API key"}
REGISTER = f"{API}/auth/register"
BAD_LOGIN = {"detail": "Incorrect email or password"}


def test_register_201(anon_client: TestClient) -> None:
    response = anon_client.post(REGISTER, json={"email": "Ada@Example.com", "password": PASSWORD})
    assert response.status_code == 201
    body = response.json()
    assert body["email"] == "ada@example.com"
    assert body["is_active"] is True
    assert body["is_superuser"] is False
    assert "password" not in response.text  # neither the password nor its hash


def test_register_duplicate_409(anon_client: TestClient) -> None:
    register(anon_client, "ada@example.com")
    response = anon_client.post(REGISTER, json={"email": "ADA@example.com", "password": PASSWORD})
    assert response.status_code == 409
    assert response.json() == {"detail": "A user with this email already exists"}


def test_register_mass_assignment_422(anon_client: TestClient) -> None:
    payload = {"email": "eve@example.com", "password": PASSWORD, "is_superuser": True}
    response = anon_client.post(REGISTER, json=payload)
    assert response.status_code == 422
    assert log_in(anon_client, "eve@example.com").status_code == 401  # nobody was created


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param({"email": "not-an-email", "password": PASSWORD}, id="bad_email"),
        pytest.param({"email": "ada@example.com", "password": "short"}, id="short_password"),
        pytest.param({"email": "ada@example.com", "password": "x" * 129}, id="long_password"),
        pytest.param({"email": "ada@example.com"}, id="missing_password"),
    ],
)
def test_register_validation_422(anon_client: TestClient, payload: dict[str, str]) -> None:
    assert anon_client.post(REGISTER, json=payload).status_code == 422


def test_login_201(anon_client: TestClient) -> None:
    """Logging in issues an API key."""
    register(anon_client, "ada@example.com")
    response = log_in(anon_client, "ada@example.com")
    assert response.status_code == 201
    body = response.json()
    assert body["prefix"] == body["api_key"][:8]
    assert len(body["api_key"]) >= 40


def test_login_no_enumeration(anon_client: TestClient) -> None:
    """An unknown email and a wrong password get the very same answer."""
    register(anon_client, "ada@example.com")
    wrong_password = log_in(anon_client, "ada@example.com", "wrong password")
    unknown_email = log_in(anon_client, "nobody@example.com")
    assert wrong_password.status_code == unknown_email.status_code == 401
    assert wrong_password.json() == unknown_email.json() == BAD_LOGIN
    assert wrong_password.headers["WWW-Authenticate"] == unknown_email.headers["WWW-Authenticate"]


def test_login_too_long_password_401(anon_client: TestClient) -> None:
    register(anon_client, "ada@example.com")
    response = log_in(anon_client, "ada@example.com", "x" * 10_000)
    assert response.status_code == 422


def test_login_inactive_401(anon_client: TestClient, admin_client: TestClient) -> None:
    user = register(anon_client, "ada@example.com")
    response = admin_client.patch(f"{API}/users/{user['id']}", json={"is_active": False})
    assert response.status_code == 200
    response = log_in(anon_client, "ada@example.com")
    assert response.status_code == 401
    assert response.json() == BAD_LOGIN


def test_me_200(client: TestClient) -> None:
    response = client.get(ME)
    assert response.status_code == 200
    assert response.json()["email"] == "owner@example.com"
    assert "password" not in response.text


def test_api_key_200(anon_client: TestClient) -> None:
    register(anon_client, "ada@example.com")
    key = log_in(anon_client, "ada@example.com").json()["api_key"]
    response = anon_client.get(ME, headers={"X-API-Key": key})
    assert response.status_code == 200
    assert response.json()["email"] == "ada@example.com"


@pytest.mark.parametrize("kind", ["missing", "empty", "unknown", "same_prefix"])
def test_api_key_401(anon_client: TestClient, kind: str) -> None:
    register(anon_client, "ada@example.com")
    key = log_in(anon_client, "ada@example.com").json()["api_key"]
    headers = {
        "missing": {},
        "empty": {"X-API-Key": ""},
        "unknown": {"X-API-Key": "not-a-key"},
        "same_prefix": {"X-API-Key": key[:8] + "x" * (len(key) - 8)},
    }[kind]
    response = anon_client.get(ME, headers=headers)
    assert response.status_code == 401
    assert response.json() == INVALID_KEY
    assert response.headers["WWW-Authenticate"] == "APIKey"


def test_api_key_stored_hashed(anon_client: TestClient) -> None:
    register(anon_client, "ada@example.com")
    key = log_in(anon_client, "ada@example.com").json()["api_key"]
    [stored] = stored_api_keys(anon_client)
    assert stored.hashed_key == hashlib.sha256(key.encode()).hexdigest()
    assert stored.prefix == key[:8]
    assert key not in (stored.prefix, stored.hashed_key)


def test_api_keys_are_distinct(anon_client: TestClient) -> None:
    register(anon_client, "ada@example.com")
    keys = [log_in(anon_client, "ada@example.com").json()["api_key"] for _ in range(2)]
    assert keys[0] != keys[1]
    for key in keys:
        assert anon_client.get(ME, headers={"X-API-Key": key}).status_code == 200


def test_inactive_403(anon_client: TestClient, admin_client: TestClient) -> None:
    user = register(anon_client, "ada@example.com")
    headers = {"X-API-Key": log_in(anon_client, "ada@example.com").json()["api_key"]}
    response = admin_client.patch(f"{API}/users/{user['id']}", json={"is_active": False})
    assert response.status_code == 200
    response = anon_client.get(ME, headers=headers)
    assert response.status_code == 403
    assert response.json() == {"detail": "Inactive user"}


def test_password_hash_argon2id(anon_client: TestClient) -> None:
    register(anon_client, "ada@example.com")
    assert stored_user(anon_client, "ada@example.com").hashed_password.startswith("$argon2id$")


def test_password_rehashed_on_login(anon_client: TestClient) -> None:
    """A hash made with other parameters is replaced at the next successful login."""
    register(anon_client, "ada@example.com")
    old_hash = Argon2Hasher(time_cost=2, memory_cost=2048, parallelism=1).hash(PASSWORD)
    store_password_hash(anon_client, "ada@example.com", old_hash)
    assert log_in(anon_client, "ada@example.com").status_code == 201
    new_hash = stored_user(anon_client, "ada@example.com").hashed_password
    assert new_hash.startswith("$argon2id$")
    assert new_hash != old_hash


ME_PASSWORD = f"{API}/auth/me/password"
NEW_PASSWORD = "a brand new passphrase"
LOGGED_IN = 201


def test_change_password_204(client: TestClient, anon_client: TestClient) -> None:
    body = {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    response = client.post(ME_PASSWORD, json=body)
    assert response.status_code == 204
    assert log_in(anon_client, "owner@example.com", NEW_PASSWORD).status_code == LOGGED_IN
    assert log_in(anon_client, "owner@example.com").status_code == 401


def test_change_password_wrong_current_400(client: TestClient, anon_client: TestClient) -> None:
    body = {"current_password": "not the password", "new_password": NEW_PASSWORD}
    response = client.post(ME_PASSWORD, json=body)
    assert response.status_code == 400
    assert response.json() == {"detail": "Incorrect password"}
    assert log_in(anon_client, "owner@example.com").status_code == LOGGED_IN


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"current_password": PASSWORD, "new_password": "short"}, id="too_short"),
        pytest.param({"current_password": PASSWORD}, id="missing"),
        pytest.param(
            {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "is_superuser": True},
            id="extra_field",
        ),
    ],
)
def test_change_password_422(client: TestClient, body: dict[str, object]) -> None:
    assert client.post(ME_PASSWORD, json=body).status_code == 422


def test_own_account_needs_credentials_401(anon_client: TestClient) -> None:
    body = {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    assert anon_client.post(ME_PASSWORD, json=body).status_code == 401
    assert anon_client.delete(ME).status_code == 401


def test_delete_own_account_204(
    client: TestClient, anon_client: TestClient, admin_client: TestClient
) -> None:
    """The account goes, with what it owns; its credentials stop working."""
    assert client.post(RESOURCE, json=make_payload()).status_code == 201
    assert client.delete(ME).status_code == 204
    assert client.get(ME).status_code == 401
    assert log_in(anon_client, "owner@example.com").status_code == 401
    assert admin_client.get(RESOURCE).json() == []


def test_superuser_cannot_delete_own_account_403(admin_client: TestClient) -> None:
    response = admin_client.delete(ME)
    assert response.status_code == 403
    assert response.json() == {"detail": "Superusers cannot delete their own account"}
    assert admin_client.get(ME).status_code == 200
