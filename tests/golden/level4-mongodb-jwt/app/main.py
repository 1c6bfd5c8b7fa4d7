"""The FastAPI application: `create_app()` builds it, `app` is what `fastapi run` serves."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import structlog
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from prometheus_client import CollectorRegistry
from prometheus_fastapi_instrumentator import Instrumentator
from pymongo.errors import ConnectionFailure
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from app.api.v1.endpoints import health
from app.api.v1.router import api_router
from app.core.config import Settings, get_settings
from app.core.errors import register_exception_handlers
from app.core.logging import configure_logging
from app.core.middleware import (
    BodyLimitMiddleware,
    RequestContextMiddleware,
    SecurityHeadersMiddleware,
    UnhandledErrorMiddleware,
)
from app.core.ratelimit import create_limiter
from app.db.session import create_client, get_database
from app.models import create_indexes

logger = structlog.get_logger(__name__)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    app.state.limiter = create_limiter(app.state.settings.rate_limit_storage_uri)
    # The client connects on first use, and reconnects by itself: the app starts while MongoDB
    # is down (requests then get 503, and /health/ready says so).
    app.state.client = create_client(app.state.settings.mongodb_url)
    app.state.database = get_database(app.state.client)
    try:
        # MongoDB has no schema to migrate: this creates the missing indexes (the unique ones
        # refuse duplicates). scripts/prestart.sh creates them too, before the app starts.
        await create_indexes(app.state.database)
    except ConnectionFailure as error:
        logger.warning("indexes not created: database unavailable", error=str(error))
    yield
    await app.state.client.close()


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app; tests pass their own Settings (another database, other limits)."""
    settings = settings or get_settings()
    configure_logging(json_logs=bool(settings.log_json), level=settings.log_level)
    app = FastAPI(
        title="Mongo Prod",
        lifespan=lifespan,
        # Without the schema, /docs and /redoc are gone too.
        openapi_url="/openapi.json" if settings.docs_enabled else None,
    )
    app.state.settings = settings
    # Each middleware added wraps the ones before: a request meets them in reverse order.
    app.add_middleware(UnhandledErrorMiddleware)
    # Bodies over MAX_BODY_SIZE get 413, answered inside the middleware below (request id,
    # security headers, CORS).
    app.add_middleware(BodyLimitMiddleware, max_body_size=settings.max_body_size)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_credentials=True,
        allow_methods=["GET", "POST", "PATCH", "DELETE"],
        allow_headers=["Authorization", "Content-Type", "X-Request-ID"],
        expose_headers=["Retry-After", "X-Request-ID", "X-Total-Count"],
    )
    app.add_middleware(SecurityHeadersMiddleware, hsts=settings.environment == "production")
    app.add_middleware(RequestContextMiddleware)
    if settings.forwarded_allow_ips:
        # The client address from X-Forwarded-For, only from these proxies: for rate limits and
        # logs. (uvicorn does the same when FORWARDED_ALLOW_IPS is set; twice is harmless.)
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.forwarded_allow_ips)
    register_exception_handlers(app)
    app.include_router(health.router)
    app.include_router(api_router)
    if settings.metrics_enabled:
        # A registry per app: tests build many apps in one process.
        instrumentator = Instrumentator(
            excluded_handlers=["/metrics", "/health/.*"], registry=CollectorRegistry()
        )
        instrumentator.instrument(app).expose(app, include_in_schema=False)
    return app


app = create_app()
