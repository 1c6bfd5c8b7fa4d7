"""The Alembic migrations build exactly the schema of the models, and undo it."""

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from app.core.config import Settings
from app.db.session import Base

ALEMBIC_INI = Path(__file__).resolve().parent.parent / "alembic.ini"


def alembic_config(url: str) -> Config:
    config = Config(ALEMBIC_INI)
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.attributes["configure_logger"] = False  # keep the app's logging as it is
    return config


async def drop_everything(url: str) -> None:
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(Base.metadata.drop_all)
            await connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    finally:
        await engine.dispose()


async def table_names(url: str) -> set[str]:
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            return set(await connection.run_sync(lambda sync: inspect(sync).get_table_names()))
    finally:
        await engine.dispose()


def test_upgrade_check_downgrade(settings: Settings) -> None:
    url = settings.database_url
    asyncio.run(drop_everything(url))
    config = alembic_config(url)
    command.upgrade(config, "head")
    assert set(Base.metadata.tables) <= asyncio.run(table_names(url))
    command.check(config)  # raises when the models and the migrations differ
    command.downgrade(config, "base")
    assert asyncio.run(table_names(url)) <= {"alembic_version"}
