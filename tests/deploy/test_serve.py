"""`pathgrad serve`: what it hands to uvicorn, and how it refuses bad settings."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn

from pathgrad.api.access_log import LOGGER_NAME
from pathgrad.cli import main
from pathgrad.settings import get_settings


@pytest.fixture
def uvicorn_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[dict[str, Any]]]:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: calls.append({"app": app, **options}))
    get_settings.cache_clear()
    yield calls
    get_settings.cache_clear()


def test_serve_runs_the_app_factory_with_the_json_access_log(
    uvicorn_calls: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATHGRAD_WORKERS", "3")
    monkeypatch.setenv("PATHGRAD_FORWARDED_ALLOW_IPS", "10.0.0.1")
    assert main(["serve", "--port", "9123", "--log-level", "warning"]) == 0
    (call,) = uvicorn_calls
    assert (call["app"], call["factory"]) == ("pathgrad.api.app:create_app", True)
    assert (call["host"], call["port"], call["workers"]) == ("127.0.0.1", 9123, 3)
    assert call["access_log"] is False  # uvicorn's plain-text one; ours is JSON
    assert call["log_level"] == "warning"
    assert call["log_config"]["loggers"][LOGGER_NAME]["level"] == "WARNING"
    assert (call["proxy_headers"], call["forwarded_allow_ips"]) == (True, "10.0.0.1")


def test_command_line_options_win_over_the_environment(
    uvicorn_calls: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATHGRAD_HOST", "0.0.0.0")
    monkeypatch.setenv("PATHGRAD_PORT", "8001")
    monkeypatch.setenv("PATHGRAD_LOG_LEVEL", "error")
    assert main(["serve", "--host", "127.0.0.1", "--workers", "2"]) == 0
    (call,) = uvicorn_calls
    assert (call["host"], call["port"], call["workers"], call["log_level"]) == ("127.0.0.1", 8001, 2, "error")


@pytest.mark.parametrize(
    ("variable", "value", "named"),
    [
        ("PATHGRAD_PORT", "0", "PATHGRAD_PORT"),
        ("PATHGRAD_MAX_CONCURRENT_REQUESTS", "none", "PATHGRAD_MAX_CONCURRENT_REQUESTS"),
        ("PATHGRAD_REQUEST_TIMEOUT_SECONDS", "10", "max_train_seconds"),
    ],
)
def test_bad_settings_stop_serve_with_a_message(
    uvicorn_calls: list[dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    variable: str,
    value: str,
    named: str,
) -> None:
    monkeypatch.setenv(variable, value)
    assert main(["serve"]) == 2
    assert uvicorn_calls == []
    err = capsys.readouterr().err
    assert err.startswith("pathgrad: ") and named in err and "Traceback" not in err
