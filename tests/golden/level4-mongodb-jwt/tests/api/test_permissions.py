"""Who may do what: users see and change their own data, superusers everything and the users."""

import pytest
from fastapi.testclient import TestClient

from app.initial_data import init_superuser
from tests.api.test_tasks import make_payload
from tests.utils import ADMIN_EMAIL, API, run_db, stored_user

URL = f"{API}/tasks/"
ME = f"{API}/auth/me"
FORBIDDEN = {"detail": "Not enough permissions"}
NOT_FOUND = {"detail": "Task not found"}
NO_CREDENTIALS = {"detail": "Not authenticated"}


@pytest.mark.parametrize("method", ["GET", "POST", "PATCH", "DELETE"])
def test_without_credentials_401(anon_client: TestClient, client: TestClient, method: str) -> None:
    created = client.post(URL, json=make_payload(0)).json()
    url = URL if method == "POST" else f"{URL}{created['id']}"
    body = make_payload(1) if method in ("POST", "PATCH") else None
    response = anon_client.request(method, url, json=body)
    assert response.status_code == 401
    assert response.json() == NO_CREDENTIALS
    assert client.get(f"{URL}{created['id']}").json() == created


def test_list_without_credentials_401(anon_client: TestClient, client: TestClient) -> None:
    client.post(URL, json=make_payload())
    response = anon_client.get(URL)
    assert response.status_code == 401
    assert response.json() == NO_CREDENTIALS


def test_owner_is_the_creator(client: TestClient) -> None:
    created = client.post(URL, json=make_payload()).json()
    assert created["owner_id"] == client.get(ME).json()["id"]


def test_other_users_items_404(client: TestClient, other_client: TestClient) -> None:
    """What another user owns does not exist for them: not listed, 404 to read, change, delete."""
    created = client.post(URL, json=make_payload(0)).json()
    item_url = f"{URL}{created['id']}"
    listed = other_client.get(URL)
    assert listed.json() == []
    assert listed.headers["X-Total-Count"] == "0"
    for method in ["GET", "PATCH", "DELETE"]:
        body = make_payload(1) if method == "PATCH" else None
        response = other_client.request(method, item_url, json=body)
        assert response.status_code == 404, method
        assert response.json() == NOT_FOUND
    assert client.get(URL).json() == [created]
    assert client.get(item_url).json() == created


def test_superuser_sees_and_changes_everything(
    client: TestClient, other_client: TestClient, admin_client: TestClient
) -> None:
    created = client.post(URL, json=make_payload(0)).json()
    theirs = other_client.post(URL, json=make_payload(1)).json()
    assert admin_client.get(URL).json() == [created, theirs]
    item_url = f"{URL}{created['id']}"
    assert admin_client.get(item_url).json() == created
    assert admin_client.patch(item_url, json=make_payload(2)).status_code == 200
    assert admin_client.delete(item_url).status_code == 204


def test_non_admin_403(client: TestClient) -> None:
    for response in [client.get(f"{API}/users/"), client.patch(f"{API}/users/1", json={})]:
        assert response.status_code == 403
        assert response.json() == FORBIDDEN


def test_admin_lists_users(admin_client: TestClient, client: TestClient) -> None:
    response = admin_client.get(f"{API}/users/")
    assert response.status_code == 200
    emails = [user["email"] for user in response.json()]
    assert emails == [ADMIN_EMAIL, "owner@example.com"]
    assert "password" not in response.text


def test_admin_updates_user(admin_client: TestClient, client: TestClient) -> None:
    user_id = client.get(ME).json()["id"]
    response = admin_client.patch(f"{API}/users/{user_id}", json={"is_superuser": True})
    assert response.status_code == 200
    assert response.json()["is_superuser"] is True
    assert client.get(f"{API}/users/").status_code == 200


def test_admin_update_user_null_422(admin_client: TestClient, client: TestClient) -> None:
    user_id = client.get(ME).json()["id"]
    response = admin_client.patch(f"{API}/users/{user_id}", json={"is_active": None})
    assert response.status_code == 422


def test_admin_may_not_change_own_account_403(admin_client: TestClient) -> None:
    admin_id = admin_client.get(ME).json()["id"]
    response = admin_client.patch(f"{API}/users/{admin_id}", json={"is_superuser": False})
    assert response.status_code == 403
    assert response.json() == {"detail": "Superusers cannot change their own account"}
    assert admin_client.get(ME).json()["is_superuser"] is True


def test_admin_update_missing_user_404(admin_client: TestClient) -> None:
    response = admin_client.patch(f"{API}/users/999999", json={"is_active": False})
    assert response.status_code == 404
    assert response.json() == {"detail": "User not found"}


def test_first_superuser(admin_client: TestClient) -> None:
    """Created from FIRST_SUPERUSER_EMAIL and FIRST_SUPERUSER_PASSWORD."""
    me = admin_client.get(ME).json()
    assert me["email"] == ADMIN_EMAIL
    assert me["is_superuser"] is True


def test_first_superuser_idempotent(anon_client: TestClient) -> None:
    first = stored_user(anon_client, ADMIN_EMAIL)
    settings = anon_client.app.state.settings
    again = run_db(anon_client, lambda session: init_superuser(session, settings))
    assert again is not None
    assert again.id == first.id
