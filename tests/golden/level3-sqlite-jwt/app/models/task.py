"""The task table."""

import datetime as dt
import uuid

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.database import Base, utc_now


class Task(Base):
    __tablename__ = "tasks"
    # Unique per owner: one user's title does not block another user's.
    __table_args__ = (UniqueConstraint("owner_id", "title"),)

    # A random UUID (version 4): ids tell nothing about how many rows there are or which come next.
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    done: Mapped[bool] = mapped_column(Boolean)
    due_date: Mapped[dt.date | None] = mapped_column(Date)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utc_now, onupdate=utc_now
    )
