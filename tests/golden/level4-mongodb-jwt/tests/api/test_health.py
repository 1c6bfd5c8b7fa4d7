"""Tests of the probes, of the database-down answers and of the documentation pages."""

from fastapi.testclient import TestClient


def test_live_200(anon_client: TestClient) -> None:
    response = anon_client.get("/health/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_ready_200(anon_client: TestClient) -> None:
    response = anon_client.get("/health/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok"}}


def test_ready_503(down_client: TestClient) -> None:
    response = down_client.get("/health/ready")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "checks": {"database": "unavailable"}}


def test_live_200_when_db_down(down_client: TestClient) -> None:
    assert down_client.get("/health/live").status_code == 200


def test_db_down_503(down_client: TestClient) -> None:
    credentials = {"email": "ada@example.com", "password": "correct horse battery staple"}
    response = down_client.post("/api/v1/auth/register", json=credentials)
    assert response.status_code == 503
    assert response.json() == {"detail": "Service temporarily unavailable"}
    assert int(response.headers["Retry-After"]) > 0


def test_unknown_route_404(anon_client: TestClient) -> None:
    response = anon_client.get("/no-such-page")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}


def test_openapi_and_docs_200(anon_client: TestClient) -> None:
    assert anon_client.get("/openapi.json").status_code == 200
    assert anon_client.get("/docs").status_code == 200
    assert anon_client.get("/redoc").status_code == 200
