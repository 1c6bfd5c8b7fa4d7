"""The rules for users: registration, authentication, password recovery, administration."""

import datetime as dt
from collections.abc import Sequence

import anyio.to_thread
import jwt
from pymongo.errors import DuplicateKeyError

from app.core.errors import (
    AuthenticationError,
    ConflictError,
    DomainError,
    ForbiddenError,
    NotFoundError,
)
from app.core.security import (
    MAX_PASSWORD_LENGTH,
    create_password_reset_token,
    decode_password_reset_token,
    hash_password,
    issued_for_password,
    verify_dummy,
    verify_password,
)
from app.models.user import User
from app.repositories.user import UserRepository
from app.schemas.user import AdminUserCreate, UserUpdate, UserUpdateMe

# Ids are Integer columns: 32-bit on PostgreSQL.
MAX_ID = 2**31 - 1

EMAIL_TAKEN = "A user with this email already exists"
OWN_ACCOUNT = "Superusers cannot change their own account"
WRONG_PASSWORD = "Incorrect password"  # noqa: S105
SUPERUSER_DELETE = "Superusers cannot delete their own account"
BAD_RESET_TOKEN = "Invalid or expired password reset token"  # noqa: S105
NOT_FOUND = "User not found"


class UserService:
    def __init__(self, repository: UserRepository) -> None:
        self.repository = repository

    async def register(
        self, email: str, password: str, *, is_superuser: bool = False, is_active: bool = True
    ) -> User:
        # Hashing is CPU-bound (a fifth of a second): off the event loop.
        hashed_password = await anyio.to_thread.run_sync(hash_password, password)
        try:
            return await self.repository.create(
                email=email,
                hashed_password=hashed_password,
                is_superuser=is_superuser,
                is_active=is_active,
            )
        except DuplicateKeyError:
            raise ConflictError(EMAIL_TAKEN) from None

    async def authenticate(self, email: str, password: str) -> User:
        """The active user with these credentials; the same error and work whatever is wrong."""
        user = await self.repository.get_by_email(email)
        if user is None or len(password) > MAX_PASSWORD_LENGTH:
            await anyio.to_thread.run_sync(verify_dummy, password[:MAX_PASSWORD_LENGTH])
            raise AuthenticationError()
        ok, new_hash = await anyio.to_thread.run_sync(
            verify_password, password, user.hashed_password
        )
        if not ok or not user.is_active:
            raise AuthenticationError()
        if new_hash is not None:  # the hash used older parameters: store the upgraded one
            await self.repository.set_password_hash(user, new_hash)
        return user

    async def change_password(self, user: User, current: str, new: str) -> None:
        """400 unless `current` is the user's password; then `new` replaces it."""
        ok, _ = await anyio.to_thread.run_sync(verify_password, current, user.hashed_password)
        if not ok:
            raise DomainError(WRONG_PASSWORD)
        hashed_password = await anyio.to_thread.run_sync(hash_password, new)
        await self.repository.set_password_hash(user, hashed_password)

    async def password_reset_token(
        self, email: str, *, secret_key: str, expires_delta: dt.timedelta
    ) -> tuple[User, str] | None:
        """A reset token for the active user with this email, else None. The token is bound to
        the current password, so it works once; only a database lookup either way."""
        user = await self.repository.get_by_email(email)
        if user is None or not user.is_active or not secret_key:
            return None
        token = create_password_reset_token(
            str(user.id), user.hashed_password, secret_key, expires_delta
        )
        return user, token

    async def reset_password(self, token: str, new: str, *, secret_key: str) -> None:
        """400 unless the token is a valid, unexpired reset token for the password the user
        has now; then `new` replaces it (and the token stops working)."""
        try:
            payload = decode_password_reset_token(token, secret_key)
            user_id = int(payload["sub"])
        except (jwt.InvalidTokenError, ValueError):
            raise DomainError(BAD_RESET_TOKEN) from None
        user = await self.repository.get(user_id) if 1 <= user_id <= MAX_ID else None
        if user is None or not user.is_active:
            raise DomainError(BAD_RESET_TOKEN)
        if not issued_for_password(payload, user.hashed_password, secret_key):
            raise DomainError(BAD_RESET_TOKEN)
        hashed_password = await anyio.to_thread.run_sync(hash_password, new)
        await self.repository.set_password_hash(user, hashed_password)

    async def update_me(self, user: User, data: UserUpdateMe) -> User:
        """Users change their own email (409 when another account has it)."""
        try:
            return await self.repository.update(user, data.model_dump(exclude_unset=True))
        except DuplicateKeyError:
            raise ConflictError(EMAIL_TAKEN) from None

    async def delete_own_account(self, user: User) -> None:
        """Deletes the user and what they own; a superuser cannot (no one might be left to
        manage the users)."""
        if user.is_superuser:
            raise ForbiddenError(SUPERUSER_DELETE)
        await self.repository.delete(user)

    async def get_many(self, *, offset: int, limit: int) -> Sequence[User]:
        return await self.repository.get_many(offset=offset, limit=limit)

    async def count(self) -> int:
        return await self.repository.count()

    async def get(self, user_id: int) -> User:
        user = await self.repository.get(user_id)
        if user is None:
            raise NotFoundError(NOT_FOUND)
        return user

    async def create(self, data: AdminUserCreate) -> User:
        """A superuser's new user, who may be a superuser or inactive from the start."""
        return await self.register(
            data.email, data.password, is_superuser=data.is_superuser, is_active=data.is_active
        )

    async def update(self, user_id: int, data: UserUpdate, *, by: User) -> User:
        """A superuser's change to another user (not to themselves: they could lock all out)."""
        if user_id == by.id:
            raise ForbiddenError(OWN_ACCOUNT)
        user = await self.get(user_id)
        values = data.model_dump(exclude_unset=True)
        if "password" in values:
            password = values.pop("password")
            values["hashed_password"] = await anyio.to_thread.run_sync(hash_password, password)
        try:
            return await self.repository.update(user, values)
        except DuplicateKeyError:
            raise ConflictError(EMAIL_TAKEN) from None

    async def delete(self, user_id: int, *, by: User) -> None:
        """A superuser deletes another user, with what they own (not themselves)."""
        if user_id == by.id:
            raise ForbiddenError(SUPERUSER_DELETE)
        await self.repository.delete(await self.get(user_id))
