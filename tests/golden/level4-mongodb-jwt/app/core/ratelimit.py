"""Rate limits with the `limits` library: a dependency, per client address.

Each RateLimit names the setting that holds its limit ("100/minute"). The counts live in
RATE_LIMIT_STORAGE_URI: memory by default (per process), Redis to share them between workers.
"""

import math
import time

import structlog
from fastapi import HTTPException, Request
from limits import parse
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string

from app.core.errors import RETRY_AFTER, SERVICE_UNAVAILABLE

logger = structlog.get_logger(__name__)

TOO_MANY_REQUESTS = "Too many requests"


def create_limiter(storage_uri: str) -> MovingWindowRateLimiter:
    # Redis through redis-py, the client the project installs (limits defaults to coredis).
    options = {"implementation": "redispy"} if storage_uri.startswith("async+redis") else {}
    return MovingWindowRateLimiter(storage_from_string(storage_uri, **options))


class RateLimit:
    """429 with Retry-After once a client address goes over the limit in `setting`.

    If the storage is down, requests pass (and it is logged), unless `fail_open` is False.
    """

    def __init__(self, setting: str, *, fail_open: bool = True) -> None:
        self.setting = setting
        self.fail_open = fail_open

    async def __call__(self, request: Request) -> None:
        limit = parse(getattr(request.app.state.settings, self.setting))
        limiter: MovingWindowRateLimiter = request.app.state.limiter
        # Behind a proxy, run uvicorn with --forwarded-allow-ips=<proxy address> (never "*").
        client = request.client.host if request.client else "unknown"
        try:
            allowed = await limiter.hit(limit, self.setting, client)
        except Exception:
            logger.exception("rate limit storage unavailable", limit=self.setting)
            if self.fail_open:
                return
            raise HTTPException(
                status_code=503, detail=SERVICE_UNAVAILABLE, headers={"Retry-After": RETRY_AFTER}
            ) from None
        if not allowed:
            stats = await limiter.get_window_stats(limit, self.setting, client)
            retry_after = max(1, math.ceil(stats.reset_time - time.time()))
            raise HTTPException(
                status_code=429, detail=TOO_MANY_REQUESTS, headers={"Retry-After": str(retry_after)}
            )
