"""The engine's settings: database errors hide bound values; SQLite checks foreign keys."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

SECRET = "hunter2-bound-value"


def test_errors_hide_bound_values(client: TestClient) -> None:
    """A failed statement's error (and so any log line of it) shows the SQL, not the values."""
    with pytest.raises(DBAPIError) as caught, client.app.state.engine.connect() as connection:
        connection.execute(text("SELECT :secret FROM no_such_table"), {"secret": SECRET})
    assert "no_such_table" in str(caught.value)
    assert SECRET not in str(caught.value)


def test_sqlite_checks_foreign_keys(client: TestClient) -> None:
    with client.app.state.engine.connect() as connection:
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
