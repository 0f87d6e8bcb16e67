"""Hostile programs are answered quickly (the 100 ms budget is checked in the benchmarks)."""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from pathgrad.language import LanguageError, Limits, build_program, parse, to_source

from .helpers import error_of


@contextmanager
def quickly(seconds: float = 1.0) -> Iterator[None]:
    start = time.perf_counter()
    yield
    assert time.perf_counter() - start < seconds


@pytest.mark.parametrize(
    ("source", "column"), [("9^9^9", 2), ("2^99999", 2), ("y = 9 ** 9 ** 9", 7), ("y = 1/0", 6)]
)
def test_constant_expressions_that_overflow_are_errors(source: str, column: int) -> None:
    with quickly(), pytest.raises(LanguageError) as caught:
        build_program(source)
    assert caught.value.column == column
    assert "not finite" in caught.value.message


def test_huge_powers_of_a_leaf_overflow_to_inf() -> None:
    with quickly():
        program = build_program("x = 2\ny = x^99999")
    assert program.output.value == math.inf


@pytest.mark.parametrize(
    ("source", "limit"),
    [
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
    ],
)
def test_limits_stop_hostile_programs(source: str, limit: str) -> None:
    with quickly():
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
    with quickly():
        error = error_of(source)
    assert error.limit is None
    assert error.column == column, error.message


def test_deeply_nested_brackets() -> None:
    with quickly():
        error = error_of("y = " + "[" * 10_000 + "1" + "]" * 5_000)
    assert "at most 32 dimensions" in error.detail
    assert (error.line, error.column) == (1, 37)


def test_a_100000_character_program_with_raised_limits() -> None:
    limits = Limits(max_source_chars=200_000, max_nodes=100_000)
    source = "x = 1\ny = " + " + ".join(["x"] * 25_000)
    assert len(source) > 100_000
    with quickly(5.0):  # generous: the point is linear time, not a benchmark
        program = build_program(source, limits=limits)
        assert to_source(parse(source, limits)) == source
    assert program.output.value == 25_000


def test_the_longest_default_program_builds_quickly() -> None:
    source = "x = 1\ny = " + " + ".join(["x * x"] * 2_490)
    assert len(source) <= 20_000
    with quickly():
        program = build_program(source)
    assert program.output.value == 2_490


def test_broadcasting_cannot_allocate_gigabytes() -> None:
    row = [1.0] * 100_000
    with quickly():
        error = error_of("a = 1\nb = 1\nc = a * b", values={"a": [row], "b": [[1.0]] * 100_000})
    assert error.limit == "max_array_elements"


def test_repeating_a_large_array_is_bounded() -> None:
    with quickly(), pytest.raises(LanguageError) as info:
        build_program(
            "x = 1\ny = " + " + ".join(["x"] * 100), values={"x": [1.0] * 100_000}
        )
    assert info.value.limit == "max_total_elements"


def test_deeply_nested_values_are_rejected() -> None:
    deep: object = 1.0
    for _ in range(10_000):
        deep = [deep]
    with quickly():
        error = error_of("x = 1", values={"x": deep})
    assert "dimensions" in error.detail
