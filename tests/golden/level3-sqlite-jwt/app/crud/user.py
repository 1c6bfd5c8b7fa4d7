"""Database operations on users."""

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.security import MAX_PASSWORD_LENGTH, hash_password, verify_dummy, verify_password
from app.models.user import User
from app.schemas.user import UserUpdate


def get(db: Session, user_id: int) -> User | None:
    return db.get(User, user_id)


def get_by_email(db: Session, email: str) -> User | None:
    return db.scalar(select(User).where(User.email == email.lower()))


def get_many(db: Session, *, offset: int, limit: int) -> Sequence[User]:
    statement = select(User).order_by(User.id)
    return db.scalars(statement.offset(offset).limit(limit)).all()


def create(db: Session, *, email: str, password: str, is_superuser: bool = False) -> User:
    """Raises IntegrityError when the email is already taken."""
    user = User(
        email=email.lower(), hashed_password=hash_password(password), is_superuser=is_superuser
    )
    db.add(user)
    db.commit()
    db.refresh(user)
    return user


def update(db: Session, user: User, data: UserUpdate) -> User:
    for field, value in data.model_dump(exclude_unset=True).items():
        setattr(user, field, value)
    db.commit()
    db.refresh(user)
    return user


def set_password(db: Session, user: User, password: str) -> None:
    user.hashed_password = hash_password(password)
    db.commit()


def delete(db: Session, user: User) -> None:
    """Their rows in other tables go with them (ON DELETE CASCADE)."""
    db.delete(user)
    db.commit()


def authenticate(db: Session, email: str, password: str) -> User | None:
    """The user with this email and password, else None; the same work either way."""
    user = get_by_email(db, email)
    if user is None or len(password) > MAX_PASSWORD_LENGTH:
        verify_dummy(password[:MAX_PASSWORD_LENGTH])
        return None
    ok, new_hash = verify_password(password, user.hashed_password)
    if not ok:
        return None
    if new_hash is not None:  # the hash used older parameters: store the upgraded one
        user.hashed_password = new_hash
        db.commit()
    return user
