"""Tests of the account lifecycle: password recovery by email (through a real SMTP server on
127.0.0.1), the superusers' user management, changes to one's own account."""

import datetime as dt
import email
import logging
import re
import socket
from collections.abc import Iterator
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any
from urllib.parse import unquote

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from fastapi.testclient import TestClient

from app.core.security import create_password_reset_token
from tests.api.test_tasks import make_payload
from tests.utils import API, PASSWORD, log_in, register, signed_in, stored_user

HOST = "127.0.0.1"
RECOVERY = f"{API}/auth/password-recovery"
RESET = f"{API}/auth/reset-password"
ME = f"{API}/auth/me"
USERS = f"{API}/users/"
RESOURCE = f"{API}/tasks/"
NEW_PASSWORD = "a brand new password"
SENT = {
    "message": "If an account with this email exists, a password reset link has been sent to it"
}
BAD_TOKEN = {"detail": "Invalid or expired password reset token"}
LOGGED_IN = 200
TOKEN = re.compile(r"reset-password\?token=(\S+)")


class Inbox:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        content = envelope.original_content or b""
        self.messages.append(email.message_from_bytes(content, policy=default_policy))  # type: ignore[arg-type]
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@pytest.fixture
def inbox(anon_client: TestClient) -> Iterator[list[EmailMessage]]:
    """A real SMTP server on 127.0.0.1, which the app sends its emails to."""
    handler = Inbox()
    controller = Controller(handler, hostname=HOST, port=free_port())
    controller.start()
    settings = anon_client.app.state.settings
    anon_client.app.state.settings = settings.model_copy(
        update={"smtp_host": HOST, "smtp_port": controller.port, "smtp_tls": False}
    )
    try:
        yield handler.messages
    finally:
        controller.stop()


