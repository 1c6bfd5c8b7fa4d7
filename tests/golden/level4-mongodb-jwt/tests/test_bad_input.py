"""Hostile input: whatever a client sends, the answer is a 4xx with a small JSON body
(with the request id and the security headers), and
nothing is logged as an error.
"""

import asyncio
import json
import logging
from collections.abc import Iterator
from typing import Any

import httpx2
import pytest
from fastapi.testclient import TestClient

from tests.api.test_tasks import URL, make_payload
from tests.utils import API

# MAX_BODY_SIZE's default, and the most an error body may weigh.
LIMIT = 1_048_576
SMALL = 2_000
FIRST = "title"


def with_first(raw_value: str) -> bytes:
    """A valid create body whose first field is `raw_value`, written as is (not as JSON)."""
    payload = make_payload()
    payload[FIRST] = "@@"
    return json.dumps(payload).replace('"@@"', raw_value).encode()


def post_raw(client: TestClient, body: bytes | Iterator[bytes], url: str = URL) -> httpx2.Response:
    return client.post(url, content=body, headers={"Content-Type": "application/json"})


def assert_small_json(response: httpx2.Response, status: int) -> None:
    assert response.status_code == status, response.text[:300]
    assert response.headers["content-type"] == "application/json"
    assert len(response.content) < SMALL
    assert response.json()["detail"]
    assert response.headers["X-Request-ID"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


class Records(logging.Handler):
    """Keeps the log records of a test."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def records() -> Iterator[list[logging.LogRecord]]:
    handler = Records()
    logging.getLogger().addHandler(handler)
    yield handler.records
    logging.getLogger().removeHandler(handler)
    errors = [r for r in handler.records if r.levelno >= logging.ERROR or r.exc_info]
    assert not errors, [r.getMessage() for r in errors]


@pytest.mark.parametrize("number", ["1e309", "-1e309", "NaN", "Infinity"])
def test_non_finite_number_422(
    client: TestClient, records: list[logging.LogRecord], number: str
) -> None:
    """1e309 is valid JSON that reads as infinity: refused, and the 422 body stays valid JSON."""
    assert_small_json(post_raw(client, with_first(number)), 422)
    body = b'{"email": %s, "password": "correct horse battery staple"}' % number.encode()
    assert_small_json(post_raw(client, body, f"{API}/auth/register"), 422)
    assert client.get(URL).json() == []


@pytest.mark.parametrize(("depth", "status"), [(50, 422), (100_000, 400)])
def test_deep_nesting_4xx(
    client: TestClient, records: list[logging.LogRecord], depth: int, status: int
) -> None:
    """Too deep for the JSON parser: 400; parsed but of the wrong type: 422, not echoed."""
    assert_small_json(post_raw(client, with_first("[" * depth + "]" * depth)), status)


@pytest.mark.parametrize(
    ("body", "status"),
    [
        pytest.param(b'{"%s": "\xff\xfe"}' % FIRST.encode(), 400, id="not_utf8"),
        pytest.param(b'{"%s": ' % FIRST.encode(), 422, id="truncated"),
        pytest.param(b"\x00\x01\x02", 422, id="binary"),
        pytest.param(b"1" * 5000, 400, id="huge_integer"),
    ],
)
def test_malformed_body_4xx(
    client: TestClient, records: list[logging.LogRecord], body: bytes, status: int
) -> None:
    assert_small_json(post_raw(client, body), status)


def test_422_echo_is_bounded(client: TestClient, records: list[logging.LogRecord]) -> None:
    """A long invalid value is cut short, and at most 10 errors are listed."""
    response = post_raw(client, with_first(json.dumps("x" * 500_000)))
    assert_small_json(response, 422)
    payload: dict[str, Any] = {f"unknown_{n}": n for n in range(1000)}
    response = client.post(URL, json=payload)
    assert_small_json(response, 422)
    assert len(response.json()["detail"]) == 10


@pytest.mark.parametrize("query", ["limit=1e309", "offset=" + "9" * 5000, "limit=%ff"])
def test_bad_query_422(client: TestClient, records: list[logging.LogRecord], query: str) -> None:
    assert_small_json(client.get(f"{URL}?{query}"), 422)


def test_content_length_over_limit_413(
    client: TestClient, records: list[logging.LogRecord]
) -> None:
    response = post_raw(client, b"x" * (LIMIT + 1))
    assert_small_json(response, 413)
    assert response.json() == {"detail": "Content Too Large"}


def call(client: TestClient, headers: list[tuple[bytes, bytes]], receive: Any) -> list[Any]:
    """Sends a POST to the app as a server would; returns the messages the app sent back."""
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": URL,
        "raw_path": URL.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"test"), (b"content-type", b"application/json"), *headers],
        "client": ("127.0.0.1", 50000),
        "server": ("test", 80),
        "state": {},
    }
    asyncio.run(client.app(scope, receive, send))
    assert sent[0]["type"] == "http.response.start"
    assert json.loads(sent[1]["body"]) == {"detail": "Content Too Large"}
    return sent


def test_413_before_reading_the_body(client: TestClient) -> None:
    """When Content-Length is over the limit, the answer comes without reading the body."""

    async def receive() -> dict[str, Any]:
        raise AssertionError("the body was read")

    sent = call(client, [(b"content-length", b"1000000000")], receive)
    assert sent[0]["status"] == 413


def test_chunked_body_over_limit_413(client: TestClient) -> None:
    """Without Content-Length, reading stops as soon as the body goes over the limit."""
    chunk = 64 * 1024
    read = 0

    async def receive() -> dict[str, Any]:
        nonlocal read
        read += 1
        return {"type": "http.request", "body": b"x" * chunk, "more_body": read < 1000}

    sent = call(client, [], receive)
    assert sent[0]["status"] == 413
    assert read == LIMIT // chunk + 1  # the rest was never read
