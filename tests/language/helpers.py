"""Shared helpers for the language tests."""

from __future__ import annotations

import pytest

from pathgrad.language import LanguageError, build_program, parse
from pathgrad.language.limits import DEFAULT_LIMITS, Limits


def error_of(source: str, limits: Limits = DEFAULT_LIMITS, **kwargs: object) -> LanguageError:
    """The LanguageError that parsing and building ``source`` raises."""
    with pytest.raises(LanguageError) as info:
        build_program(source, limits=limits, **kwargs)  # type: ignore[arg-type]
    return info.value


def parse_error(source: str, limits: Limits = DEFAULT_LIMITS) -> LanguageError:
    """The LanguageError that parsing alone raises."""
    with pytest.raises(LanguageError) as info:
        parse(source, limits)
    return info.value
