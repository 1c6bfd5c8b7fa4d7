"""Request ids, access logs, JSON logs and Prometheus metrics."""

import json
import logging

import pytest
import structlog
from fastapi.testclient import TestClient

from app.core.logging import configure_logging
from tests.utils import API

URL = f"{API}/tasks/"


def test_request_id_generated(anon_client: TestClient) -> None:
    request_id = anon_client.get("/health/live").headers["X-Request-ID"]
    assert len(request_id) == 32
    assert anon_client.get("/health/live").headers["X-Request-ID"] != request_id


def test_request_id_kept(anon_client: TestClient) -> None:
    response = anon_client.get("/health/live", headers={"X-Request-ID": "abc-123"})
    assert response.headers["X-Request-ID"] == "abc-123"


def test_request_id_replaced_when_invalid(anon_client: TestClient) -> None:
    response = anon_client.get("/health/live", headers={"X-Request-ID": "no spaces, please"})
    assert response.headers["X-Request-ID"] != "no spaces, please"


def test_access_log(anon_client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="app.access"):
        response = anon_client.get(f"{URL}?limit=5", headers={"X-Request-ID": "abc-123"})
    [line] = [record.msg for record in caplog.records if record.name == "app.access"]
    assert isinstance(line, dict)
    assert line["event"] == "request"
    assert line["method"] == "GET"
    assert line["path"] == URL  # without the query string
    assert line["status"] == response.status_code
    assert line["request_id"] == "abc-123"
    assert line["duration_ms"] >= 0


def test_websocket_handshake_lines_drop_the_query_string(
    anon_client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    """uvicorn's handshake lines would carry `?token=`: the app's logging cuts the query string."""
    with caplog.at_level(logging.INFO, logger="uvicorn.error"):
        uvicorn_error = logging.getLogger("uvicorn.error")
        uvicorn_error.info('%s - "WebSocket %s" 403', "127.0.0.1:5000", "/ws/a?token=secret")
        uvicorn_error.info("Started server process [%d]", 7)
    messages = [record.getMessage() for record in caplog.records]
    assert messages == ['127.0.0.1:5000 - "WebSocket /ws/a" 403', "Started server process [7]"]


def test_json_logs(capsys: pytest.CaptureFixture[str]) -> None:
    root = logging.getLogger()
    saved = root.handlers
    configure_logging(json_logs=True)
    structlog.contextvars.bind_contextvars(request_id="abc-123")
    try:
        structlog.get_logger("test").info("hello", answer=42)
        logging.getLogger("stdlib").warning("from the standard library")
    finally:
        structlog.contextvars.clear_contextvars()
        root.handlers = saved
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    assert lines[0]["event"] == "hello"
    assert lines[0]["answer"] == 42
    assert lines[0]["request_id"] == "abc-123"
    assert lines[0]["level"] == "info"
    assert lines[1]["event"] == "from the standard library"


def test_metrics(anon_client: TestClient) -> None:
    assert anon_client.get(URL).status_code == 401
    response = anon_client.get("/metrics")
    assert response.status_code == 200
    assert "http_requests_total" in response.text
    assert 'handler="/api/v1/tasks/"' in response.text
