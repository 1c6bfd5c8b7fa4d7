"""The rules for users: registration, authentication, administration."""

from collections.abc import Sequence

import anyio.to_thread
from sqlalchemy.exc import IntegrityError

from app.core.errors import (
    AuthenticationError,
    ConflictError,
    DomainError,
    ForbiddenError,
    NotFoundError,
)
from app.core.security import MAX_PASSWORD_LENGTH, hash_password, verify_dummy, verify_password
from app.models.user import User
from app.repositories.user import UserRepository
from app.schemas.user import UserUpdate

EMAIL_TAKEN = "A user with this email already exists"
OWN_ACCOUNT = "Superusers cannot change their own account"
WRONG_PASSWORD = "Incorrect password"  # noqa: S105
SUPERUSER_DELETE = "Superusers cannot delete their own account"


class UserService:
    def __init__(self, repository: UserRepository) -> None:
        self.repository = repository

    async def register(self, email: str, password: str, *, is_superuser: bool = False) -> User:
        # Hashing is CPU-bound (a fifth of a second): off the event loop.
        hashed_password = await anyio.to_thread.run_sync(hash_password, password)
        try:
            return await self.repository.create(
                email=email, hashed_password=hashed_password, is_superuser=is_superuser
            )
        except IntegrityError:
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

    async def delete_own_account(self, user: User) -> None:
        """Deletes the user and what they own; a superuser cannot (no one might be left to
        manage the users)."""
        if user.is_superuser:
            raise ForbiddenError(SUPERUSER_DELETE)
        await self.repository.delete(user)

    async def get_many(self, *, offset: int, limit: int) -> Sequence[User]:
        return await self.repository.get_many(offset=offset, limit=limit)

    async def update(self, user_id: int, data: UserUpdate, *, by: User) -> User:
        """A superuser's change to another user (not to themselves: they could lock all out)."""
        if user_id == by.id:
            raise ForbiddenError(OWN_ACCOUNT)
        user = await self.repository.get(user_id)
        if user is None:
            raise NotFoundError("User not found")
        return await self.repository.update(user, data)
