"""The first superuser, from FIRST_SUPERUSER_EMAIL and FIRST_SUPERUSER_PASSWORD.

The app runs this at startup; to run it by hand: `uv run python -m app.initial_data`.
"""

from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings, get_settings
from app.crud import user as user_crud
from app.database import create_db_engine
from app.models.user import User


def init_superuser(db: Session, settings: Settings) -> User | None:
    """Creates the first superuser when both settings are set and it does not exist yet."""
    email, password = settings.first_superuser_email, settings.first_superuser_password
    if email is None or password is None:
        return None
    user = user_crud.get_by_email(db, email)
    if user is None:
        user = user_crud.create(
            db, email=email, password=password.get_secret_value(), is_superuser=True
        )
    return user


def main() -> None:
    settings = get_settings()
    engine = create_db_engine(settings.database_url)
    with sessionmaker(engine)() as db:
        user = init_superuser(db, settings)
    engine.dispose()
    print(f"first superuser: {user.email}" if user else "FIRST_SUPERUSER_EMAIL is not set")


if __name__ == "__main__":
    main()