def token_in(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    match = TOKEN.search(body.get_content())
    assert match is not None
    return unquote(match.group(1))


def request_token(anon_client: TestClient, inbox: list[EmailMessage], address: str) -> str:
    response = anon_client.post(RECOVERY, json={"email": address})
    assert response.status_code == 202, response.text
    assert response.json() == SENT
    return token_in(inbox[-1])


def reset(anon_client: TestClient, token: str, password: str = NEW_PASSWORD) -> Any:
    return anon_client.post(RESET, json={"token": token, "new_password": password})


def test_password_recovery_email_resets_password(
    anon_client: TestClient, inbox: list[EmailMessage]
) -> None:
    register(anon_client, "ada@example.com")
    token = request_token(anon_client, inbox, "ADA@example.com")
    [message] = inbox
    assert message["To"] == "ada@example.com"
    assert message["From"] == "noreply@example.com"
    assert "http://localhost:5173/reset-password?token=" in message.get_content()
    assert reset(anon_client, token).status_code == 204
    assert log_in(anon_client, "ada@example.com", NEW_PASSWORD).status_code == LOGGED_IN
    assert log_in(anon_client, "ada@example.com").status_code == 401


def test_reset_token_works_once(anon_client: TestClient, inbox: list[EmailMessage]) -> None:
    register(anon_client, "ada@example.com")
    token = request_token(anon_client, inbox, "ada@example.com")
    assert reset(anon_client, token).status_code == 204
    again = reset(anon_client, token, "yet another password")
    assert again.status_code == 400
    assert again.json() == BAD_TOKEN
    assert log_in(anon_client, "ada@example.com", NEW_PASSWORD).status_code == LOGGED_IN


def test_reset_token_dies_with_a_password_change(
    anon_client: TestClient, inbox: list[EmailMessage]
) -> None:
    register(anon_client, "ada@example.com")
    token = request_token(anon_client, inbox, "ada@example.com")
    body = {"current_password": PASSWORD, "new_password": "changed in between"}
    ada = signed_in(anon_client, "ada@example.com")
    assert ada.post(f"{ME}/password", json=body).status_code == 204
    assert reset(anon_client, token).json() == BAD_TOKEN


def test_expired_reset_token_400(anon_client: TestClient) -> None:
    register(anon_client, "ada@example.com")
    user = stored_user(anon_client, "ada@example.com")
    secret_key = anon_client.app.state.settings.secret_key.get_secret_value()
    expired = create_password_reset_token(
        str(user.id), user.hashed_password, secret_key, dt.timedelta(minutes=-1)
    )
    response = reset(anon_client, expired)
    assert response.status_code == 400
    assert response.json() == BAD_TOKEN


def test_reset_token_for_another_purpose_400(anon_client: TestClient) -> None:
    """An access token is no reset token, and a reset token is no access token."""
    register(anon_client, "ada@example.com")
    access_token = log_in(anon_client, "ada@example.com").json()["access_token"]
    response = reset(anon_client, access_token)
    assert response.status_code == 400
    assert response.json() == BAD_TOKEN
    user = stored_user(anon_client, "ada@example.com")
    secret_key = anon_client.app.state.settings.secret_key.get_secret_value()
    token = create_password_reset_token(
        str(user.id), user.hashed_password, secret_key, dt.timedelta(minutes=5)
    )
    me = anon_client.get(ME, headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 401


def test_reset_token_signed_with_another_key_400(anon_client: TestClient) -> None:
    register(anon_client, "ada@example.com")
    user = stored_user(anon_client, "ada@example.com")
    forged = create_password_reset_token(
        str(user.id), user.hashed_password, "another key " * 4, dt.timedelta(minutes=5)
    )
    assert reset(anon_client, forged).json() == BAD_TOKEN


@pytest.mark.parametrize("token", ["garbage", "a.b.c", "x" * 1000])
def test_bad_reset_token_400(anon_client: TestClient, token: str) -> None:
    response = reset(anon_client, token)
    assert response.status_code == 400
    assert response.json() == BAD_TOKEN


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"token": "t", "new_password": "short"}, id="short_password"),
        pytest.param({"token": "", "new_password": NEW_PASSWORD}, id="empty_token"),
        pytest.param({"token": "x" * 1001, "new_password": NEW_PASSWORD}, id="long_token"),
        pytest.param({"new_password": NEW_PASSWORD}, id="missing_token"),
    ],
)
def test_reset_password_422(anon_client: TestClient, body: dict[str, str]) -> None:
    assert anon_client.post(RESET, json=body).status_code == 422


def test_password_recovery_no_enumeration(
    anon_client: TestClient, inbox: list[EmailMessage]
) -> None:
    """An unknown email gets the very same answer, and nothing is sent."""
    response = anon_client.post(RECOVERY, json={"email": "nobody@example.com"})
    assert response.status_code == 202
    assert response.json() == SENT
    assert inbox == []


def test_password_recovery_inactive_user_no_email(
    anon_client: TestClient, admin_client: TestClient, inbox: list[EmailMessage]
) -> None:
    user = register(anon_client, "ada@example.com")
    assert admin_client.patch(f"{USERS}{user['id']}", json={"is_active": False}).status_code == 200
    response = anon_client.post(RECOVERY, json={"email": "ada@example.com"})
    assert response.status_code == 202
    assert response.json() == SENT
    assert inbox == []


def test_password_recovery_bad_email_422(anon_client: TestClient) -> None:
    assert anon_client.post(RECOVERY, json={"email": "not-an-email"}).status_code == 422
    body = {"email": "ada@example.com", "is_superuser": True}
    assert anon_client.post(RECOVERY, json=body).status_code == 422


