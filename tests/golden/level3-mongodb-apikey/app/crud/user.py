"""Database operations on users."""

from typing import Any

import jwt
from pymongo import ASCENDING, ReturnDocument

from app.core.security import (
    MAX_PASSWORD_LENGTH,
    decode_password_reset_token,
    hash_password,
    issued_for_password,
    verify_dummy,
    verify_password,
)
from app.database import Database, next_id
from app.models import OWNED_BY_USER
from app.models.user import COLLECTION, User
from app.schemas.user import UserUpdate, UserUpdateMe

# Ids stay within 32 bits, as with the SQL databases.
MAX_ID = 2**31 - 1


def get(db: Database, user_id: int) -> User | None:
    document = db[COLLECTION].find_one({"_id": user_id})
    return User.from_document(document) if document is not None else None


def get_by_email(db: Database, email: str) -> User | None:
    document = db[COLLECTION].find_one({"email": email.lower()})
    return User.from_document(document) if document is not None else None


def get_many(db: Database, *, offset: int, limit: int) -> list[User]:
    cursor = db[COLLECTION].find().sort("_id", ASCENDING).skip(offset).limit(limit)
    return [User.from_document(document) for document in cursor]


def count(db: Database) -> int:
    return db[COLLECTION].count_documents({})


def create(
    db: Database, *, email: str, password: str, is_superuser: bool = False, is_active: bool = True
) -> User:
    """Raises DuplicateKeyError when the email is already taken."""
    user = User(
        id=next_id(db, COLLECTION),
        email=email.lower(),
        hashed_password=hash_password(password),
        is_superuser=is_superuser,
        is_active=is_active,
    )
    db[COLLECTION].insert_one(user.to_document())
    return User.from_document(user.to_document())


def set_fields(db: Database, user: User, values: dict[str, Any]) -> User:
    """`$set`s these fields only, and answers with the user as stored now."""
    if not values:
        return user
    document = db[COLLECTION].find_one_and_update(
        {"_id": user.id}, {"$set": values}, return_document=ReturnDocument.AFTER
    )
    if document is None:  # deleted meanwhile
        return user.model_copy(update=values)
    return User.from_document(document)


def update(db: Database, user: User, data: UserUpdate) -> User:
    """Changes the fields sent (a password is hashed); raises DuplicateKeyError when the email
    is already taken."""
    values = data.model_dump(exclude_unset=True)
    if "password" in values:
        values["hashed_password"] = hash_password(values.pop("password"))
    return set_fields(db, user, values)


def update_me(db: Database, user: User, data: UserUpdateMe) -> User:
    """Raises DuplicateKeyError when the email is already taken."""
    return set_fields(db, user, data.model_dump(exclude_unset=True))


def set_password(db: Database, user: User, password: str) -> None:
    user.hashed_password = hash_password(password)
    values = {"hashed_password": user.hashed_password}
    db[COLLECTION].update_one({"_id": user.id}, {"$set": values})


def delete(db: Database, user: User) -> None:
    """Their documents in other collections go with them (MongoDB has no ON DELETE CASCADE)."""
    for collection, field in OWNED_BY_USER:
        db[collection].delete_many({field: user.id})
    db[COLLECTION].delete_one({"_id": user.id})


def authenticate(db: Database, email: str, password: str) -> User | None:
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
        db[COLLECTION].update_one({"_id": user.id}, {"$set": {"hashed_password": new_hash}})
    return user


def get_by_reset_token(db: Database, token: str, secret_key: str) -> User | None:
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
