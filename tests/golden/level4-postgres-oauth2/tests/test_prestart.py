"""The steps scripts/prestart.sh runs before the app starts."""

import asyncio

import pytest

from app import backend_pre_start, initial_data
from app.core.config import Settings
from tests.utils import ADMIN_EMAIL, reset_database


def test_wait_for_database(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> None:
    monkeypatch.setattr(backend_pre_start, "get_settings", lambda: settings)
    backend_pre_start.main()  # returns at once: the database answers


def test_initial_data(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], settings: Settings
) -> None:
    reset_database(settings.database_url)
    monkeypatch.setattr(initial_data, "get_settings", lambda: settings)
    for _ in range(2):  # the second run finds the superuser
        asyncio.run(initial_data.main())
        assert capsys.readouterr().out == f"first superuser: {ADMIN_EMAIL}\n"


def test_initial_data_without_superuser(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], settings: Settings
) -> None:
    reset_database(settings.database_url)
    unset = settings.model_copy(update={"first_superuser_email": None})
    monkeypatch.setattr(initial_data, "get_settings", lambda: unset)
    asyncio.run(initial_data.main())
    assert capsys.readouterr().out == "FIRST_SUPERUSER_EMAIL is not set\n"
