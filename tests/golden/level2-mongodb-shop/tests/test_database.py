"""The database: the indexes are made at startup, and no server answering gives a quick 503."""

import time

import pytest
from fastapi.testclient import TestClient

from app import database
from app.config import Settings
from app.main import create_app
from app.models import INDEXES
from tests.test_products import make_payload

URL = "/products/"


def test_indexes_created(client: TestClient) -> None:
    db = client.app.state.database
    for collection, indexes in INDEXES.items():
        names = set(db[collection].index_information())
        assert {index.document["name"] for index in indexes} <= names


def test_unique_index_refuses_duplicates_409(client: TestClient) -> None:
    """The unique index, not a read before the write, is what refuses the second one."""
    payload = make_payload(1)
    assert client.post(URL, json=payload).status_code == 201
    response = client.post(URL, json=payload)
    assert response.status_code == 409
    assert client.app.state.database["products"].count_documents({}) == 1


def test_database_down_503(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """A server that does not answer: 503 with the usual error body, after the short timeout."""
    monkeypatch.setattr(database, "SERVER_SELECTION_TIMEOUT_MS", 200)
    down = settings.model_copy(update={"mongodb_url": "mongodb://127.0.0.1:1/down"})
    # Without `with`: the lifespan (which makes the indexes) would fail the same way.
    test_client = TestClient(create_app(down))
    started = time.monotonic()
    response = test_client.get(URL)
    assert response.status_code == 503
    assert response.json() == {"detail": "Database unavailable"}
    assert time.monotonic() - started < 5
