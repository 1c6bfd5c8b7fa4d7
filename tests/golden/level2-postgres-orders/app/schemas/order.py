"""Request and response bodies for orders."""

import datetime as dt
import uuid
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, FiniteFloat, field_validator


def as_utc(value: dt.datetime) -> dt.datetime:
    """Keep datetimes in UTC; a naive value (SQLite drops the offset) is taken as UTC."""
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    try:
        return value.astimezone(dt.UTC)
    except OverflowError:  # e.g. 9999-12-31T23:00:00-05:00
        raise ValueError("datetime out of range") from None


UtcDatetime = Annotated[dt.datetime, AfterValidator(as_utc)]

# Text with something other than spaces (blank values are refused), and without NUL characters,
# which PostgreSQL text cannot hold.
NOT_BLANK = r"^[^\x00]*[^\s\x00][^\x00]*$"

# Bounds that match the columns: String(200), Text.
ShortStr = Annotated[str, Field(min_length=1, max_length=200, pattern=NOT_BLANK)]
LongStr = Annotated[str, Field(min_length=1, max_length=10_000, pattern=NOT_BLANK)]


class OrderCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: ShortStr
    total: FiniteFloat
    paid: bool = False
    note: LongStr | None = None
    due: dt.date | None = None


class OrderUpdate(BaseModel):
    """Every field may be omitted: only the fields sent are changed."""

    model_config = ConfigDict(extra="forbid")

    code: ShortStr | None = None
    total: FiniteFloat | None = None
    paid: bool | None = None
    note: LongStr | None = None
    due: dt.date | None = None

    @field_validator("code", "total", "paid")
    @classmethod
    def reject_null(cls, value: object) -> object:
        """These columns are NOT NULL: omit the field to keep its value, null is refused."""
        if value is None:
            raise ValueError("may be omitted but not null")
        return value


class OrderQuery(BaseModel):
    """The list's query parameters: equality filters, and `sort` (a field, or `-field` for
    descending; ties go in creation order). Ids are random, so the default is creation order."""

    code: str | None = None
    paid: bool | None = None
    sort: Literal[
        "id",
        "-id",
        "created_at",
        "-created_at",
        "updated_at",
        "-updated_at",
        "code",
        "-code",
        "total",
        "-total",
        "paid",
        "-paid",
        "due",
        "-due",
    ] = "created_at"


class OrderRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    code: str
    total: float
    paid: bool
    note: str | None
    due: dt.date | None
    created_at: UtcDatetime
    updated_at: UtcDatetime
