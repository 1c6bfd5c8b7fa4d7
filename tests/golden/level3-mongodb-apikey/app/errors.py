"""Answers to bad requests: a bounded 422 body, and a 413 for bodies over the limit.

FastAPI's own 422 body echoes each invalid value whole: a value JSON cannot write (`1e309` reads
as infinity) made it fail with a 500, and a large value came back as large. Here each error keeps
its type, place and message, and at most a short form of a plain value.
"""

import math
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# A 422 body holds at most this many errors, and this many characters of a value or a message.
MAX_ERRORS = 10
MAX_TEXT = 100
CONTENT_TOO_LARGE = "Content Too Large"


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


class ContentTooLarge(HTTPException):
    def __init__(self) -> None:
        super().__init__(status_code=413, detail=CONTENT_TOO_LARGE)


class BodyLimitMiddleware:
    """413 `{"detail": "Content Too Large"}` for a body over `max_body_size` bytes.

    When Content-Length says so, the answer comes at once and the body is never read; a body
    sent without it (chunked) is cut off as soon as it goes over. (FastAPI's own `max_body_size`
    answers in plain text, outside the app's middleware and exception handlers.)
    """

    def __init__(self, app: ASGIApp, max_body_size: int) -> None:
        self.app = app
        self.max_body_size = max_body_size

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_body_size:
            response = JSONResponse({"detail": CONTENT_TOO_LARGE}, status_code=413)
            await response(scope, receive, send)
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_size:
                    raise ContentTooLarge()  # FastAPI answers it as any HTTPException
            return message

        await self.app(scope, limited_receive, send)