def test_password_recovery_without_smtp_202(
    anon_client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    """With no SMTP_HOST nothing is sent, the answer is the same, and the log says so; in
    development (as here) it also logs the link, and elsewhere never."""
    register(anon_client, "ada@example.com")
    with caplog.at_level(logging.INFO):
        response = anon_client.post(RECOVERY, json={"email": "ada@example.com"})
    assert response.status_code == 202
    assert response.json() == SENT
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "email is not configured" in logged
    assert "reset-password?token=" in logged
    caplog.clear()
    settings = anon_client.app.state.settings
    anon_client.app.state.settings = settings.model_copy(update={"environment": "staging"})
    with caplog.at_level(logging.INFO):
        assert anon_client.post(RECOVERY, json={"email": "ada@example.com"}).status_code == 202
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "email is not configured" in logged
    assert "token" not in logged


def test_password_recovery_rate_limited_429(anon_client: TestClient) -> None:
    """Recovery and reset count against RATE_LIMIT_AUTH, as login does."""
    settings = anon_client.app.state.settings
    anon_client.app.state.settings = settings.model_copy(update={"rate_limit_auth": "2/minute"})
    for _ in range(2):
        assert anon_client.post(RECOVERY, json={"email": "nobody@example.com"}).status_code == 202
    assert anon_client.post(RECOVERY, json={"email": "nobody@example.com"}).status_code == 429
    assert reset(anon_client, "garbage").status_code == 429


def test_password_recovery_smtp_down_202(
    anon_client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    """An SMTP server that cannot be reached is logged, without the token; the client gets the
    same answer."""
    register(anon_client, "ada@example.com")
    settings = anon_client.app.state.settings
    anon_client.app.state.settings = settings.model_copy(
        update={"smtp_host": HOST, "smtp_port": free_port(), "smtp_tls": False}
    )
    with caplog.at_level(logging.INFO):
        response = anon_client.post(RECOVERY, json={"email": "ada@example.com"})
    assert response.status_code == 202
    assert response.json() == SENT
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "could not be sent" in logged
    assert "eyJ" not in logged  # no JWT (they all start so), hence no token


# Superusers manage the users.


def test_admin_creates_user_201(admin_client: TestClient, anon_client: TestClient) -> None:
    body = {"email": "Bob@Example.com", "password": PASSWORD, "is_superuser": True}
    response = admin_client.post(USERS, json=body)
    assert response.status_code == 201
    created = response.json()
    assert created["email"] == "bob@example.com"
    assert created["is_superuser"] is True
    assert created["is_active"] is True
    assert "password" not in response.text
    assert log_in(anon_client, "bob@example.com").status_code == LOGGED_IN


def test_admin_create_duplicate_409(admin_client: TestClient, client: TestClient) -> None:
    body = {"email": "OWNER@example.com", "password": PASSWORD}
    response = admin_client.post(USERS, json=body)
    assert response.status_code == 409
    assert response.json() == {"detail": "A user with this email already exists"}


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"email": "bob@example.com", "password": "short"}, id="short_password"),
        pytest.param({"email": "bob@example.com"}, id="missing_password"),
        pytest.param({"email": "bob@example.com", "password": PASSWORD, "id": 1}, id="extra_field"),
        pytest.param(
            {"email": "bob@example.com", "password": PASSWORD, "is_active": None}, id="null"
        ),
    ],
)
def test_admin_create_user_422(admin_client: TestClient, body: dict[str, object]) -> None:
    assert admin_client.post(USERS, json=body).status_code == 422


def test_admin_lists_users_with_total(admin_client: TestClient, client: TestClient) -> None:
    response = admin_client.get(USERS, params={"limit": 1})
    assert response.status_code == 200
    assert response.headers["X-Total-Count"] == "2"
    assert len(response.json()) == 1
    assert admin_client.get(USERS.rstrip("/")).status_code == 200  # no redirect


def test_admin_reads_user(admin_client: TestClient, client: TestClient) -> None:
    user_id = client.get(ME).json()["id"]
    response = admin_client.get(f"{USERS}{user_id}")
    assert response.status_code == 200
    assert response.json()["email"] == "owner@example.com"
    assert admin_client.get(f"{USERS}999999").status_code == 404


