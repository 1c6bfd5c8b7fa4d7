"""Domain errors, which services raise (no HTTP there), and the handlers that answer them.

Unhandled exceptions are answered by UnhandledErrorMiddleware, bodies over the limit by
BodyLimitMiddleware (app/core/middleware.py).

FastAPI's own 422 body echoes each invalid value whole: a value JSON cannot write (`1e309` reads
as infinity) made it fail with a 500, and a large value came back as large. Here each error keeps
its type, place and message, and at most a short form of a plain value.
"""

import math
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pymongo.errors import ConnectionFailure

logger = structlog.get_logger(__name__)

# A 422 body holds at most this many errors, and this many characters of a value or a message.
MAX_ERRORS = 10
MAX_TEXT = 100

SERVICE_UNAVAILABLE = "Service temporarily unavailable"
# Seconds a client should wait before retrying when the database is down.
RETRY_AFTER = "5"


class DomainError(Exception):
    status_code = 400
    default_detail = "Bad request"
    headers: dict[str, str] | None = None
    # A message, or (InvalidReferenceError) a list shaped like FastAPI's validation errors.
    detail: str | list[dict[str, Any]]

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
    """503 when no MongoDB server answers in time (ServerSelectionTimeoutError) or a connection
    fails: ConnectionFailure covers both. Any other database error is a bug (500)."""
    logger.error("database unavailable", error=f"{type(exc).__name__}: {exc}")
    return JSONResponse(
        {"detail": SERVICE_UNAVAILABLE}, status_code=503, headers={"Retry-After": RETRY_AFTER}
    )


def shorten(text: str) -> str:
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT] + "..."


def shown_value(value: Any) -> tuple[bool, Any]:
    """(True, what a 422 body shows of an invalid value), or (False, None): objects, lists and
    huge numbers are not shown."""
    if value is None or isinstance(value, bool):
        return True, value
    if isinstance(value, float):
        return True, value if math.isfinite(value) else str(value)
    if isinstance(value, int):
        return (True, value) if abs(value) < 2**63 else (False, None)
    if isinstance(value, str):
        return True, shorten(value)
    return False, None


def bounded_errors(errors: Any) -> list[dict[str, Any]]:
    out = []
    for error in list(errors)[:MAX_ERRORS]:
        loc = [part if isinstance(part, int) else shorten(str(part)) for part in error["loc"]]
        item: dict[str, Any] = {
            "type": error["type"],
            "loc": loc[:10],
            "msg": shorten(error["msg"]),
        }
        shown, value = shown_value(error.get("input"))
        if shown and "input" in error:
            item["input"] = value
        out.append(item)
    return out


async def validation_error_handler(request: Request, exc: RequestValidationError) -> JSONResponse:
    """422 with FastAPI's list of errors, bounded and always valid JSON."""
    return JSONResponse({"detail": bounded_errors(exc.errors())}, status_code=422)


def register_exception_handlers(app: FastAPI) -> None:
    # As decorators: add_exception_handler's type accepts only handlers of any Exception.
    app.exception_handler(RequestValidationError)(validation_error_handler)
    app.exception_handler(DomainError)(domain_error_handler)
    # No MongoDB server answered in time (ServerSelectionTimeoutError is one): 503, not 500.
    app.add_exception_handler(ConnectionFailure, database_error_handler)
