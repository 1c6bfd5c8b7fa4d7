"""Test fixtures: every test gets an app on its own, new SQLite database file."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    db_file = tmp_path / "test.db"
    settings = Settings(_env_file=None, database_url=f"sqlite:///{db_file}")
    with TestClient(create_app(settings)) as test_client:  # runs the lifespan: creates the tables
        yield test_client
