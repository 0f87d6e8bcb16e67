"""Every kind of error, with its exact position."""

from __future__ import annotations

import json

import pytest

from pathgrad.language import LanguageError, build_program
from pathgrad.language.errors import Positions

from .helpers import error_of

# (source, line, column, a piece of the message)
CASES = [
    # characters
    ("x = 1 $ 2", 1, 7, "unexpected character '$'"),
    ("x = \u0663", 1, 5, "U+0663 ARABIC-INDIC DIGIT THREE"),
    ("x = 1\n\x00", 2, 1, "unexpected character U+0000"),
    ("x = 1 # caf\u00e9", 1, 12, "only ASCII"),
    ("x = 1\ny = 'a'", 2, 5, "quotes are not allowed"),
    ('y = "a"', 1, 5, "quotes are not allowed"),
    ("x = 1\ny = x.__class__", 2, 6, "'.' can only appear inside a number"),
    ("x = 1\r\ny = $", 2, 5, "unexpected character '$'"),
    ("x =\t1 ~", 1, 7, "unexpected character '~'"),
    # numbers and names
    ("y = 2x", 1, 5, "malformed number '2x'"),
    ("y = 1.2.3", 1, 5, "malformed number '1.2.3'"),
    ("y = 1_000", 1, 5, "malformed number '1_000'"),
    ("y = 1e", 1, 5, "malformed number '1e'"),
    ("y = 1e309", 1, 5, "too large"),
    ("__import__('os')", 1, 1, "names may not start with '__'"),
    ("x = 1\n__x = 2", 2, 1, "names may not start with '__'"),
    # syntax
    ("().__class__", 1, 2, "expected an expression, found ')'"),
    ("y = 1 +", 1, 8, "unexpected end of the program"),
    ("y = 1 +\nz = 2", 1, 8, "expected an expression, found the end of the line"),
    ("y = 1 + ;", 1, 9, "expected an expression, found ';'"),
    ("y = * 2", 1, 5, "expected an expression, found '*'"),
    ("y = (1 + 2\nz = 3", 2, 1, "expected ')' to close the '(' at line 1, column 5, found name 'z'"),
    ("y = (1; 2)", 1, 7, "expected ')' to close the '(' at line 1, column 5, found ';'"),
    ("y = 1)", 1, 6, "unmatched ')'"),
    ("y = 1]", 1, 6, "unmatched ']'"),
    ("y = 1 2", 1, 7, "expected the end of the statement, found number 2"),
    ("x = 1\ny = x x", 2, 7, "found name 'x'"),
    ("y = 2(3)", 1, 6, "only functions can be called"),
    ("x = [1]\ny = x[0]", 2, 6, "indexing is not supported"),
    ("1 = 2", 1, 3, "'=' may only follow a name"),
    ("x = 1\ny = x = 2", 2, 7, "'=' may only follow a name"),
    ("y = 1,", 1, 6, "found ','"),
    ("", 1, 1, "the program is empty"),
    ("# nothing\n\n", 1, 1, "the program is empty"),
    ("x = 1\nx * 2\ny = 3", 2, 1, "only the last statement may be a bare expression"),
    # names
    ("y = q", 1, 5, "'q' is not defined"),
    ("x = x + 1", 1, 5, "'x' is not defined"),
    ("y = 2 * q\nq = 1", 1, 9, "'q' is used before it is defined (on line 2)"),
    ("x = 1\ny = 2\nx = 3", 3, 1, "'x' is already defined on line 1"),
    ("sigmoid = 1", 1, 1, "'sigmoid' is a function and cannot be used as a name"),
    ("x = 1\ny = sigmoid + x", 2, 5, "'sigmoid' is a function: call it, as in sigmoid(x)"),
    # calls
    ("x = 1\ny = foo(x)", 2, 5, "unknown function 'foo'"),
    ("x = 1\ny = x(2)", 2, 5, "'x' is not a function"),
    ("x = 1\ny = sigmoid(x, x)", 2, 5, "sigmoid() takes 1 argument (sigmoid(x)), got 2"),
    ("y = sigmoid()", 1, 5, "sigmoid() takes 1 argument (sigmoid(x)), got 0"),
    ("y = leaky_relu()", 1, 5, "leaky_relu() takes 1 to 2 arguments"),
    ("y = leaky_relu(1, 2, 3)", 1, 5, "(leaky_relu(x, slope=0.01)), got 3"),
    ("x = 1\ny = leaky_relu(x, x)", 2, 19, "argument 2 of leaky_relu() (slope) must be a number"),
    ("y = leaky_relu(1, [1])", 1, 19, "argument 2 of leaky_relu() (slope) must be a number"),
    ("y = exp(1 2)", 1, 11, "expected ')' to close the '(' at line 1, column 8"),
    # arrays
    ("y = []", 1, 5, "empty array"),
    ("y = [[1, 2], []]", 1, 14, "empty array"),
    ("y = [[1, 2], [3]]", 1, 14, "ragged array: this element is an array of shape (1,)"),
    ("y = [1, [2]]", 1, 9, "this element is an array of shape (1,) but the first is a number"),
    ("x = 1\ny = [x]", 2, 6, "expected a number (array elements are numbers), found name 'x'"),
    ("y = [1 2]", 1, 8, "expected ',' or ']' in the array opened at line 1, column 5"),
    ("y = [1, 2", 1, 10, "found the end of the program"),
    ("y = [1, --2]", 1, 10, "expected a number"),
    # building
    ("a = [1, 2]\nb = [1, 2, 3]\ny = a * b", 3, 7, "'*' cannot combine shapes (2,) and (3,)"),
    ("A = [[1, 2], [3, 4]]\nv = [1, 2, 3]\ny = A @ v", 3, 7, "'@' cannot multiply shapes (2, 2) and (3,)"),
    ("y = 2 @ [1]", 1, 7, "its left side is a number"),
    ("y = [1] @ 2", 1, 9, "its right side is a number"),
    ("y = 2 @ 3", 1, 7, "both its sides are a number"),
    ("y = [[[1]]] @ [1]", 1, 13, "'@' multiplies vectors and matrices, not shapes (1, 1, 1) and (1,)"),
]  # fmt: skip


