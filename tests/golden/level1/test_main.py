from fastapi.testclient import TestClient

from main import app

client = TestClient(app)


def test_root_200() -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.json() == {"message": "Hello World"}


def test_hello_200() -> None:
    response = client.get("/hello/Ada")
    assert response.status_code == 200
    assert response.json() == {"message": "Hello Ada"}


def test_hello_too_long_422() -> None:
    response = client.get("/hello/" + "a" * 51)
    assert response.status_code == 422


def test_unknown_route_404() -> None:
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}


def test_health_200() -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_openapi_and_docs_200() -> None:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "Hello"
    assert client.get("/docs").status_code == 200
