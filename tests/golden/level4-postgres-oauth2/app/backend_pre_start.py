"""Waits until the database accepts connections (up to 5 minutes), before the migrations run.

scripts/prestart.sh runs it: `python -m app.backend_pre_start`.
"""

import asyncio
import logging

from sqlalchemy import text
from tenacity import before_sleep_log, retry, stop_after_delay, wait_fixed

from app.core.config import get_settings
from app.db.session import create_db_engine

logger = logging.getLogger(__name__)


@retry(
    stop=stop_after_delay(300),
    wait=wait_fixed(1),
    before_sleep=before_sleep_log(logger, logging.WARNING),
    reraise=True,
)
async def wait_for_database(url: str) -> None:
    engine = create_db_engine(url)
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    finally:
        await engine.dispose()


def main() -> None:
    logging.basicConfig(level=logging.INFO)
    asyncio.run(wait_for_database(get_settings().database_url))
    logger.info("the database is up")


if __name__ == "__main__":
    main()
