"""Database access for users: the users collection."""

from typing import Any

from pymongo import ASCENDING, ReturnDocument

from app.db.session import Database, next_id
from app.models import OWNED_BY_USER
from app.models.user import COLLECTION, User


class UserRepository:
    # The database, where the SQL variant takes a session.
    def __init__(self, db: Database) -> None:
        self.db = db
        self.collection = db[COLLECTION]

    async def get(self, user_id: int) -> User | None:
        document = await self.collection.find_one({"_id": user_id})
        return User.from_document(document) if document is not None else None

    async def get_by_email(self, email: str) -> User | None:
        document = await self.collection.find_one({"email": email.lower()})
        return User.from_document(document) if document is not None else None

    async def get_many(self, *, offset: int, limit: int) -> list[User]:
        cursor = self.collection.find().sort("_id", ASCENDING).skip(offset).limit(limit)
        return [User.from_document(document) async for document in cursor]

    async def count(self) -> int:
        return await self.collection.count_documents({})

    async def create(
        self,
        *,
        email: str,
        hashed_password: str,
        is_superuser: bool = False,
        is_active: bool = True,
    ) -> User:
        """Raises DuplicateKeyError when the email is already taken (the unique index)."""
        user = User(
            id=await next_id(self.db, COLLECTION),
            email=email.lower(),
            hashed_password=hashed_password,
            is_superuser=is_superuser,
            is_active=is_active,
        )
        await self.collection.insert_one(user.to_document())
        return User.from_document(user.to_document())

    async def update(self, user: User, values: dict[str, Any]) -> User:
        """`$set`s these fields only, and answers with the user as stored now; raises
        DuplicateKeyError when the email is already taken."""
        if "email" in values:
            values = {**values, "email": values["email"].lower()}
        if not values:
            return user
        document = await self.collection.find_one_and_update(
            {"_id": user.id}, {"$set": values}, return_document=ReturnDocument.AFTER
        )
        if document is None:  # deleted meanwhile
            return user.model_copy(update=values)
        return User.from_document(document)

    async def set_password_hash(self, user: User, hashed_password: str) -> None:
        user.hashed_password = hashed_password
        values = {"hashed_password": hashed_password}
        await self.collection.update_one({"_id": user.id}, {"$set": values})

    async def delete(self, user: User) -> None:
        """Their documents in other collections go with them (MongoDB has no ON DELETE
        CASCADE)."""
        for collection, field in OWNED_BY_USER:
            await self.db[collection].delete_many({field: user.id})
        await self.collection.delete_one({"_id": user.id})
