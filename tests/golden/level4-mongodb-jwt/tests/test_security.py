"""The security checklist: headers, CORS, body size, rate limits, errors and settings."""

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from pymongo.errors import OperationFailure

from app.core.config import Settings
from app.main import create_app
from tests.utils import API, log_in, register, reset_database

PROJECT = Path(__file__).resolve().parents[1]

URL = f"{API}/tasks/"
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "Cross-Origin-Opener-Policy": "same-origin",
}


MakeClient = Callable[..., TestClient]


@pytest.fixture
def make_client(settings: Settings) -> Iterator[MakeClient]:
    """Builds clients of apps with other settings, on the test database."""
    reset_database(settings.mongodb_url)
    with ExitStack() as stack:

        def make(**changes: Any) -> TestClient:
            app = create_app(settings.model_copy(update=changes))
            return stack.enter_context(TestClient(app))

        yield make


@pytest.fixture
def boom_client(settings: Settings) -> Iterator[TestClient]:
    """An app with a route that fails with an unexpected exception."""
    app = create_app(settings)

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("secret detail: password=hunter2")

    @app.get("/bad-query")
    async def bad_query() -> None:  # a bug, not an outage: 500, not 503
        raise OperationFailure("bad query: {'password': 'hunter2'}", code=2)

    with TestClient(app) as test_client:
        yield test_client


def assert_security_headers(headers: Any) -> None:
    for name, value in SECURITY_HEADERS.items():
        assert headers[name] == value, name
    assert "X-Request-ID" in headers


@pytest.mark.parametrize(
    ("path", "status"),
    [("/health/live", 200), ("/no-such-page", 404), (URL, 401)],
)
def test_security_headers(anon_client: TestClient, path: str, status: int) -> None:
    response = anon_client.get(path)
    assert response.status_code == status
    assert_security_headers(response.headers)
    assert "Strict-Transport-Security" not in response.headers  # development


def test_security_headers_on_500(boom_client: TestClient) -> None:
    response = boom_client.get("/boom")
    assert response.status_code == 500
    assert_security_headers(response.headers)


def test_500_no_leak(boom_client: TestClient) -> None:
    response = boom_client.get("/boom")
    assert response.status_code == 500
    assert response.json() == {"detail": "Internal server error"}
    assert "Traceback" not in response.text
    assert "hunter2" not in response.text


def test_database_bug_500(boom_client: TestClient) -> None:
    response = boom_client.get("/bad-query")
    assert response.status_code == 500
    assert response.json() == {"detail": "Internal server error"}


def sign_up(client: TestClient, n: int, forwarded_for: str) -> int:
    """POST /auth/register (rate limited) as if from `forwarded_for`; the status."""
    body = {"email": f"user{n}@example.com", "password": "correct horse battery staple"}
    response = client.post(
        f"{API}/auth/register", json=body, headers={"X-Forwarded-For": forwarded_for}
    )
    return response.status_code


def test_forwarded_for_ignored_by_default(make_client: MakeClient) -> None:
    """Without FORWARDED_ALLOW_IPS a client cannot pick a new rate-limit bucket with the header."""
    client = make_client(rate_limit_auth="1/minute")
    assert sign_up(client, 1, "203.0.113.1") == 201
    assert sign_up(client, 2, "203.0.113.2") == 429


def test_forwarded_for_from_trusted_proxy(make_client: MakeClient) -> None:
    """Behind a proxy listed in FORWARDED_ALLOW_IPS, each client has its own bucket."""
    client = make_client(rate_limit_auth="1/minute", forwarded_allow_ips=["testclient"])
    assert sign_up(client, 1, "203.0.113.1") == 201
    assert sign_up(client, 2, "203.0.113.2") == 201
    assert sign_up(client, 3, "203.0.113.1") == 429


def test_memory_counts_are_per_process(make_client: MakeClient) -> None:
    """Two processes counting in memory count apart (each would allow the full limit): hence
    one worker per container in the image, and a shared RATE_LIMIT_STORAGE_URI for more."""
    first = make_client(rate_limit_auth="1/minute")
    second = make_client(rate_limit_auth="1/minute")
    assert sign_up(first, 1, "-") == 201
    assert sign_up(second, 2, "-") == 201
    assert sign_up(first, 3, "-") == 429
    dockerfile = (PROJECT / "Dockerfile").read_text(encoding="utf-8")
    assert '"--workers", "1"]' in dockerfile


def test_metrics_off_in_production(settings: Settings) -> None:
    production_settings = production(mongodb_url=settings.mongodb_url)
    assert production_settings.metrics_enabled is False
    with TestClient(create_app(production_settings)) as client:
        assert client.get("/metrics").status_code == 404
    enabled = production(mongodb_url=settings.mongodb_url, metrics_enabled=True)
    with TestClient(create_app(enabled)) as client:
        assert client.get("/metrics").status_code == 200


def test_hsts_in_production(make_client: MakeClient) -> None:
    client = make_client(environment="production")
    response = client.get("/health/live")
    assert response.headers["Strict-Transport-Security"] == "max-age=63072000; includeSubDomains"


