"""All the /api/v1 routes. Each is rate limited per client address (RATE_LIMIT_DEFAULT)."""

from fastapi import APIRouter, Depends

from app.api.v1.endpoints import auth, tasks, users
from app.core.ratelimit import RateLimit

api_router = APIRouter(prefix="/api/v1", dependencies=[Depends(RateLimit("rate_limit_default"))])
api_router.include_router(auth.router)
api_router.include_router(users.router)
api_router.include_router(tasks.router)
