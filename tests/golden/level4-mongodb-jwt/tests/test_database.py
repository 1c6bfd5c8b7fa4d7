"""The database: the indexes are made at startup, ids come from counters, and no server answering
gives a quick 503."""

import time

from fastapi.testclient import TestClient

from app.db.session import Database
from app.models import INDEXES
from tests.api.test_tasks import make_payload
from tests.utils import API, register, run_db

URL = f"{API}/tasks/"


def test_indexes_created(client: TestClient) -> None:
    async def names(db: Database) -> dict[str, set[str]]:
        return {name: set(await db[name].index_information()) for name in INDEXES}

    created = run_db(client, names)
    for collection, indexes in INDEXES.items():
        assert {index.document["name"] for index in indexes} <= created[collection]


def test_unique_index_refuses_duplicates_409(client: TestClient) -> None:
    """The unique index, not a read before the write, is what refuses the second one."""
    payload = make_payload(1)
    assert client.post(URL, json=payload).status_code == 201
    response = client.post(URL, json=payload)
    assert response.status_code == 409

    async def count(db: Database) -> int:
        return await db["tasks"].count_documents({})

    assert run_db(client, count) == 1


def test_user_ids_count_up(anon_client: TestClient) -> None:
    """Users get integer ids from a counter, one after the other (the superuser has the first)."""
    first = register(anon_client, "first@example.com")["id"]
    second = register(anon_client, "second@example.com")["id"]
    assert second == first + 1


def test_database_down_503_fast(down_client: TestClient) -> None:
    """A server that does not answer: 503 in the usual shape, after the short timeout."""
    started = time.monotonic()
    credentials = {"email": "down@example.com", "password": "long enough password"}
    response = down_client.post(f"{API}/auth/register", json=credentials)
    assert response.status_code == 503
    assert response.json() == {"detail": "Service temporarily unavailable"}
    assert time.monotonic() - started < 5
