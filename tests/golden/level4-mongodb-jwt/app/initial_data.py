"""The first superuser, from FIRST_SUPERUSER_EMAIL and FIRST_SUPERUSER_PASSWORD.

scripts/prestart.sh runs this after the indexes are made: `python -m app.initial_data`.
"""

import asyncio

from app.core.config import Settings, get_settings
from app.db.session import Database, create_client, get_database
from app.models.user import User
from app.repositories.user import UserRepository
from app.services.user import UserService


async def init_superuser(db: Database, settings: Settings) -> User | None:
    """Creates the first superuser when both settings are set and it does not exist yet."""
    email, password = settings.first_superuser_email, settings.first_superuser_password
    if email is None or password is None:
        return None
    repository = UserRepository(db)
    user = await repository.get_by_email(email)
    if user is None:
        service = UserService(repository)
        user = await service.register(email, password.get_secret_value(), is_superuser=True)
    return user


async def main() -> None:
    settings = get_settings()
    client = create_client(settings.mongodb_url)
    try:
        user = await init_superuser(get_database(client), settings)
    finally:
        await client.close()
    print(f"first superuser: {user.email}" if user else "FIRST_SUPERUSER_EMAIL is not set")


if __name__ == "__main__":
    asyncio.run(main())