def test_docs_pages_have_no_csp(anon_client: TestClient) -> None:
    """Swagger UI loads its scripts from a CDN, which `default-src 'none'` would block."""
    response = anon_client.get("/docs")
    assert response.status_code == 200
    assert "Content-Security-Policy" not in response.headers
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("path", ["/docs", "/redoc", "/openapi.json"])
def test_docs_disabled_404(make_client: MakeClient, path: str) -> None:
    client = make_client(docs_enabled=False)
    assert client.get(path).status_code == 404


def test_cors_allowed_origin(anon_client: TestClient) -> None:
    origin = "https://app.example.com"
    headers = {"Origin": origin, "Access-Control-Request-Method": "POST"}
    response = anon_client.options(URL, headers=headers)
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == origin
    response = anon_client.get(URL, headers={"Origin": origin})
    assert response.headers["Access-Control-Allow-Origin"] == origin


def test_cors_rejected_origin(anon_client: TestClient) -> None:
    headers = {"Origin": "https://evil.example.com", "Access-Control-Request-Method": "POST"}
    response = anon_client.options(URL, headers=headers)
    assert "Access-Control-Allow-Origin" not in response.headers
    response = anon_client.get(URL, headers={"Origin": "https://evil.example.com"})
    assert "Access-Control-Allow-Origin" not in response.headers


def test_payload_too_large_413(make_client: MakeClient) -> None:
    """Bodies over MAX_BODY_SIZE are refused before the endpoint runs."""
    client = make_client(max_body_size=1024)
    body = {"email": "ada@example.com", "password": "x" * 2048}
    response = client.post(f"{API}/auth/register", json=body)
    assert response.status_code == 413

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit applies as it streams
        yield b'{"email": "ada@example.com", "password": "'
        yield b"x" * 2048
        yield b'"}'

    response = client.post(
        f"{API}/auth/register", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413


def test_rate_limit_429(make_client: MakeClient) -> None:
    client = make_client(rate_limit_auth="2/minute")
    register(client, "ada@example.com")
    assert log_in(client, "ada@example.com").status_code == 200
    response = log_in(client, "ada@example.com")
    assert response.status_code == 429
    assert response.json() == {"detail": "Too many requests"}
    assert 0 < int(response.headers["Retry-After"]) <= 60


def test_rate_limit_default_429(make_client: MakeClient) -> None:
    client = make_client(rate_limit_default="3/minute")
    for _ in range(3):  # counted before authentication: anonymous requests too
        assert client.get(URL).status_code == 401
    response = client.get(URL)
    assert response.status_code == 429
    assert "Retry-After" in response.headers
    assert client.get("/health/live").status_code == 200  # probes are not limited


class BrokenStorage:
    """A rate limiter whose storage (say, Redis) is down."""

    async def hit(self, *args: object) -> bool:
        raise ConnectionError("storage down")


def test_rate_limit_storage_down(anon_client: TestClient) -> None:
    """Ordinary routes fail open; registration and login fail closed."""
    anon_client.app.state.limiter = BrokenStorage()
    assert anon_client.get(URL).status_code == 401  # on to authentication
    response = anon_client.post(f"{API}/auth/login")
    assert response.status_code == 503
    assert response.json() == {"detail": "Service temporarily unavailable"}


def production(**changes: Any) -> Settings:
    values: dict[str, Any] = {
        "_env_file": None,
        "environment": "production",
        "secret_key": "s3cr3t-" + "x" * 40,
        "first_superuser_password": "a strong password",
        "mongodb_url": "mongodb://app:a-strong-password@mongo:27017/app",
    }
    return Settings(**{**values, **changes})


def test_settings_production_defaults() -> None:
    settings = production()
    assert settings.docs_enabled is False
    assert settings.log_json is True
    assert settings.mongodb_url == "mongodb://app:a-strong-password@mongo:27017/app"


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"secret_key": "changethis-development-only-secret-key"}, id="secret_key"),
        pytest.param({"secret_key": "too-short"}, id="short_secret_key"),
        pytest.param({"first_superuser_password": "changethis"}, id="superuser_password"),
        pytest.param(
            {"mongodb_url": "mongodb://root:changethis@mongo:27017/app"}, id="database_password"
        ),
    ],
)
def test_settings_refuse_changethis(changes: dict[str, Any]) -> None:
    with pytest.raises(ValidationError, match="changed outside development"):
        production(**changes)


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"cors_origins": ["*"]}, id="cors_any_origin"),
        pytest.param({"forwarded_allow_ips": "*"}, id="trust_any_proxy"),
        pytest.param({"rate_limit_default": "lots"}, id="rate_limit"),
    ],
)
def test_settings_refuse_bad_values(changes: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        production(**changes)


def test_settings_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORS_ORIGINS", "https://a.example.com, https://b.example.com")
    monkeypatch.setenv("MONGODB_URL", "mongodb://other:27017/other")
    settings = Settings(_env_file=None)
    assert settings.cors_origins == ["https://a.example.com", "https://b.example.com"]
    assert settings.mongodb_url == "mongodb://other:27017/other"
    monkeypatch.setenv("CORS_ORIGINS", '["https://c.example.com"]')
    assert Settings(_env_file=None).cors_origins == ["https://c.example.com"]
