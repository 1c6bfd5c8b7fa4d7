"""Tests of registration, login and access tokens."""

import datetime as dt
import secrets

import jwt
import pytest
from fastapi.testclient import TestClient
from pwdlib.hashers.argon2 import Argon2Hasher
from pydantic import ValidationError

from app.core.config import Settings
from app.core.security import create_access_token
from app.main import create_app
from tests.api.test_tasks import make_payload
from tests.utils import (
    API,
    PASSWORD,
    TEST_SECRET_KEY,
    auth_headers,
    log_in,
    register,
    shipped_secret_keys,
    store_password_hash,
    stored_user,
)

ME = f"{API}/auth/me"
RESOURCE = f"{API}/tasks/"
INVALID_TOKEN = {"detail": "Could not validate credentials"}
REGISTER = f"{API}/auth/register"
BAD_LOGIN = {"detail": "Incorrect email or password"}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def make_token(
    subject: str, hashed_password: str = "", minutes: int = 5, key: str = TEST_SECRET_KEY
) -> str:
    """An access token as the app signs one, for the user whose stored hash is given."""
    return create_access_token(subject, hashed_password, key, dt.timedelta(minutes=minutes))


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


def test_login_200(anon_client: TestClient) -> None:
    register(anon_client, "ada@example.com")
    response = log_in(anon_client, "ada@example.com")
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    me = anon_client.get(ME, headers=bearer(body["access_token"]))
    assert me.status_code == 200
    assert me.json()["email"] == "ada@example.com"


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


def test_missing_token_401(anon_client: TestClient) -> None:
    response = anon_client.get(ME)
    assert response.status_code == 401
    assert response.json() == {"detail": "Not authenticated"}
    assert response.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize(
    "kind",
    [
        "garbage",
        "tampered",
        "wrong_key",
        "no_sub",
        "no_exp",
        "no_fp",
        "other_password",
        "bad_sub",
        "unknown_user",
    ],
)
def test_bad_token_401(anon_client: TestClient, kind: str) -> None:
    user_id = str(register(anon_client, "ada@example.com")["id"])
    hashed = stored_user(anon_client, "ada@example.com").hashed_password
    assert anon_client.get(ME, headers=bearer(make_token(user_id, hashed))).status_code == 200
    expires = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5)
    header, _, signature = make_token(user_id, hashed).split(".")
    forged_payload = make_token("999", hashed).split(".")[1]
    claims = {"sub": user_id, "exp": expires}
    token = {
        "garbage": "not-a-token",
        "tampered": f"{header}.{forged_payload}.{signature}",
        "wrong_key": make_token(user_id, hashed, key=secrets.token_urlsafe(32)),
        "no_sub": jwt.encode({"exp": expires}, TEST_SECRET_KEY, algorithm="HS256"),
        "no_exp": jwt.encode({"sub": user_id}, TEST_SECRET_KEY, algorithm="HS256"),
        "no_fp": jwt.encode(claims, TEST_SECRET_KEY, algorithm="HS256"),
        "other_password": make_token(user_id, hashed + "x"),
        "bad_sub": make_token("not-a-number", hashed),
        "unknown_user": make_token("999999", hashed),
    }[kind]
    response = anon_client.get(ME, headers=bearer(token))
    assert response.status_code == 401
    assert response.json() == INVALID_TOKEN
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_expired_token_401(anon_client: TestClient) -> None:
    user_id = str(register(anon_client, "ada@example.com")["id"])
    hashed = stored_user(anon_client, "ada@example.com").hashed_password
    response = anon_client.get(ME, headers=bearer(make_token(user_id, hashed, minutes=-1)))
    assert response.status_code == 401
    assert response.json() == {"detail": "Token expired"}
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_alg_none_401(anon_client: TestClient) -> None:
    user_id = str(register(anon_client, "ada@example.com")["id"])
    expires = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5)
    token = jwt.encode({"sub": user_id, "exp": expires}, None, algorithm="none")
    response = anon_client.get(ME, headers=bearer(token))
    assert response.status_code == 401
    assert response.json() == INVALID_TOKEN


