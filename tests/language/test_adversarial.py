"""Hostile programs are refused with the error or limit they deserve (how quickly: benchmarks/budgets.py,
which builds these same programs against their budget)."""

from __future__ import annotations

import math

import pytest

from pathgrad.language import LanguageError, Limits, build_program, parse, to_source
from pathgrad.language.limits import DEFAULT_LIMITS

from .helpers import error_of

# "x * x" terms up to the default max_source_chars (two nodes each: well within max_nodes).
LONGEST_TERMS = (DEFAULT_LIMITS.max_source_chars - len("x = 1\ny = x * x")) // len(" + x * x") + 1
LONGEST_DEFAULT_PROGRAM = "x = 1\ny = " + " + ".join(["x * x"] * LONGEST_TERMS)


@pytest.mark.parametrize(
    ("source", "column"), [("9^9^9", 2), ("2^99999", 2), ("y = 9 ** 9 ** 9", 7), ("y = 1/0", 6)]
)
def test_constant_expressions_that_overflow_are_errors(source: str, column: int) -> None:
    with pytest.raises(LanguageError) as caught:
        build_program(source)
    assert caught.value.column == column
    assert "not finite" in caught.value.message


def test_huge_powers_of_a_leaf_overflow_to_inf() -> None:
    program = build_program("x = 2\ny = x^99999")
    assert program.output.value == math.inf


HOSTILE_PROGRAMS = [

        ("(" * 10_000, "max_depth"),
        ("y = " + "(" * 9_000 + "1" + ")" * 9_000, "max_depth"),
        ("y = " + "-" * 10_000 + "1", "max_depth"),
        ("y = " + "exp(" * 4_000, "max_depth"),
        ("y = " + "(-" * 5_000 + "1", "max_depth"),
        ("y = " + "2^" * 9_000 + "2", "max_depth"),
        ("x = 1\ny = " + " + ".join(["x"] * 25_000), "max_source_chars"),
        ("y = " + "1" * 100_000, "max_source_chars"),
        ("x = 1\n" * 20_000, "max_source_chars"),
        ("y = 1e309", "max_number_abs"),
        ("y = 1e99999999999999999999", "max_number_abs"),
]


@pytest.mark.parametrize(("source", "limit"), HOSTILE_PROGRAMS)
def test_limits_stop_hostile_programs(source: str, limit: str) -> None:
    error = error_of(source)
    assert error.limit == limit


@pytest.mark.parametrize(
    ("source", "column"),
    [
        ("__import__('os')", 1),
        ("().__class__", 2),
        ("x = 1\nx.__class__", 2),
        ("y = 1\x00", 6),
        ("y = \u0663", 5),
        ("y = \uff13", 5),  # fullwidth digit three
        ("y = x\u202e", 6),  # right-to-left override
        ("y = exec('1')", 5),
        ("y = eval", 5),
        ("import os", 1),
        ("lambda: 1", 7),
        ("y = [i for i in x]", 6),
        ("y = {}", 5),
    ],
)
def test_code_injection_is_a_plain_error(source: str, column: int) -> None:
    error = error_of(source)
    assert error.limit is None
    assert error.column == column, error.message


def test_deeply_nested_brackets() -> None:
    error = error_of("y = " + "[" * 10_000 + "1" + "]" * 5_000)
    assert "at most 32 dimensions" in error.detail
    assert (error.line, error.column) == (1, 37)


def test_a_100000_character_program_with_raised_limits() -> None:
    limits = Limits(max_source_chars=200_000, max_nodes=100_000)
    source = "x = 1\ny = " + " + ".join(["x"] * 25_000)
    assert len(source) > 100_000
    program = build_program(source, limits=limits)
    assert to_source(parse(source, limits)) == source
    assert program.output.value == 25_000


def test_the_longest_default_program_builds() -> None:
    source = LONGEST_DEFAULT_PROGRAM
    assert DEFAULT_LIMITS.max_source_chars - 8 < len(source) <= DEFAULT_LIMITS.max_source_chars
    program = build_program(source)
    assert program.output.value == LONGEST_TERMS


def test_broadcasting_cannot_allocate_gigabytes() -> None:
    row = [1.0] * 100_000
    error = error_of("a = 1\nb = 1\nc = a * b", values={"a": [row], "b": [[1.0]] * 100_000})
    assert error.limit == "max_array_elements"


def test_repeating_a_large_array_is_bounded() -> None:
    with pytest.raises(LanguageError) as info:
        build_program(
            "x = 1\ny = " + " + ".join(["x"] * 100), values={"x": [1.0] * 100_000}
        )
    assert info.value.limit == "max_total_elements"


def test_deeply_nested_values_are_rejected() -> None:
    deep: object = 1.0
    for _ in range(10_000):
        deep = [deep]
    error = error_of("x = 1", values={"x": deep})
    assert "dimensions" in error.detail
