"""Settings: one place for every limit, read from PATHGRAD_* variables."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from pydantic import ValidationError

from pathgrad.language import Limits
from pathgrad.settings import Settings, get_settings


def test_every_language_limit_is_a_setting() -> None:
    limit_fields = {field.name for field in dataclasses.fields(Limits)}
    assert limit_fields <= set(Settings.model_fields)
    settings = Settings(max_nodes=7, max_depth=8, max_number_abs=9.0)
    limits = settings.limits()
    for name in limit_fields:
        assert getattr(limits, name) == getattr(settings, name), name
    assert (limits.max_nodes, limits.max_depth, limits.max_number_abs) == (7, 8, 9.0)


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATHGRAD_PORT", "9001")
    monkeypatch.setenv("PATHGRAD_MAX_NODES", "123")
    monkeypatch.setenv("PATHGRAD_MAX_BODY_BYTES", "4096")
    settings = Settings()
    assert (settings.port, settings.max_nodes, settings.max_body_bytes) == (9001, 123, 4096)


@pytest.mark.parametrize(
    "bad",
    [{"port": 0}, {"port": 70000}, {"max_nodes": 0}, {"max_body_bytes": 10}, {"max_paths_limit": 0},
     {"max_number_abs": 1e309}, {"max_number_abs": 0}, {"workers": 0}],
)
def test_nonsense_settings_are_refused(bad: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        Settings(**bad)


def test_settings_are_frozen_and_cached() -> None:
    settings = Settings()
    with pytest.raises(ValidationError):
        settings.max_nodes = 1  # type: ignore[misc]
    assert get_settings() is get_settings()


def test_defaults_are_sane() -> None:
    settings = Settings()
    assert settings.host == "127.0.0.1"
    assert settings.max_body_bytes >= 64 * 1024
    assert settings.max_source_chars + 1000 <= settings.max_body_bytes  # a longest program fits in a body
    assert settings.max_number_abs < 1.8e308


def test_frame_ancestors_take_origins_only() -> None:
    assert Settings(frame_ancestors="https://course.example.edu http://127.0.0.1:8080").frame_ancestors
    for bad in ("https://x.edu; script-src *", "https://x.edu,'unsafe-inline'\n", 'a"b'):
        with pytest.raises(ValidationError):
            Settings(frame_ancestors=bad)
