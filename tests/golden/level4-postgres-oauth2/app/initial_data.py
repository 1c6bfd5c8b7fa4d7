"""The first superuser, from FIRST_SUPERUSER_EMAIL and FIRST_SUPERUSER_PASSWORD.

scripts/prestart.sh runs this after the migrations: `python -m app.initial_data`.
"""

import asyncio

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.core.config import Settings, get_settings
from app.db.session import create_db_engine
from app.models.user import User
from app.repositories.user import UserRepository
from app.services.user import UserService


async def init_superuser(session: AsyncSession, settings: Settings) -> User | None:
    """Creates the first superuser when both settings are set and it does not exist yet."""
    email, password = settings.first_superuser_email, settings.first_superuser_password
    if email is None or password is None:
        return None
    repository = UserRepository(session)
    user = await repository.get_by_email(email)
    if user is None:
        service = UserService(repository)
        user = await service.register(email, password.get_secret_value(), is_superuser=True)
    return user


async def main() -> None:
    settings = get_settings()
    engine = create_db_engine(settings.database_url)
    try:
        async with async_sessionmaker(engine, expire_on_commit=False)() as session:
            user = await init_superuser(session, settings)
    finally:
        await engine.dispose()
    print(f"first superuser: {user.email}" if user else "FIRST_SUPERUSER_EMAIL is not set")


if __name__ == "__main__":
    asyncio.run(main())
