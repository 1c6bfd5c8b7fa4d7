"""Password hashing (Argon2id, with pwdlib), API keys (random, stored as SHA-256 hashes) and
password reset tokens (JWT, with PyJWT)."""

import datetime as dt
import hashlib
import hmac
import secrets
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


# The first characters of a key, stored in clear to find its row; the rest is only hashed.
API_KEY_PREFIX_LENGTH = 8


def generate_api_key() -> str:
    """A new random key (43 URL-safe characters). It is shown once and never stored."""
    return secrets.token_urlsafe(32)


def api_key_prefix(key: str) -> str:
    return key[:API_KEY_PREFIX_LENGTH]


def hash_api_key(key: str) -> str:
    """SHA-256 is enough here: unlike passwords, keys are long and random."""
    return hashlib.sha256(key.encode()).hexdigest()


def api_key_matches(key: str, hashed: str) -> bool:
    return hmac.compare_digest(hash_api_key(key), hashed)


# Writing last_used_at at every request would make each one a database write: to the minute is
# precise enough to tell a key in use from a forgotten one.
LAST_USE_PRECISION = dt.timedelta(minutes=1)


def as_utc(value: dt.datetime) -> dt.datetime:
    """SQLite gives datetimes back without their offset: they are UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def api_key_expired(expires_at: dt.datetime | None, now: dt.datetime) -> bool:
    """None: a key issued before keys expired (pack 0.4.0), which does not."""
    return expires_at is not None and as_utc(expires_at) <= now


def api_key_use_to_record(last_used_at: dt.datetime | None, now: dt.datetime) -> bool:
    return last_used_at is None or now - as_utc(last_used_at) >= LAST_USE_PRECISION


ALGORITHM = "HS256"
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
