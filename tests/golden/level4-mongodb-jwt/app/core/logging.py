"""Logging with structlog: JSON lines in production, readable lines in development.

The standard library's loggers (uvicorn, SQLAlchemy, ...) go through the same formatter, and
every line logged while a request is served carries its `request_id`.
"""

import logging

import structlog
from structlog.typing import Processor


class DropQueryStrings(logging.Filter):
    """uvicorn logs each WebSocket handshake with its path and query string, where a client may
    have put its token (`?token=`): those lines keep the path only."""

    def filter(self, record: logging.LogRecord) -> bool:
        if "WebSocket %s" in str(record.msg) and isinstance(record.args, tuple):
            record.args = tuple(
                arg.partition("?")[0] if isinstance(arg, str) and arg.startswith("/") else arg
                for arg in record.args
            )
        return True


def configure_logging(*, json_logs: bool, level: str = "INFO") -> None:
    shared: list[Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
    )
    render: list[Processor]
    if json_logs:  # tracebacks become a string field of the JSON line
        render = [structlog.processors.format_exc_info, structlog.processors.JSONRenderer()]
    else:
        render = [structlog.dev.ConsoleRenderer()]
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, *render],
    )
    handler = logging.StreamHandler()
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level)
    # One access line per request comes from RequestContextMiddleware.
    logging.getLogger("uvicorn.access").disabled = True
    uvicorn_error = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, DropQueryStrings) for f in uvicorn_error.filters):
        uvicorn_error.addFilter(DropQueryStrings())