def test_inactive_403(anon_client: TestClient, admin_client: TestClient) -> None:
    user = register(anon_client, "ada@example.com")
    headers = auth_headers(anon_client, "ada@example.com")
    response = admin_client.patch(f"{API}/users/{user['id']}", json={"is_active": False})
    assert response.status_code == 200
    response = anon_client.get(ME, headers=headers)
    assert response.status_code == 403
    assert response.json() == {"detail": "Inactive user"}


def test_default_environment_needs_a_real_key(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without ENVIRONMENT=development the app refuses every key that ships with the project."""
    monkeypatch.delenv("ENVIRONMENT", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    values = settings.model_dump(exclude={"environment", "secret_key"})
    with pytest.raises(ValidationError, match="SECRET_KEY is not set"):
        Settings(_env_file=None, **values)
    keys = shipped_secret_keys()
    assert "changethis-development-only-secret-key" in keys
    for key in keys:
        with pytest.raises(ValidationError, match="SECRET_KEY"):
            Settings(_env_file=None, **values, secret_key=key)
    assert Settings(_env_file=None, **values, secret_key=secrets.token_urlsafe(32))


@pytest.mark.filterwarnings("ignore:The HMAC key is")  # PyJWT warns about the short ones
def test_tokens_signed_with_shipped_keys_401(
    anon_client: TestClient, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A token forged with any key that ships with the project is refused by a default app."""
    monkeypatch.delenv("ENVIRONMENT", raising=False)
    user_id = str(register(anon_client, "ada@example.com")["id"])
    hashed = stored_user(anon_client, "ada@example.com").hashed_password
    key = secrets.token_urlsafe(32)
    values = settings.model_dump(exclude={"environment", "secret_key"})
    default = Settings(_env_file=None, **values, secret_key=key)
    assert default.environment == "production"
    with TestClient(create_app(default)) as client:
        token = make_token(user_id, hashed, key=key)
        assert client.get(ME, headers=bearer(token)).status_code == 200
        for shipped in sorted(shipped_secret_keys() - {""}):  # PyJWT refuses an empty key
            response = client.get(ME, headers=bearer(make_token(user_id, hashed, key=shipped)))
            assert response.status_code == 401, shipped
            assert response.json() == INVALID_TOKEN


def test_password_hash_argon2id(anon_client: TestClient) -> None:
    register(anon_client, "ada@example.com")
    assert stored_user(anon_client, "ada@example.com").hashed_password.startswith("$argon2id$")


def test_password_rehashed_on_login(anon_client: TestClient) -> None:
    """A hash made with other parameters is replaced at the next successful login."""
    register(anon_client, "ada@example.com")
    old_hash = Argon2Hasher(time_cost=2, memory_cost=2048, parallelism=1).hash(PASSWORD)
    store_password_hash(anon_client, "ada@example.com", old_hash)
    assert log_in(anon_client, "ada@example.com").status_code == 200
    new_hash = stored_user(anon_client, "ada@example.com").hashed_password
    assert new_hash.startswith("$argon2id$")
    assert new_hash != old_hash


ME_PASSWORD = f"{API}/auth/me/password"
NEW_PASSWORD = "a brand new passphrase"
LOGGED_IN = 200


def test_change_password_204(client: TestClient, anon_client: TestClient) -> None:
    body = {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    response = client.post(ME_PASSWORD, json=body)
    assert response.status_code == 204
    assert log_in(anon_client, "owner@example.com", NEW_PASSWORD).status_code == LOGGED_IN
    assert log_in(anon_client, "owner@example.com").status_code == 401
    # Every session signs out: the tokens issued before the change stop working.
    assert client.get(ME).status_code == 401


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
