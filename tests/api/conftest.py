"""Fixtures for the API tests: in-process clients of the app.

The real server (``live_server``, a session fixture giving ``http://127.0.0.1:<port>``) is shared with
the browser tests and lives in ``tests/conftest.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from pathgrad.api.app import create_app
from pathgrad.settings import Settings


@pytest.fixture(scope="session")
def client() -> TestClient:
    """A client of the app with default settings; server errors come back as 500s, not raised."""
    return TestClient(create_app(Settings()), raise_server_exceptions=False)


@pytest.fixture(scope="session")
def make_client() -> Callable[..., TestClient]:
    """``make_client(max_nodes=50)``: a client of an app built with those settings."""

    def make(**overrides: Any) -> TestClient:
        return TestClient(create_app(Settings(**overrides)), raise_server_exceptions=False)

    return make
