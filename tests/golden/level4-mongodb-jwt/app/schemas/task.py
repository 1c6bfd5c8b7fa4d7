"""Request and response bodies for tasks."""

import datetime as dt
import uuid
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator


def as_utc(value: dt.datetime) -> dt.datetime:
    """Keep datetimes in UTC; a naive value is taken as UTC."""
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    try:
        return value.astimezone(dt.UTC)
    except OverflowError:  # e.g. 9999-12-31T23:00:00-05:00
        raise ValueError("datetime out of range") from None


UtcDatetime = Annotated[dt.datetime, AfterValidator(as_utc)]

# Text with something other than spaces: blank values are refused.
NOT_BLANK = r"\S"

# Bounds as in the SQL variants' columns: String(200), Text.
ShortStr = Annotated[str, Field(min_length=1, max_length=200, pattern=NOT_BLANK)]
LongStr = Annotated[str, Field(min_length=1, max_length=10_000, pattern=NOT_BLANK)]


class TaskCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: ShortStr
    description: LongStr | None = None
    done: bool = False
    due_date: dt.date | None = None


class TaskUpdate(BaseModel):
    """Every field may be omitted: only the fields sent are changed."""

    model_config = ConfigDict(extra="forbid")

    title: ShortStr | None = None
    description: LongStr | None = None
    done: bool | None = None
    due_date: dt.date | None = None

    @field_validator("title", "done")
    @classmethod
    def reject_null(cls, value: object) -> object:
        """These fields are required: omit the field to keep its value, null is refused."""
        if value is None:
            raise ValueError("may be omitted but not null")
        return value


class TaskQuery(BaseModel):
    """The list's query parameters: equality filters, and `sort` (a field, or `-field` for
    descending; ties go in creation order). Ids are random, so the default is creation order."""

    title: str | None = None
    done: bool | None = None
    sort: Literal[
        "id",
        "-id",
        "created_at",
        "-created_at",
        "updated_at",
        "-updated_at",
        "title",
        "-title",
        "done",
        "-done",
        "due_date",
        "-due_date",
    ] = "created_at"


class TaskRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    title: str
    description: str | None
    done: bool
    due_date: dt.date | None
    owner_id: int
    created_at: UtcDatetime
    updated_at: UtcDatetime
