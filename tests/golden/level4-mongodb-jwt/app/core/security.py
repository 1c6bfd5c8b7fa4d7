"""Password hashing (Argon2id, with pwdlib), access tokens and password reset tokens (JWT, with
PyJWT)."""

import datetime as dt
import hashlib
import hmac
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


def create_access_token(
    subject: str, hashed_password: str, secret_key: str, expires_delta: dt.timedelta
) -> str:
    """A token for the user `subject` that carries the fingerprint of their password hash: a
    password change or reset signs every session out (see issued_for_password)."""
    now = dt.datetime.now(dt.UTC)
    payload = {
        "sub": subject,
        "fp": password_fingerprint(hashed_password, secret_key),
        "iat": now,
        "exp": now + expires_delta,
    }
    return jwt.encode(payload, secret_key, algorithm=ALGORITHM)


def decode_access_token(token: str, secret_key: str) -> dict[str, Any]:
    """Raises jwt.ExpiredSignatureError when expired, jwt.InvalidTokenError when invalid. The
    caller must still check issued_for_password() against the user's stored hash."""
    required = ["exp", "sub", "fp"]
    payload = jwt.decode(token, secret_key, algorithms=[ALGORITHM], options={"require": required})
    if "purpose" in payload:  # a token for something else (a password reset) opens nothing
        raise jwt.InvalidTokenError("not an access token")
    if not isinstance(payload["fp"], str):
        raise jwt.InvalidTokenError("not an access token")
    return payload


# The `purpose` claim of password reset tokens: no other token is accepted in their place.
RESET_PURPOSE = "password-reset"


def password_fingerprint(hashed_password: str, secret_key: str) -> str:
    """A keyed digest of the stored hash. Tokens carry it, so they stop working as soon as the
    password changes (a reset token is good for one reset), with no table to remember them."""
    digest = hmac.new(secret_key.encode(), hashed_password.encode(), hashlib.sha256)
    return digest.hexdigest()[:32]


def create_password_reset_token(
    subject: str, hashed_password: str, secret_key: str, expires_delta: dt.timedelta
) -> str:
    now = dt.datetime.now(dt.UTC)
    payload = {
        "sub": subject,
        "purpose": RESET_PURPOSE,
        "fp": password_fingerprint(hashed_password, secret_key),
        "iat": now,
        "exp": now + expires_delta,
    }
    return jwt.encode(payload, secret_key, algorithm=ALGORITHM)


def decode_password_reset_token(token: str, secret_key: str) -> dict[str, Any]:
    """Raises jwt.InvalidTokenError unless it is an unexpired password reset token."""
    if not secret_key:  # no key, no reset: never check a signature against an empty key
        raise jwt.InvalidTokenError("no signing key")
    required = ["exp", "sub", "purpose", "fp"]
    payload = jwt.decode(token, secret_key, algorithms=[ALGORITHM], options={"require": required})
    if payload["purpose"] != RESET_PURPOSE or not isinstance(payload["fp"], str):
        raise jwt.InvalidTokenError("not a password reset token")
    return payload


def issued_for_password(payload: dict[str, Any], hashed_password: str, secret_key: str) -> bool:
    """Whether the token was issued for the password the user has now."""
    expected = password_fingerprint(hashed_password, secret_key)
    return hmac.compare_digest(payload["fp"], expected)
