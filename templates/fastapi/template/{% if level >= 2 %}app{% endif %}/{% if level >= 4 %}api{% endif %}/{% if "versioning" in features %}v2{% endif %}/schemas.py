"""Schemas of version 2 that differ from version 1's (which keeps its own in app/schemas/)."""

from typing import Generic, TypeVar

from pydantic import BaseModel

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """A page of a list: v2 answers lists with this envelope, v1 with a bare list and the
    X-Total-Count header."""

    items: list[T]
    total: int
    offset: int
    limit: int
