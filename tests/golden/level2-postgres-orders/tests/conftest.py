"""Test fixtures: every test gets an app on the test database, with empty tables.

The tests need a running PostgreSQL server and the database named by TEST_DATABASE_URL
(see README.md). TEST_DATABASE_URL must not point at data you care about: the tests empty it.
"""

import os
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import OperationalError

from app.config import Settings
from app.database import Base
from app.main import create_app

TEST_DATABASE_URL = os.environ.get(
    "TEST_DATABASE_URL",
    "postgresql+psycopg://postgres:postgres@localhost:5432/orders_test",
)


def pytest_sessionstart(session: pytest.Session) -> None:
    """Stop at once, with one clear message, when the test database cannot be reached."""
    engine = create_engine(TEST_DATABASE_URL, connect_args={"connect_timeout": 5})
    try:
        with engine.connect():
            pass
    except OperationalError as error:
        url = make_url(TEST_DATABASE_URL).render_as_string(hide_password=True)
        raise pytest.UsageError(
            f"cannot connect to the test database {url}\n"
            "Start PostgreSQL and create that database (see README.md), "
            "or set TEST_DATABASE_URL to one that exists.\n"
            f"Cause: {error.orig}"
        ) from None
    finally:
        engine.dispose()


@pytest.fixture
def client() -> Iterator[TestClient]:
    app = create_app(Settings(_env_file=None, database_url=TEST_DATABASE_URL))
    with TestClient(app) as test_client:  # runs the lifespan, which creates the tables
        tables = ", ".join(table.name for table in Base.metadata.sorted_tables)
        with app.state.engine.begin() as connection:
            # Fails, rather than waits without end, if something still holds the tables.
            connection.execute(text("SET LOCAL lock_timeout = '30s'"))
            connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        yield test_client
