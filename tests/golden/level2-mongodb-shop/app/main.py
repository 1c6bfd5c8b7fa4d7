"""The FastAPI application: `create_app()` builds it, `app` is what `fastapi dev` serves."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from pymongo.errors import ConnectionFailure

from app.config import Settings, get_settings
from app.database import create_client, database_unavailable_handler
from app.errors import BodyLimitMiddleware, validation_error_handler
from app.models import create_indexes
from app.routers import health, products


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    # MongoDB has no schema to migrate: this creates the missing indexes (the unique ones refuse
    # duplicates). PyMongo is blocking, so it runs in the thread pool.
    await run_in_threadpool(create_indexes, app.state.database)
    yield
    app.state.client.close()


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app; tests pass their own Settings (another database)."""
    settings = settings or get_settings()
    app = FastAPI(title="Mongo Shop", lifespan=lifespan)
    # Bodies over MAX_BODY_SIZE get 413; 422 bodies are bounded (app/errors.py).
    app.add_middleware(BodyLimitMiddleware, max_body_size=settings.max_body_size)
    app.add_exception_handler(RequestValidationError, validation_error_handler)
    # No MongoDB server answered in time (ServerSelectionTimeoutError is one): 503, not 500.
    app.add_exception_handler(ConnectionFailure, database_unavailable_handler)
    # The client connects on first use. The database is MONGODB_URL's path, or
    # "mongo_shop" when the URL names none.
    app.state.client = create_client(settings.mongodb_url)
    app.state.database = app.state.client.get_default_database("mongo_shop")
    app.include_router(health.router)
    app.include_router(products.router)
    return app


app = create_app()
