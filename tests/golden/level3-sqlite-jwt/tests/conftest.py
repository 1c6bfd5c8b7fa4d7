"""Test fixtures: every test gets an app on its own, new SQLite database file.

`client` is signed in as a regular user, `anon_client` is not signed in.
"""

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from app.config import Settings
from app.core import security
from app.main import create_app
from tests.utils import ADMIN_EMAIL, ADMIN_PASSWORD, TEST_SECRET_KEY, register, signed_in


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2id with a low cost: the production parameters take a fifth of a second per hash."""
    cheap = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1),))
    monkeypatch.setattr(security, "password_hash", cheap)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        _env_file=None,
        database_url=f"sqlite:///{tmp_path / 'test.db'}",
        environment="development",
        secret_key=TEST_SECRET_KEY,
        first_superuser_email=ADMIN_EMAIL,
        first_superuser_password=ADMIN_PASSWORD,
    )


@pytest.fixture
def anon_client(settings: Settings) -> Iterator[TestClient]:
    """Not signed in. The lifespan creates the tables and the first superuser."""
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture
def client(anon_client: TestClient) -> TestClient:
    """Signed in as a regular user, who owns what it creates."""
    register(anon_client, "owner@example.com")
    return signed_in(anon_client, "owner@example.com")


@pytest.fixture
def other_client(anon_client: TestClient) -> TestClient:
    """Signed in as another regular user."""
    register(anon_client, "other@example.com")
    return signed_in(anon_client, "other@example.com")


@pytest.fixture
def admin_client(anon_client: TestClient) -> TestClient:
    """Signed in as the first superuser."""
    return signed_in(anon_client, ADMIN_EMAIL, ADMIN_PASSWORD)
