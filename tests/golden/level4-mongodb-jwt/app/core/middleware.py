"""Pure ASGI middleware (no BaseHTTPMiddleware): request context, security headers, body limit,
JSON 500s.

create_app() adds them so that a request goes through RequestContextMiddleware first, then
SecurityHeadersMiddleware, CORS, BodyLimitMiddleware and UnhandledErrorMiddleware: even a 413 or
a 500 gets the headers and the request id.
"""

import re
import time
import uuid

import structlog
from fastapi.responses import JSONResponse
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

access_logger = structlog.get_logger("app.access")
error_logger = structlog.get_logger("app.errors")

REQUEST_ID_HEADER = "X-Request-ID"
# A request id sent by the client (or a proxy) is kept when it looks like one.
VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,128}")

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "camera=(), geolocation=(), microphone=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}
CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'"
STRICT_TRANSPORT_SECURITY = "max-age=63072000; includeSubDomains"
# Swagger UI and ReDoc load their scripts from a CDN: their pages get no CSP.
DOCS_PATHS = ("/docs", "/redoc")


class RequestContextMiddleware:
    """Gives every request an id (X-Request-ID, in every log line) and logs one line for it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = Headers(scope=scope).get(REQUEST_ID_HEADER, "")
        if not VALID_REQUEST_ID.fullmatch(request_id):
            request_id = uuid.uuid4().hex
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id)
        status = 500
        start = time.perf_counter()

        async def send_with_request_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_request_id)
        finally:
            # The path without its query string, which may hold tokens.
            access_logger.info(
                "request",
                method=scope["method"],
                path=scope["path"],
                status=status,
                duration_ms=round((time.perf_counter() - start) * 1000, 1),
            )


class SecurityHeadersMiddleware:
    """Adds the security headers to every response, errors included."""

    def __init__(self, app: ASGIApp, *, hsts: bool = False) -> None:
        self.app = app
        self.hsts = hsts  # only behind HTTPS, i.e. in production

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
                if not scope["path"].startswith(DOCS_PATHS):
                    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                if self.hsts:
                    headers.setdefault("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY)
            await send(message)

        await self.app(scope, receive, send_with_headers)


CONTENT_TOO_LARGE = "Content Too Large"


class ContentTooLarge(HTTPException):
    def __init__(self) -> None:
        super().__init__(status_code=413, detail=CONTENT_TOO_LARGE)


class BodyLimitMiddleware:
    """413 `{"detail": "Content Too Large"}` for a body over `max_body_size` bytes.

    When Content-Length says so, the answer comes at once and the body is never read; a body
    sent without it (chunked) is cut off as soon as it goes over. The access log line (level
    info) is the only trace. (FastAPI's own `max_body_size` answers in plain text, outside this
    app's middleware: without the request id and the security headers.)
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


class UnhandledErrorMiddleware:
    """Answers an unhandled exception with a JSON 500 that tells nothing of it; logs the traceback.

    It sits inside the other middleware, so the 500 still gets the security headers and the
    request id. (An exception handler for Exception would run outside all of them.)
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        response_started = False

        async def send_tracking(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, receive, send_tracking)
        except Exception:
            error_logger.exception("unhandled error", method=scope["method"], path=scope["path"])
            if response_started:  # too late for another response
                raise
            response = JSONResponse({"detail": "Internal server error"}, status_code=500)
            await response(scope, receive, send)
