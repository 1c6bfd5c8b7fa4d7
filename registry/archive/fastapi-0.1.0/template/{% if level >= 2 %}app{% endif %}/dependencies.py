"""Dependencies shared by the routers."""

from typing import Annotated

from fastapi import Depends, Path, Query
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from app.database import get_db

SessionDep = Annotated[Session, Depends(get_db)]

# Ids are Integer columns: 32-bit on PostgreSQL.
MAX_ID = 2**31 - 1

# An id in a URL path: a positive integer; anything else is refused with 422.
IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]


class Pagination(BaseModel):
    """The `offset` and `limit` query parameters of list endpoints."""

    offset: int = Field(default=0, ge=0, le=MAX_ID)
    limit: int = Field(default=20, ge=1, le=100)


PaginationDep = Annotated[Pagination, Query()]
