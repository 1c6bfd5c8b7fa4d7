"""Domain errors, which services raise (no HTTP there), and the handlers that answer them.

Unhandled exceptions are answered by UnhandledErrorMiddleware (app/core/middleware.py).
"""

import structlog
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

logger = structlog.get_logger(__name__)

SERVICE_UNAVAILABLE = "Service temporarily unavailable"
# Seconds a client should wait before retrying when the database is down.
RETRY_AFTER = "5"


class DomainError(Exception):
    status_code = 400
    default_detail = "Bad request"
    headers: dict[str, str] | None = None

    def __init__(self, detail: str | None = None) -> None:
        self.detail = detail or self.default_detail
        super().__init__(self.detail)


class NotFoundError(DomainError):
    status_code = 404
    default_detail = "Not found"


class ConflictError(DomainError):
    status_code = 409
    default_detail = "Already exists"


class ForbiddenError(DomainError):
    status_code = 403
    default_detail = "Not enough permissions"


class AuthenticationError(DomainError):
    """Bad credentials: the same answer whatever was wrong."""

    status_code = 401
    default_detail = "Incorrect email or password"
    headers = {"WWW-Authenticate": "Bearer"}


async def domain_error_handler(request: Request, exc: DomainError) -> JSONResponse:
    return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)


async def database_error_handler(request: Request, exc: Exception) -> JSONResponse:
    """503 when the database cannot be reached; any other database error is a bug (500)."""
    unreachable = isinstance(exc, OSError | OperationalError | InterfaceError) or (
        isinstance(exc, DBAPIError) and exc.connection_invalidated
    )
    if not unreachable:
        raise exc
    logger.error("database unavailable", error=f"{type(exc).__name__}: {exc}")
    return JSONResponse(
        {"detail": SERVICE_UNAVAILABLE}, status_code=503, headers={"Retry-After": RETRY_AFTER}
    )


def register_exception_handlers(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, domain_error_handler)
    app.add_exception_handler(DBAPIError, database_error_handler)
    # asyncpg reports a refused or timed-out connection as a plain OSError.
    app.add_exception_handler(OSError, database_error_handler)
