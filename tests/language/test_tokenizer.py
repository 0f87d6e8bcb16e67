"""Tokens: numbers, names, operators, comments and line breaks."""

from __future__ import annotations

import pytest

from pathgrad.language.limits import Limits
from pathgrad.language.tokenizer import tokenize


def kinds_and_texts(source: str) -> list[tuple[str, str]]:
    return [(t.kind, t.text) for t in tokenize(source, Limits())]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("0", 0.0),
        ("42", 42.0),
        ("3.25", 3.25),
        (".5", 0.5),
        ("5.", 5.0),
        ("1e-3", 1e-3),
        ("1E+3", 1000.0),
        ("2.5e2", 250.0),
        (".5e1", 5.0),
        ("007", 7.0),
        ("1e300", 1e300),
    ],
)
def test_numbers(text: str, value: float) -> None:
    (number, eof) = tokenize(text, Limits())
    assert (number.kind, number.value, number.start, number.end) == ("number", value, 0, len(text))
    assert eof.kind == "eof"


def test_operators_names_and_power_synonym() -> None:
    assert kinds_and_texts("a_1**B@(c)[d],e=f^g-+*/") == [
        ("name", "a_1"), ("op", "**"), ("name", "B"), ("op", "@"), ("op", "("), ("name", "c"),
        ("op", ")"), ("op", "["), ("name", "d"), ("op", "]"), ("op", ","), ("name", "e"),
        ("op", "="), ("name", "f"), ("op", "^"), ("name", "g"), ("op", "-"), ("op", "+"),
        ("op", "*"), ("op", "/"), ("eof", ""),
    ]  # fmt: skip


def test_comments_semicolons_and_crlf() -> None:
    assert kinds_and_texts("x = 1 # one\r\ny = 2; z # done") == [
        ("name", "x"), ("op", "="), ("number", "1"), ("newline", "\n"),
        ("name", "y"), ("op", "="), ("number", "2"), ("newline", ";"), ("name", "z"), ("eof", ""),
    ]  # fmt: skip


def test_line_breaks_inside_brackets_are_skipped_but_semicolons_are_not() -> None:
    assert [t.kind for t in tokenize("[1,\n 2]\n(3\n)", Limits())] == [
        "op", "number", "op", "number", "op", "newline", "op", "number", "op", "eof",
    ]  # fmt: skip
    assert "newline" in [t.kind for t in tokenize("(1;2)", Limits())]


def test_lexing_stops_at_the_first_bad_character_with_an_error_token() -> None:
    tokens = tokenize("x = 1 $ 2", Limits())
    assert [t.kind for t in tokens] == ["name", "op", "number", "error"]
    assert tokens[-1].error is not None
    assert (tokens[-1].error.line, tokens[-1].error.column) == (1, 7)
