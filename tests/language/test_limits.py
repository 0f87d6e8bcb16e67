"""Every limit, exceeded, gives a LanguageError that names it."""

from __future__ import annotations

import dataclasses

import pytest

from pathgrad.language import Limits, build_program
from pathgrad.language.limits import DEFAULT_LIMITS

from .helpers import error_of


def test_defaults() -> None:
    assert Limits() == DEFAULT_LIMITS
    assert dataclasses.asdict(Limits()) == {
        "max_source_chars": 64_000,
        "max_statements": 5_000,
        "max_nodes": 20_000,
        "max_depth": 200,
        "max_names": 5_000,
        "max_array_elements": 100_000,
        "max_number_abs": 1e300,
        "max_total_elements": 2_000_000,
    }
    with pytest.raises(dataclasses.FrozenInstanceError):
        Limits().max_depth = 5  # type: ignore[misc]


def test_the_servers_defaults_are_these() -> None:
    # One owner: the server's PATHGRAD_MAX_* defaults are read from Limits, so the CLI and the
    # Python API accept what the server accepts.
    from pathgrad.settings import Settings

    assert Settings().limits() == DEFAULT_LIMITS


def test_a_48_kb_program_builds_with_the_default_limits() -> None:
    source = "x = 1\n" + "".join(f"y{i} = x * {i}\n" for i in range(3_000)) + "y = y1"
    assert 40_000 < len(source) < 64_000
    program = build_program(source)
    assert program.output.value == 1.0


FIVE = Limits(max_array_elements=5)
# (limit, limits, source, build keyword arguments, line, column)
CASES = [
    ("max_source_chars", Limits(max_source_chars=8), "x = 1\ny = x", {}, 2, 3),
    ("max_statements", Limits(max_statements=2), "a = 1; b = 2; c = 3", {}, 1, 15),
    ("max_nodes", Limits(max_nodes=3), "x = 1 + 2 + 3", {}, 1, 13),
    ("max_nodes", Limits(max_nodes=5), "x = 1\ny = sigmoid(x)", {"expand": True}, 2, 5),
    ("max_depth", Limits(max_depth=3), "y = ((((1))))", {}, 1, 8),
    ("max_depth", Limits(max_depth=3), "y = [[[[1]]]]", {}, 1, 8),
    ("max_depth", Limits(max_depth=3), "y = ----1", {}, 1, 8),
    ("max_depth", Limits(max_depth=3), "y = exp(exp(exp(exp(1))))", {}, 1, 20),
    ("max_depth", Limits(max_depth=3), "y = 2^2^2^2^2", {}, 1, 12),
    ("max_names", Limits(max_names=2), "a = 1; b = 2; c = 3", {}, 1, 15),
    ("max_array_elements", Limits(max_array_elements=3), "y = [1, 2, 3, 4]", {}, 1, 15),
    ("max_array_elements", Limits(max_array_elements=3), "y = [[1, 2], [3, 4]]", {}, 1, 14),
    ("max_array_elements", Limits(max_array_elements=3), "x = 1", {"values": {"x": [1, 2, 3, 4]}}, 1, 1),
    ("max_array_elements", FIVE, "a = [1, 2]\nb = [[1], [2], [3]]\nc = a * b", {}, 3, 7),
    ("max_array_elements", FIVE, "a = [[1], [2], [3]]\nb = [[1, 2, 3]]\nc = a @ b", {}, 3, 7),
    ("max_number_abs", DEFAULT_LIMITS, "y = 1e309", {}, 1, 5),
    ("max_number_abs", DEFAULT_LIMITS, "y = 1e400", {}, 1, 5),
    ("max_number_abs", DEFAULT_LIMITS, "y = 2 * " + "9" * 400, {}, 1, 9),
    ("max_number_abs", Limits(max_number_abs=100), "y = 1000", {}, 1, 5),
    ("max_number_abs", DEFAULT_LIMITS, "x = 1", {"values": {"x": 1e301}}, 1, 1),
    ("max_number_abs", DEFAULT_LIMITS, "x = 1", {"values": {"x": [1, 10**400]}}, 1, 1),
    ("max_total_elements", Limits(max_total_elements=10), "x = [1, 2, 3, 4]\ny = x + x + x", {}, 2, 11),
]  # fmt: skip


@pytest.mark.parametrize(
    ("limit", "limits", "source", "kwargs", "line", "column"),
    CASES,
    ids=[f"{case[0]}-{k}" for k, case in enumerate(CASES)],
)
def test_exceeding_a_limit(
    limit: str, limits: Limits, source: str, kwargs: dict[str, object], line: int, column: int
) -> None:
    error = error_of(source, limits, **kwargs)
    assert error.limit == limit
    assert limit in error.detail
    assert (error.line, error.column) == (line, column), error.message


AT_THE_LIMIT = [
    # (limit, the program exactly at it, its output's value, the limit one below)
    ("max_source_chars", "x = 1\ny = x", 1.0, Limits(max_source_chars=11), Limits(max_source_chars=10)),
    ("max_statements", "a = 1; b = 2", 2.0, Limits(max_statements=2), Limits(max_statements=1)),
    ("max_names", "a = 1; b = 2", 2.0, Limits(max_names=2), Limits(max_names=1)),
    ("max_nodes", "x = 1 + 2", 3.0, Limits(max_nodes=3), Limits(max_nodes=2)),
    ("max_depth", "y = ((1))", 1.0, Limits(max_depth=2), Limits(max_depth=1)),
    ("max_array_elements", "y = sum([[1, 2], [3, 4]])", 10.0,
     Limits(max_array_elements=4), Limits(max_array_elements=3)),
    ("max_number_abs", "y = 100", 100.0, Limits(max_number_abs=100), Limits(max_number_abs=99)),
    ("max_total_elements", "x = [1, 2]\ny = x + x", [2.0, 4.0],
     Limits(max_total_elements=4), Limits(max_total_elements=3)),
]  # fmt: skip


@pytest.mark.parametrize(
    ("limit", "source", "value", "at", "below"), AT_THE_LIMIT, ids=[case[0] for case in AT_THE_LIMIT]
)
def test_at_the_limit_is_fine_and_one_below_it_is_not(
    limit: str, source: str, value: object, at: Limits, below: Limits
) -> None:
    program = build_program(source, limits=at)
    output = program.output.value
    assert (output.tolist() if hasattr(output, "tolist") else output) == value
    assert error_of(source, below).limit == limit


def test_the_default_depth_allows_200_levels() -> None:
    program = build_program("y = " + "(" * 200 + "1" + ")" * 200)
    assert program.output.value == 1.0
    assert error_of("y = " + "(" * 201 + "1" + ")" * 201).limit == "max_depth"


def test_200_levels_of_the_deepest_kind_fit_in_pythons_stack() -> None:
    # Each level costs three parser frames here: the +, the * and the parenthesis.
    source = "a = 1; b = 1\ny = " + "(a + b * " * 200 + "a" + ")" * 200
    assert build_program(source).output.value == 201.0
    assert error_of(source.replace("y = ", "y = (", 1) + ")").limit == "max_depth"


def test_a_huge_max_depth_still_gives_a_language_error() -> None:
    # Python's own recursion limit is reached first; it must not escape as RecursionError.
    limits = Limits(max_depth=10**6)
    error = error_of("y = " + "(" * 5000 + "1" + ")" * 5000, limits)
    assert error.limit == "max_depth"
