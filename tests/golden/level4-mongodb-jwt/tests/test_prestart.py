"""The steps scripts/prestart.sh runs before the app starts."""

import asyncio

import pytest

from app import backend_pre_start, initial_data
from app.core.config import Settings
from app.db.session import Database, create_client, get_database
from app.models import INDEXES
from tests.utils import ADMIN_EMAIL


async def index_names(url: str) -> dict[str, set[str]]:
    client = create_client(url)
    try:
        db: Database = get_database(client)
        return {name: set(await db[name].index_information()) for name in INDEXES}
    finally:
        await client.close()


def test_wait_for_database_and_create_indexes(
    monkeypatch: pytest.MonkeyPatch, settings: Settings
) -> None:
    monkeypatch.setattr(backend_pre_start, "get_settings", lambda: settings)
    backend_pre_start.main()  # returns at once: the database answers
    created = asyncio.run(index_names(settings.mongodb_url))
    for collection, indexes in INDEXES.items():
        assert {index.document["name"] for index in indexes} <= created[collection]


def test_initial_data(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], settings: Settings
) -> None:
    monkeypatch.setattr(initial_data, "get_settings", lambda: settings)
    for _ in range(2):  # the second run finds the superuser
        asyncio.run(initial_data.main())
        assert capsys.readouterr().out == f"first superuser: {ADMIN_EMAIL}\n"


def test_initial_data_without_superuser(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], settings: Settings
) -> None:
    unset = settings.model_copy(update={"first_superuser_email": None})
    monkeypatch.setattr(initial_data, "get_settings", lambda: unset)
    asyncio.run(initial_data.main())
    assert capsys.readouterr().out == "FIRST_SUPERUSER_EMAIL is not set\n"
