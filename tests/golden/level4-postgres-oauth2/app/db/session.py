"""The declarative Base, the async engine and the per-request session."""

import datetime as dt
from collections.abc import AsyncIterator

from fastapi import Request
from sqlalchemy import MetaData
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine
from sqlalchemy.orm import DeclarativeBase

# Predictable constraint names (uq_<table>_<columns>, ...) that migrations can refer to.
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


def create_db_engine(url: str) -> AsyncEngine:
    # hide_parameters: database errors, and the log lines about them, show the SQL but never
    # the values bound to it (passwords, personal data).
    # pool_pre_ping replaces connections the server closed (restart, idle timeout);
    # the timeout bounds how long a request waits for a server that does not answer.
    return create_async_engine(
        url, pool_pre_ping=True, connect_args={"timeout": 5}, hide_parameters=True
    )


async def get_db(request: Request) -> AsyncIterator[AsyncSession]:
    """One session per request; closing it rolls back whatever was not committed."""
    async with request.app.state.session_factory() as session:
        yield session
