"""Tests of the /tasks endpoints."""

import datetime as dt
import json
import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient

URL = "/api/v1/tasks/"
NOT_FOUND = {"detail": "Task not found"}
MISSING_ID = str(uuid.uuid4())  # ids are random UUIDs: no row has this one
ALREADY_EXISTS = "Task with this title already exists"


def item_url(item_id: int | str) -> str:
    return f"{URL}{item_id}"


def make_payload(n: int = 0) -> dict[str, Any]:
    """A valid create body; each n gives other values for every field."""
    return {
        "title": f"Title {n}",
        "description": f"Description {n}",
        "done": n % 2 == 1,
        "due_date": f"2026-01-{n + 1:02d}",
    }


def payload_with(**changes: Any) -> dict[str, Any]:
    return {**make_payload(), **changes}


def payload_without(field: str) -> dict[str, Any]:
    payload = make_payload()
    del payload[field]
    return payload


def create(client: TestClient, n: int = 0) -> dict[str, Any]:
    response = client.post(URL, json=make_payload(n))
    assert response.status_code == 201, response.text
    return response.json()


def test_no_trailing_slash(client: TestClient) -> None:
    """POST and GET on the collection without its trailing slash: served, not redirected."""
    response = client.post(URL.rstrip("/"), json=make_payload(), follow_redirects=False)
    assert response.status_code == 201
    response = client.get(URL.rstrip("/"), follow_redirects=False)
    assert response.status_code == 200
    assert len(response.json()) == 1


def test_booleans_default_to_false(client: TestClient) -> None:
    payload = make_payload()
    del payload["done"]
    response = client.post(URL, json=payload)
    assert response.status_code == 201
    assert response.json()["done"] is False


def test_list_empty(client: TestClient) -> None:
    response = client.get(URL)
    assert response.status_code == 200
    assert response.json() == []


def test_create_201(client: TestClient) -> None:
    payload = make_payload()
    response = client.post(URL, json=payload)
    assert response.status_code == 201
    body = response.json()
    assert uuid.UUID(body["id"]).version == 4
    assert {key: body[key] for key in payload} == payload
    assert body["created_at"]
    assert body["updated_at"]


def test_list_returns_created(client: TestClient) -> None:
    first = create(client, 0)
    second = create(client, 1)
    response = client.get(URL)
    assert response.status_code == 200
    assert response.json() == [first, second]


def test_get_200(client: TestClient) -> None:
    created = create(client)
    response = client.get(item_url(created["id"]))
    assert response.status_code == 200
    assert response.json() == created


def test_get_missing_404(client: TestClient) -> None:
    response = client.get(item_url(MISSING_ID))
    assert response.status_code == 404
    assert response.json() == NOT_FOUND


@pytest.mark.parametrize("item_id", ["not-a-uuid", 0, "0000-0000", str(uuid.uuid4()) + "0"])
def test_bad_id_422(client: TestClient, item_id: int | str) -> None:
    response = client.get(item_url(item_id))
    assert response.status_code == 422


def test_update_partial_200(client: TestClient) -> None:
    created = create(client)
    field = "title"
    change = {field: make_payload(1)[field]}
    response = client.patch(item_url(created["id"]), json=change)
    assert response.status_code == 200
    body = response.json()
    expected = {**make_payload(), **change}  # the fields not sent keep their values
    assert {key: body[key] for key in expected} == expected
    assert body["id"] == created["id"]
    assert body["created_at"] == created["created_at"]


def test_update_missing_404(client: TestClient) -> None:
    response = client.patch(item_url(MISSING_ID), json=make_payload(1))
    assert response.status_code == 404
    assert response.json() == NOT_FOUND


def test_update_null_422(client: TestClient) -> None:
    created = create(client)
    change = {"title": None}
    response = client.patch(item_url(created["id"]), json=change)
    assert response.status_code == 422
    assert client.get(item_url(created["id"])).json() == created


def test_update_extra_field_422(client: TestClient) -> None:
    created = create(client)
    response = client.patch(item_url(created["id"]), json={"id": 999})
    assert response.status_code == 422


def test_delete_204_then_404(client: TestClient) -> None:
    created = create(client)
    response = client.delete(item_url(created["id"]))
    assert response.status_code == 204
    assert response.content == b""
    assert client.get(item_url(created["id"])).status_code == 404


