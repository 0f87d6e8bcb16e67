"""Fixtures of the deployment tests: live servers with chosen settings (see helpers.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import pytest

from .helpers import ServeFactory, Server, running, serve_command


@pytest.fixture
def serve(tmp_path: Path) -> ServeFactory:
    """``with serve(env={"PATHGRAD_...": ...}, workers=2) as server:`` a live server of this checkout."""

    def start(env: dict[str, str] | None = None, workers: int = 1) -> AbstractContextManager[Server]:
        return running(serve_command(workers), tmp_path, env)

    return start


@pytest.fixture(scope="module")
def logged_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server with default settings for a module's tests; its access log is in ``server.stdout``."""
    directory = tmp_path_factory.mktemp("serve")
    with running(serve_command(), directory) as server:
        yield server
