"""Database operations on users."""

from collections.abc import Sequence

import jwt
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.security import (
    MAX_PASSWORD_LENGTH,
    decode_password_reset_token,
    hash_password,
    issued_for_password,
    verify_dummy,
    verify_password,
)
from app.models.user import User
from app.schemas.user import UserUpdate, UserUpdateMe

# Ids are Integer columns: 32-bit on PostgreSQL.
MAX_ID = 2**31 - 1


def get(db: Session, user_id: int) -> User | None:
    return db.get(User, user_id)


def get_by_email(db: Session, email: str) -> User | None:
    return db.scalar(select(User).where(User.email == email.lower()))


def get_many(db: Session, *, offset: int, limit: int) -> Sequence[User]:
    statement = select(User).order_by(User.id)
    return db.scalars(statement.offset(offset).limit(limit)).all()


def count(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(User)) or 0


def create(
    db: Session, *, email: str, password: str, is_superuser: bool = False, is_active: bool = True
) -> User:
    """Raises IntegrityError when the email is already taken."""
    user = User(
        email=email.lower(),
        hashed_password=hash_password(password),
        is_superuser=is_superuser,
        is_active=is_active,
    )
    db.add(user)
    db.commit()
    db.refresh(user)
    return user


def update(db: Session, user: User, data: UserUpdate) -> User:
    """Changes the fields sent (a password is hashed); raises IntegrityError when the email is
    already taken."""
    values = data.model_dump(exclude_unset=True)
    if "password" in values:
        values["hashed_password"] = hash_password(values.pop("password"))
    for field, value in values.items():
        setattr(user, field, value)
    db.commit()
    db.refresh(user)
    return user


def update_me(db: Session, user: User, data: UserUpdateMe) -> User:
    """Raises IntegrityError when the email is already taken."""
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


def get_by_reset_token(db: Session, token: str, secret_key: str) -> User | None:
    """The active user a password reset token was issued to, while it is valid: unexpired, and
    issued for the password the user has now (so it works once)."""
    try:
        payload = decode_password_reset_token(token, secret_key)
        user_id = int(payload["sub"])
    except (jwt.InvalidTokenError, ValueError):
        return None
    user = get(db, user_id) if 1 <= user_id <= MAX_ID else None
    if user is None or not user.is_active:
        return None
    if not issued_for_password(payload, user.hashed_password, secret_key):
        return None
    return user
