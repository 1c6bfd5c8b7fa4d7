"""The FastAPI application: `create_app()` builds it, `app` is what `fastapi dev` serves."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from sqlalchemy.orm import sessionmaker

from app.config import Settings, get_settings
from app.database import Base, create_db_engine
from app.errors import BodyLimitMiddleware, validation_error_handler
from app.routers import health, tasks


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    # Dev only: creates the missing tables at startup.
    # Level 4 replaces this with Alembic migrations.
    Base.metadata.create_all(app.state.engine)
    yield
    app.state.engine.dispose()


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app; tests pass their own Settings (another database)."""
    settings = settings or get_settings()
    app = FastAPI(title="My Tasks", lifespan=lifespan)
    # Bodies over MAX_BODY_SIZE get 413; 422 bodies are bounded (app/errors.py).
    app.add_middleware(BodyLimitMiddleware, max_body_size=settings.max_body_size)
    app.add_exception_handler(RequestValidationError, validation_error_handler)
    app.state.engine = create_db_engine(settings.database_url)
    app.state.session_factory = sessionmaker(app.state.engine, expire_on_commit=False)
    app.include_router(health.router)
    app.include_router(tasks.router)
    return app


app = create_app()
