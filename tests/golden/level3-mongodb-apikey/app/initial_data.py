"""The first superuser, from FIRST_SUPERUSER_EMAIL and FIRST_SUPERUSER_PASSWORD.

The app runs this at startup; to run it by hand: `uv run python -m app.initial_data`.
"""

from pymongo.errors import DuplicateKeyError

from app.config import Settings, get_settings
from app.crud import user as user_crud
from app.database import Database, create_client
from app.models import create_indexes
from app.models.user import User


def init_superuser(db: Database, settings: Settings) -> User | None:
    """Creates the first superuser when both settings are set and it does not exist yet."""
    email, password = settings.first_superuser_email, settings.first_superuser_password
    if email is None or password is None:
        return None
    user = user_crud.get_by_email(db, email)
    if user is None:
        try:
            user = user_crud.create(
                db, email=email, password=password.get_secret_value(), is_superuser=True
            )
        except DuplicateKeyError:  # another process created it meanwhile
            user = user_crud.get_by_email(db, email)
    return user


def main() -> None:
    settings = get_settings()
    client = create_client(settings.mongodb_url)
    try:
        db = client.get_default_database("mongo_keys")
        create_indexes(db)
        user = init_superuser(db, settings)
    finally:
        client.close()
    print(f"first superuser: {user.email}" if user else "FIRST_SUPERUSER_EMAIL is not set")


if __name__ == "__main__":
    main()
