"""Waits until MongoDB answers (up to 5 minutes), then creates the missing indexes.

scripts/prestart.sh runs it: `python -m app.backend_pre_start`. MongoDB has no migrations: the
indexes (the unique ones refuse duplicates) are the schema there is.
"""

import asyncio
import logging

from tenacity import before_sleep_log, retry, stop_after_delay, wait_fixed

from app.core.config import get_settings
from app.db.session import create_client, get_database
from app.models import create_indexes

logger = logging.getLogger(__name__)


@retry(
    stop=stop_after_delay(300),
    wait=wait_fixed(1),
    before_sleep=before_sleep_log(logger, logging.WARNING),
    reraise=True,
)
async def wait_for_database(url: str) -> None:
    client = create_client(url)
    try:
        await client.admin.command("ping")
    finally:
        await client.close()


async def prepare_database(url: str) -> None:
    await wait_for_database(url)
    logger.info("the database is up")
    client = create_client(url)
    try:
        await create_indexes(get_database(client))
    finally:
        await client.close()
    logger.info("the indexes are in place")


def main() -> None:
    logging.basicConfig(level=logging.INFO)
    asyncio.run(prepare_database(get_settings().mongodb_url))


if __name__ == "__main__":
    main()