def test_delete_missing_404(client: TestClient) -> None:
    response = client.delete(item_url(MISSING_ID))
    assert response.status_code == 404
    assert response.json() == NOT_FOUND


def test_duplicate_409(client: TestClient) -> None:
    create(client)
    response = client.post(URL, json=make_payload())
    assert response.status_code == 409
    assert response.json() == {"detail": ALREADY_EXISTS}


def test_update_duplicate_409(client: TestClient) -> None:
    create(client, 0)
    second = create(client, 1)
    field = "title"
    taken = {field: make_payload(0)[field]}
    response = client.patch(item_url(second["id"]), json=taken)
    assert response.status_code == 409
    assert response.json() == {"detail": ALREADY_EXISTS}


def test_unique_per_owner_201(client: TestClient, other_client: TestClient) -> None:
    """Uniqueness is per owner: a value one user has does not block another user."""
    create(client)
    theirs = make_payload()
    response = other_client.post(URL, json=theirs)
    assert response.status_code == 201, response.text
    assert other_client.get(URL).json() == [response.json()]


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param(payload_without("title"), id="missing"),
        pytest.param(payload_with(title=None), id="null"),
        pytest.param(payload_with(title=""), id="empty"),
        pytest.param(payload_with(title=" \t\n "), id="blank"),
        pytest.param(payload_with(title="x" * 201), id="too_long"),
        pytest.param(payload_with(title=123), id="wrong_type"),
        pytest.param(payload_with(id=999), id="extra_field"),
    ],
)
def test_validation_422(client: TestClient, payload: dict[str, Any]) -> None:
    response = client.post(URL, json=payload)
    assert response.status_code == 422
    assert client.get(URL).json() == []  # nothing was stored


@pytest.mark.parametrize("query", ["limit=0", "limit=1000", "offset=-1"])
def test_pagination_422(client: TestClient, query: str) -> None:
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 422


def test_pagination(client: TestClient) -> None:
    ids = [create(client, n)["id"] for n in range(3)]
    response = client.get(URL, params={"offset": 1, "limit": 1})
    assert response.status_code == 200
    assert [item["id"] for item in response.json()] == ids[1:2]
    assert response.headers["X-Total-Count"] == "3"


def test_wrong_content_type_422(client: TestClient) -> None:
    response = client.post(
        URL, content=json.dumps(make_payload()), headers={"Content-Type": "text/plain"}
    )
    assert response.status_code == 422
    assert client.get(URL).json() == []


def test_filter_by_title(client: TestClient) -> None:
    first = create(client, 0)
    create(client, 1)
    value = first["title"]
    response = client.get(URL, params={"title": value})
    assert response.status_code == 200
    assert [item["id"] for item in response.json()] == [first["id"]]
    assert response.headers["X-Total-Count"] == "1"


def test_filter_by_done(client: TestClient) -> None:
    first = create(client, 0)
    create(client, 1)
    value = str(first["done"]).lower()
    response = client.get(URL, params={"done": value})
    assert response.status_code == 200
    assert [item["id"] for item in response.json()] == [first["id"]]
    assert response.headers["X-Total-Count"] == "1"


@pytest.mark.parametrize(
    "field",
    [
        "id",
        "created_at",
        "title",
        "done",
        "due_date",
    ],
)
def test_sort(client: TestClient, field: str) -> None:
    items = [create(client, n) for n in range(3)]

    def key(item: dict[str, Any]) -> Any:
        if field == "created_at":  # to the millisecond: "...:06Z" is before "...:06.009000Z"
            return dt.datetime.fromisoformat(item[field])
        return item[field]

    ascending = client.get(URL, params={"sort": field})
    assert ascending.status_code == 200
    assert ascending.json() == sorted(items, key=key)  # ties stay in creation order
    descending = client.get(URL, params={"sort": f"-{field}"})
    assert descending.json() == sorted(items, key=key, reverse=True)
    assert descending.headers["X-Total-Count"] == "3"


@pytest.mark.parametrize("sort", ["unknown", "-", "owner_id"])
def test_sort_unknown_field_422(client: TestClient, sort: str) -> None:
    response = client.get(URL, params={"sort": sort})
    assert response.status_code == 422
