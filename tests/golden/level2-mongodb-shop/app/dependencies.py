"""Dependencies shared by the routers."""

from typing import Annotated

from fastapi import Depends, Query
from pydantic import BaseModel, Field

from app.database import Database, get_db

# The request's MongoDB database. Named SessionDep as with the SQL databases, so that the routers
# read alike.
SessionDep = Annotated[Database, Depends(get_db)]

# Offsets, and the ids of users, stay within 32 bits, as with the SQL databases.
# (Resource ids are random UUIDs: a path parameter typed `uuid.UUID`.)
MAX_ID = 2**31 - 1


class Pagination(BaseModel):
    """The `offset` and `limit` query parameters of list endpoints."""

    offset: int = Field(default=0, ge=0, le=MAX_ID)
    limit: int = Field(default=20, ge=1, le=100)


PaginationDep = Annotated[Pagination, Query()]
