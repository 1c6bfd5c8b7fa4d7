"""Database operations on API keys. The raw key is never stored, only its SHA-256 hash."""

import datetime as dt

from pymongo import ASCENDING

from app.core.security import (
    api_key_expired,
    api_key_matches,
    api_key_prefix,
    api_key_use_to_record,
    generate_api_key,
    hash_api_key,
)
from app.crud import user as user_crud
from app.database import Database, next_id, utc_now
from app.models.api_key import COLLECTION, ApiKey
from app.models.user import User


def create(db: Database, user: User, *, expires_in_days: int) -> tuple[ApiKey, str]:
    """A new key for the user: the stored document and the raw key, to show once."""
    key = generate_api_key()
    api_key = ApiKey(
        id=next_id(db, COLLECTION),
        user_id=user.id,
        prefix=api_key_prefix(key),
        hashed_key=hash_api_key(key),
        expires_at=utc_now() + dt.timedelta(days=expires_in_days),
    )
    db[COLLECTION].insert_one(api_key.to_document())
    return ApiKey.from_document(api_key.to_document()), key


def get_user(db: Database, key: str) -> User | None:
    """The owner of the key, or None when no stored hash matches it or the key has expired.
    Records when the key was used."""
    for document in db[COLLECTION].find({"prefix": api_key_prefix(key)}):
        api_key = ApiKey.from_document(document)
        if api_key_matches(key, api_key.hashed_key):
            now = utc_now()
            if api_key_expired(api_key.expires_at, now):
                return None
            if api_key_use_to_record(api_key.last_used_at, now):
                db[COLLECTION].update_one({"_id": api_key.id}, {"$set": {"last_used_at": now}})
            return user_crud.get(db, api_key.user_id)
    return None


def get_many(db: Database, user: User) -> list[ApiKey]:
    """The user's keys, oldest first."""
    cursor = db[COLLECTION].find({"user_id": user.id}).sort("_id", ASCENDING)
    return [ApiKey.from_document(document) for document in cursor]


def get_owned(db: Database, api_key_id: int, user: User) -> ApiKey | None:
    """The key with this id if the user owns it: another user's key is as good as missing."""
    document = db[COLLECTION].find_one({"_id": api_key_id, "user_id": user.id})
    return ApiKey.from_document(document) if document is not None else None


def delete(db: Database, api_key: ApiKey) -> None:
    db[COLLECTION].delete_one({"_id": api_key.id})
