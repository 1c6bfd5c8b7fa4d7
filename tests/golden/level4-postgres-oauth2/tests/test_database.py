"""The engine's settings: database errors hide bound values."""

import asyncio
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from app.db.session import create_db_engine

SECRET = "hunter2-bound-value"


def scalar(client: TestClient, statement: str, **params: Any) -> Any:
    """Runs one statement on an engine made as the app makes its own."""

    async def run() -> Any:
        engine = create_db_engine(client.app.state.settings.database_url)
        try:
            async with engine.connect() as connection:
                return (await connection.execute(text(statement), params)).scalar()
        finally:
            await engine.dispose()

    return asyncio.run(run())


def test_errors_hide_bound_values(anon_client: TestClient) -> None:
    """A failed statement's error (and so any log line of it) shows the SQL, not the values."""
    with pytest.raises(DBAPIError) as caught:
        scalar(anon_client, "SELECT :secret FROM no_such_table", secret=SECRET)
    assert "no_such_table" in str(caught.value)
    assert SECRET not in str(caught.value)
