"""Request and response bodies for products."""

import datetime as dt
import uuid
from decimal import Decimal
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

# Bounds as in the SQL variants' columns: String(200), Text, Integer (32-bit).
ShortStr = Annotated[str, Field(min_length=1, max_length=200, pattern=NOT_BLANK)]
LongStr = Annotated[str, Field(min_length=1, max_length=10_000, pattern=NOT_BLANK)]
Int32 = Annotated[int, Field(ge=-(2**31), le=2**31 - 1)]


def two_places(value: Decimal) -> Decimal:
    """12.5 and 12.50 are one amount: answer with two places, as they are stored."""
    return value.quantize(Decimal("0.01"))


# Numeric(12, 2): 10 digits before the point, 2 after; no NaN or infinity. Answered as a JSON
# string ("12.50"), which keeps every digit (a JSON number is a binary float to most clients).
Decimal12 = Annotated[
    Decimal,
    Field(max_digits=12, decimal_places=2, allow_inf_nan=False),
    AfterValidator(two_places),
]


class ProductCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: ShortStr
    description: LongStr | None = None
    price: Annotated[Decimal12, Field(ge=Decimal("0"))]
    stock: Annotated[Int32, Field(ge=0)]


class ProductUpdate(BaseModel):
    """Every field may be omitted: only the fields sent are changed."""

    model_config = ConfigDict(extra="forbid")

    name: ShortStr | None = None
    description: LongStr | None = None
    price: Annotated[Decimal12, Field(ge=Decimal("0"))] | None = None
    stock: Annotated[Int32, Field(ge=0)] | None = None

    @field_validator("name", "price", "stock")
    @classmethod
    def reject_null(cls, value: object) -> object:
        """These fields are required: omit the field to keep its value, null is refused."""
        if value is None:
            raise ValueError("may be omitted but not null")
        return value


class ProductQuery(BaseModel):
    """The list's query parameters: equality filters, and `sort` (a field, or `-field` for
    descending; ties go in creation order). Ids are random, so the default is creation order."""

    name: str | None = None
    sort: Literal[
        "id",
        "-id",
        "created_at",
        "-created_at",
        "updated_at",
        "-updated_at",
        "name",
        "-name",
        "price",
        "-price",
        "stock",
        "-stock",
    ] = "created_at"


class ProductRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    description: str | None
    price: Decimal
    stock: int
    created_at: UtcDatetime
    updated_at: UtcDatetime
