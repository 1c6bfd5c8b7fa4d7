"""Liveness and readiness probes, outside /api/v1 and not rate limited."""

import structlog
from fastapi import APIRouter, Response
from pydantic import BaseModel
from pymongo.errors import PyMongoError

from app.api.deps import SessionDep

logger = structlog.get_logger(__name__)

router = APIRouter(prefix="/health", tags=["health"])


class Liveness(BaseModel):
    status: str


class Readiness(BaseModel):
    status: str
    checks: dict[str, str]


@router.get("/live")
async def live() -> Liveness:
    """The process answers. No I/O: a failing database must not get the process restarted."""
    return Liveness(status="ok")


@router.get("/ready", responses={503: {"model": Readiness, "description": "A dependency is down"}})
async def ready(session: SessionDep, response: Response) -> Readiness:
    """The app can serve requests: the database answers."""
    try:
        await session.command("ping")
    except PyMongoError as error:
        logger.warning("readiness check failed", error=f"{type(error).__name__}: {error}")
        response.status_code = 503
        return Readiness(status="unavailable", checks={"database": "unavailable"})
    return Readiness(status="ok", checks={"database": "ok"})