@pytest.mark.parametrize(("source", "line", "column", "piece"), CASES)
def test_error_position_and_message(source: str, line: int, column: int, piece: str) -> None:
    error = error_of(source)
    assert (error.line, error.column) == (line, column), error.message
    assert piece in error.detail
    assert error.message == f"line {line}, column {column}: {error.detail}"
    assert str(error) == error.message
    assert error.limit is None or piece == "too large"
    # the span starts where line and column say
    assert Positions(source).line_column(error.span[0]) == (line, column)
    assert error.span[0] <= error.span[1] <= len(source)


@pytest.mark.parametrize(
    ("source", "text"),
    [
        ("y = 2x + 1", "2x"),
        ("x = 1\ny = 2\nx = 3", "x"),
        ("x = 1\ny = sigmoid(x, x) + 1", "sigmoid(x, x)"),
        ("a = [1, 2]\nb = [1, 2, 3]\ny = a * b", "*"),
        ("y = [[1, 2], [3]]", "[3]"),
        ("y = 1e400", "1e400"),
    ],
)
def test_error_spans(source: str, text: str) -> None:
    error = error_of(source)
    assert source[error.span[0] : error.span[1]] == text


def test_the_first_problem_in_reading_order_is_reported() -> None:
    # a syntax error on line 1 wins over a bad character further on
    error = error_of("y = (1\nz = 'a'")
    assert (error.line, error.column) == (2, 1)
    assert "expected ')'" in error.detail
    assert (error_of("y = )\n$").line, error_of("y = )\n$").column) == (1, 5)


def test_to_dict() -> None:
    error = error_of("x = 1\ny = x +")
    data = error.to_dict()
    assert data == {
        "message": "line 2, column 8: unexpected end of the program: expected an expression",
        "detail": "unexpected end of the program: expected an expression",
        "line": 2,
        "column": 8,
        "span": [13, 13],
        "limit": None,
        "field": "source",
    }
    json.dumps(data)


def test_constructor() -> None:
    error = LanguageError("bad thing", 3, 4, (10, 12), "max_depth", field="values.x")
    assert error.message == "line 3, column 4: bad thing"
    assert (error.detail, error.line, error.column, error.span) == ("bad thing", 3, 4, (10, 12))
    assert (error.limit, error.field) == ("max_depth", "values.x")
    assert isinstance(error, Exception)


def test_engine_errors_become_language_errors_at_the_call(monkeypatch: pytest.MonkeyPatch) -> None:
    import pathgrad.language.builder as builder

    def broken(*args: object, **params: object) -> None:
        raise ValueError("the engine says no")

    monkeypatch.setattr(builder, "apply", broken)
    source = "x = 1\ny = 2 * exp(x)"
    error = error_of(source)
    assert (error.line, error.column) == (2, 9)
    assert source[error.span[0] : error.span[1]] == "exp(x)"
    assert "the engine says no" in error.detail


def test_errors_in_values_and_output() -> None:
    source = "x = 1; w = 0\ny = w * x"
    unknown = error_of(source, values={"q": 1.0})
    assert unknown.detail == "unknown name 'q' in values"
    assert (unknown.line, unknown.column, unknown.field) == (1, 1, "values.q")
    computed = error_of(source, values={"y": 1.0})
    assert "'y' in values is computed by the program" in computed.detail
    assert (computed.line, computed.column) == (2, 1)
    output = error_of(source, output="z")
    assert "unknown output 'z'" in output.detail
    assert (output.line, output.column, output.field) == (1, 1, "output")


@pytest.mark.parametrize(
    ("value", "piece"),
    [
        ("1", "must be a number or a list of numbers, not str"),
        (True, "not bool"),
        ([], "empty array"),
        ([[1, 2], [3]], "ragged array"),
        ([[1, 2], 3], "ragged array"),
        ([1, "2"], "array elements must be numbers"),
        ([1, None], "array elements must be numbers"),
        (float("nan"), "must not be NaN"),
        ([1.0, float("nan")], "must not be NaN"),
        (float("inf"), "too large"),
        ({"a": 1}, "not dict"),
    ],
)
def test_bad_values(value: object, piece: str) -> None:
    error = error_of("x = 1\nw = 2\ny = w * x", values={"w": value})
    assert piece in error.detail
    assert error.detail.startswith("values['w']: ")
    assert (error.line, error.column, error.field) == (2, 1, "values.w")


def test_no_error_for_a_good_program() -> None:
    assert build_program("x = 1 # a comment with 'quotes' and $ signs\ny = x").output.value == 1.0
