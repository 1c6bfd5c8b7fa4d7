"""Password hashing (Argon2id, with pwdlib) and access tokens (JWT, with PyJWT)."""

import datetime as dt
from typing import Any

import jwt
from pwdlib import PasswordHash

# The longest password accepted: hashing is deliberately slow, so bound its input.
MAX_PASSWORD_LENGTH = 128

password_hash = PasswordHash.recommended()  # Argon2id

# Verified against when the email is unknown, so that a failed login takes as long either way.
DUMMY_HASH = password_hash.hash("dummy-password")


def hash_password(password: str) -> str:
    return password_hash.hash(password)


def verify_password(password: str, hashed: str) -> tuple[bool, str | None]:
    """Checks a password; the second value is a new hash when the stored one is outdated."""
    return password_hash.verify_and_update(password, hashed)


def verify_dummy(password: str) -> None:
    """Spends the time a real check takes, for an unknown email."""
    password_hash.verify(password, DUMMY_HASH)


ALGORITHM = "HS256"


def create_access_token(subject: str, secret_key: str, expires_delta: dt.timedelta) -> str:
    now = dt.datetime.now(dt.UTC)
    payload = {"sub": subject, "iat": now, "exp": now + expires_delta}
    return jwt.encode(payload, secret_key, algorithm=ALGORITHM)


def decode_access_token(token: str, secret_key: str) -> dict[str, Any]:
    """Raises jwt.ExpiredSignatureError when expired, jwt.InvalidTokenError when invalid."""
    return jwt.decode(
        token, secret_key, algorithms=[ALGORITHM], options={"require": ["exp", "sub"]}
    )
