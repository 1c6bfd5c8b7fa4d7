"""WebSocket rooms, fanned out through Redis pub/sub so that every API process reaches its sockets.

A message for a room is published on the Redis channel `room:<id>`. Each process runs one
subscriber task (started and stopped by the app's lifespan) that listens on `room:*` and hands
each message to the sockets of that room connected to this process. With several processes
(workers or replicas) behind a load balancer, a message sent to any of them reaches all.

When Redis cannot be reached, messages go to this process's sockets only (in-process fan-out):
the subscriber keeps retrying in the background, and `/health/ready` reports Redis unavailable.
"""

import asyncio
import contextlib
from collections import defaultdict

import structlog
from fastapi import WebSocket
from redis.asyncio import Redis
from redis.asyncio.client import PubSub
from redis.exceptions import RedisError

logger = structlog.get_logger(__name__)

CHANNEL_PREFIX = "room:"
# How long the subscriber waits for a message before it checks on its connection again, and
# how long it waits (at most, doubling from RETRY_MIN) before it tries a lost Redis again.
POLL_SECONDS = 1.0
RETRY_MIN_SECONDS = 0.5
RETRY_MAX_SECONDS = 10.0


def create_redis(url: str) -> Redis:
    """A client for REDIS_URL. It fails fast on a dead server; the subscriber retries."""
    return Redis.from_url(
        url,
        decode_responses=True,
        socket_connect_timeout=2,
        socket_timeout=5,
        health_check_interval=30,
    )


def channel(room: str) -> str:
    return CHANNEL_PREFIX + room


class ConnectionManager:
    """The sockets of each room in this process, and the fan-out of messages to them."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis
        self.rooms: defaultdict[str, set[WebSocket]] = defaultdict(set)
        # True while the subscriber listens: only then do messages go through Redis (else a
        # message published while nobody here listens would never reach this process's sockets).
        self.subscribed = False
        self._task: asyncio.Task[None] | None = None
        self._ready = asyncio.Event()

    @property
    def fanout(self) -> str:
        """`redis` (across processes), or `local` (this process only) while Redis is away."""
        return "redis" if self.subscribed else "local"

    def join(self, room: str, websocket: WebSocket) -> None:
        self.rooms[room].add(websocket)

    def leave(self, room: str, websocket: WebSocket) -> None:
        sockets = self.rooms.get(room)
        if sockets is None:
            return
        sockets.discard(websocket)
        if not sockets:  # no empty rooms left behind
            del self.rooms[room]

    def count(self, room: str) -> int:
        return len(self.rooms.get(room, ()))

    async def publish(self, room: str, message: str) -> None:
        """Sends `message` (JSON text) to every socket in `room`, in every process."""
        if self.subscribed:
            try:
                await self.redis.publish(channel(room), message)
                return
            except (RedisError, OSError) as error:
                self._failed("publish", error)
        await self.deliver(room, message)

    async def deliver(self, room: str, message: str) -> None:
        """Sends `message` to the sockets of `room` in this process; a dead socket leaves."""
        sockets = list(self.rooms.get(room, ()))
        results = await asyncio.gather(
            *(websocket.send_text(message) for websocket in sockets), return_exceptions=True
        )
        for websocket, result in zip(sockets, results, strict=True):
            if isinstance(result, Exception):
                self.leave(room, websocket)

    async def start(self) -> None:
        """Starts the subscriber; waits (briefly) for its first attempt to reach Redis."""
        self._task = asyncio.create_task(self._subscribe_forever(), name="realtime-subscriber")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._ready.wait(), timeout=5)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        self.subscribed = False
        await self.redis.aclose()

    async def ping(self) -> bool:
        """Whether the fan-out runs through Redis (readiness reports it)."""
        return self.subscribed

    async def _subscribe_forever(self) -> None:
        delay = RETRY_MIN_SECONDS
        while True:
            try:
                async with self.redis.pubsub(ignore_subscribe_messages=True) as pubsub:
                    await pubsub.psubscribe(CHANNEL_PREFIX + "*")
                    self.subscribed = True
                    self._ready.set()
                    delay = RETRY_MIN_SECONDS
                    logger.info("realtime fan-out through redis")
                    await self._listen(pubsub)
            except (RedisError, OSError) as error:
                if self.subscribed or not self._ready.is_set():
                    self._failed("subscribe", error)
                self.subscribed = False
                self._ready.set()
                await asyncio.sleep(delay)
                delay = min(delay * 2, RETRY_MAX_SECONDS)

    async def _listen(self, pubsub: PubSub) -> None:
        while True:
            message = await pubsub.get_message(timeout=POLL_SECONDS)
            if message is None or message["type"] != "pmessage":
                continue
            room = message["channel"].removeprefix(CHANNEL_PREFIX)
            await self.deliver(room, message["data"])

    @staticmethod
    def _failed(operation: str, error: Exception) -> None:
        logger.warning(
            "realtime redis unavailable, fan-out is in-process only",
            operation=operation,
            error=f"{type(error).__name__}: {error}",
        )
