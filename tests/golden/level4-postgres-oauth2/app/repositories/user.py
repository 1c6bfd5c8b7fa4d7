"""Database access for users."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models.user import User


class UserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, user_id: int) -> User | None:
        return await self.session.get(User, user_id)

    async def get_by_email(self, email: str) -> User | None:
        return await self.session.scalar(select(User).where(User.email == email.lower()))

    async def get_many(self, *, offset: int, limit: int) -> Sequence[User]:
        statement = select(User).order_by(User.id).offset(offset).limit(limit)
        return (await self.session.scalars(statement)).all()

    async def count(self) -> int:
        return await self.session.scalar(select(func.count()).select_from(User)) or 0

    async def create(
        self,
        *,
        email: str,
        hashed_password: str,
        is_superuser: bool = False,
        is_active: bool = True,
    ) -> User:
        """Raises IntegrityError when the email is already taken."""
        user = User(
            email=email.lower(),
            hashed_password=hashed_password,
            is_superuser=is_superuser,
            is_active=is_active,
        )
        self.session.add(user)
        await self.session.commit()
        return user

    async def update(self, user: User, values: dict[str, Any]) -> User:
        """Raises IntegrityError when the email is already taken."""
        for field, value in values.items():
            setattr(user, field, value)
        await self.session.commit()
        return user

    async def set_password_hash(self, user: User, hashed_password: str) -> None:
        user.hashed_password = hashed_password
        await self.session.commit()

    async def delete(self, user: User) -> None:
        """Their rows in other tables go with them (ON DELETE CASCADE)."""
        await self.session.delete(user)
        await self.session.commit()
