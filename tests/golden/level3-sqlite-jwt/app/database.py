"""The database engine, the per-request session and the declarative Base."""

import datetime as dt
from collections.abc import Iterator
from typing import Any

from fastapi import Request
from sqlalchemy import Engine, MetaData, create_engine, event
from sqlalchemy.orm import DeclarativeBase, Session

# Predictable constraint names (uq_<table>_<columns>, ...) that migrations (level 4) can refer to.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def enable_foreign_keys(dbapi_connection: Any, connection_record: Any) -> None:
    """SQLite checks foreign keys (and ON DELETE CASCADE) only when each connection asks."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def create_db_engine(url: str) -> Engine:
    # hide_parameters: database errors, and the log lines about them, show the SQL but never
    # the values bound to it (passwords, personal data).
    # FastAPI runs `def` endpoints in a thread pool: let SQLite connections cross threads.
    engine = create_engine(url, connect_args={"check_same_thread": False}, hide_parameters=True)
    event.listen(engine, "connect", enable_foreign_keys)
    return engine


def get_db(request: Request) -> Iterator[Session]:
    """One session per request; closing it rolls back whatever was not committed."""
    with request.app.state.session_factory() as session:
        yield session
