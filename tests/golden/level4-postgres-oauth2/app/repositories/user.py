"""Database access for users."""

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models.user import User
from app.schemas.user import UserUpdate


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

    async def create(self, *, email: str, hashed_password: str, is_superuser: bool = False) -> User:
        """Raises IntegrityError when the email is already taken."""
        user = User(email=email.lower(), hashed_password=hashed_password, is_superuser=is_superuser)
        self.session.add(user)
        await self.session.commit()
        return user

    async def update(self, user: User, data: UserUpdate) -> User:
        for field, value in data.model_dump(exclude_unset=True).items():
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