def test_admin_changes_email_and_password(
    admin_client: TestClient, client: TestClient, anon_client: TestClient
) -> None:
    user_id = client.get(ME).json()["id"]
    body = {"email": "renamed@example.com", "password": NEW_PASSWORD}
    response = admin_client.patch(f"{USERS}{user_id}", json=body)
    assert response.status_code == 200
    assert response.json()["email"] == "renamed@example.com"
    assert log_in(anon_client, "renamed@example.com", NEW_PASSWORD).status_code == LOGGED_IN
    assert log_in(anon_client, "owner@example.com").status_code == 401


def test_admin_update_duplicate_email_409(
    admin_client: TestClient, client: TestClient, other_client: TestClient
) -> None:
    user_id = client.get(ME).json()["id"]
    response = admin_client.patch(f"{USERS}{user_id}", json={"email": "other@example.com"})
    assert response.status_code == 409
    assert client.get(ME).json()["email"] == "owner@example.com"


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"email": None}, id="null_email"),
        pytest.param({"password": None}, id="null_password"),
        pytest.param({"password": "short"}, id="short_password"),
        pytest.param({"hashed_password": "x"}, id="extra_field"),
    ],
)
def test_admin_update_user_422(
    admin_client: TestClient, client: TestClient, body: dict[str, object]
) -> None:
    user_id = client.get(ME).json()["id"]
    assert admin_client.patch(f"{USERS}{user_id}", json=body).status_code == 422


def test_admin_deletes_user_and_what_they_own(
    admin_client: TestClient, client: TestClient, anon_client: TestClient
) -> None:
    item = client.post(RESOURCE, json=make_payload()).json()
    user_id = client.get(ME).json()["id"]
    assert admin_client.delete(f"{USERS}{user_id}").status_code == 204
    assert admin_client.get(f"{RESOURCE}{item['id']}").status_code == 404
    assert log_in(anon_client, "owner@example.com").status_code == 401
    assert admin_client.delete(f"{USERS}{user_id}").status_code == 404


def test_admin_may_not_delete_themselves_403(admin_client: TestClient) -> None:
    admin_id = admin_client.get(ME).json()["id"]
    response = admin_client.delete(f"{USERS}{admin_id}")
    assert response.status_code == 403
    assert admin_client.get(ME).status_code == 200


def test_user_management_non_admin_403(client: TestClient, other_client: TestClient) -> None:
    other_id = other_client.get(ME).json()["id"]
    responses = [
        client.post(USERS, json={"email": "bob@example.com", "password": PASSWORD}),
        client.get(f"{USERS}{other_id}"),
        client.delete(f"{USERS}{other_id}"),
    ]
    for response in responses:
        assert response.status_code == 403
        assert response.json() == {"detail": "Not enough permissions"}
    assert other_client.get(ME).status_code == 200


# Users change their own account.


def test_update_me_email(client: TestClient, anon_client: TestClient) -> None:
    response = client.patch(ME, json={"email": "New@Example.com"})
    assert response.status_code == 200
    assert response.json()["email"] == "new@example.com"
    assert log_in(anon_client, "new@example.com").status_code == LOGGED_IN


def test_update_me_duplicate_409(client: TestClient, other_client: TestClient) -> None:
    response = client.patch(ME, json={"email": "other@example.com"})
    assert response.status_code == 409
    assert response.json() == {"detail": "A user with this email already exists"}


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"email": None}, id="null"),
        pytest.param({"email": "not-an-email"}, id="bad_email"),
        pytest.param({"is_superuser": True}, id="mass_assignment"),
    ],
)
def test_update_me_422(client: TestClient, body: dict[str, object]) -> None:
    assert client.patch(ME, json=body).status_code == 422
    assert client.get(ME).json()["is_superuser"] is False


def test_update_me_needs_credentials_401(anon_client: TestClient) -> None:
    assert anon_client.patch(ME, json={"email": "new@example.com"}).status_code == 401
