"""The rules for users: registration, authentication, administration."""

from collections.abc import Sequence

import anyio.to_thread
from sqlalchemy.exc import IntegrityError

from app.core.errors import AuthenticationError, ConflictError, ForbiddenError, NotFoundError
from app.core.security import MAX_PASSWORD_LENGTH, hash_password, verify_dummy, verify_password
from app.models.user import User
from app.repositories.user import UserRepository
from app.schemas.user import UserUpdate

EMAIL_TAKEN = "A user with this email already exists"
OWN_ACCOUNT = "Superusers cannot change their own account"


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
