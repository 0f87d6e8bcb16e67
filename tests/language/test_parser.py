"""The grammar: precedence, associativity, statements, calls and arrays."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import pytest

from pathgrad.language import LanguageError, parse, to_source
from pathgrad.language.parser import function_table
from pathgrad.language.syntax import (
    Array,
    Assign,
    Binary,
    Call,
    ExprStatement,
    Name,
    Number,
    ProgramAST,
    Unary,
)
from pathgrad.primitives import PRIMITIVES, Param

from .helpers import parse_error

PRELUDE = "a = 1; b = 2; c = 3; d = 4\n"


def grouped(expression: str) -> str:
    tree = parse(PRELUDE + "r = " + expression)
    return to_source(tree.statements[-1].value, full_parens=True)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("1 + 2 * 3", "(1 + (2 * 3))"),
        ("1 * 2 + 3", "((1 * 2) + 3)"),
        ("a - b - c", "((a - b) - c)"),
        ("a - b + c", "((a - b) + c)"),
        ("a / b / c", "((a / b) / c)"),
        ("a / b * c", "((a / b) * c)"),
        ("a @ b * c", "((a @ b) * c)"),
        ("a * b @ c", "((a * b) @ c)"),
        ("a + b @ c", "(a + (b @ c))"),
        ("a ^ b ^ c", "(a ^ (b ^ c))"),
        ("a ** b ** c", "(a ^ (b ^ c))"),
        ("a ** b ^ c", "(a ^ (b ^ c))"),
        ("a ^ b * c", "((a ^ b) * c)"),
        ("a * b ^ c", "(a * (b ^ c))"),
        ("-a ^ 2", "(-(a ^ 2))"),
        ("-a^b^c", "(-(a ^ (b ^ c)))"),
        ("(-a) ^ 2", "((-a) ^ 2)"),
        ("2 ^ -1", "(2 ^ (-1))"),
        ("2 ^ -1 * 3", "((2 ^ (-1)) * 3)"),
        ("2 ^ -a ^ 2", "(2 ^ (-(a ^ 2)))"),
        ("-a * b", "((-a) * b)"),
        ("a * -b", "(a * (-b))"),
        ("a - -b", "(a - (-b))"),
        ("--a", "(-(-a))"),
        ("+a", "(+a)"),
        ("-+a", "(-(+a))"),
        ("a / -b ^ 2", "(a / (-(b ^ 2)))"),
        ("(a + b) * c", "((a + b) * c)"),
        ("a * (b + c)", "(a * (b + c))"),
        ("((a))", "a"),
        ("sigmoid(a + b) * c", "(sigmoid((a + b)) * c)"),
        ("-exp(a) ^ 2", "(-(exp(a) ^ 2))"),
        ("leaky_relu(a, -0.5) + 1", "(leaky_relu(a, -0.5) + 1)"),
        ("[1, -2] * a", "([1, -2] * a)"),
        ("1.5e-3 + .5", "(0.0015 + 0.5)"),
    ],
)
def test_precedence(source: str, expected: str) -> None:
    assert grouped(source) == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("(a + b) + c", "a + b + c"),
        ("a + (b + c)", "a + (b + c)"),
        ("a - (b - c)", "a - (b - c)"),
        ("(a * b) + (c * d)", "a * b + c * d"),
        ("(a + b) * (c - d)", "(a + b) * (c - d)"),
        ("(a ^ b) ^ c", "(a ^ b) ^ c"),
        ("a ^ (b ^ c)", "a ^ b ^ c"),
        ("(-a) ^ 2", "(-a) ^ 2"),
        ("-(a ^ 2)", "-a ^ 2"),
        ("-(a * b)", "-(a * b)"),
        ("(-a) * b", "-a * b"),
        ("2 ^ (-1)", "2 ^ -1"),
        ("a * (b @ c)", "a * (b @ c)"),
        ("(a * b) @ c", "a * b @ c"),
        ("a ** 2", "a ^ 2"),
        ("1.0 + 2.50", "1 + 2.5"),
        ("[[1, -2], [3.5, 4e-05]]", "[[1, -2], [3.5, 4e-05]]"),
    ],
)
def test_minimal_parentheses(source: str, expected: str) -> None:
    tree = parse(PRELUDE + "r = " + source)
    assert to_source(tree.statements[-1].value) == expected


def test_statement_forms_and_tree() -> None:
    tree = parse("x = 1; w = 0 # weight\n\n;b = [1, 2]\ny = sigmoid(w*x + b)\n(y - 1)^2\n")
    assert tree == ProgramAST(
        (
            Assign("x", Number(1.0)),
            Assign("w", Number(0.0)),
            Assign("b", Array((2,), (1.0, 2.0))),
            Assign(
                "y",
                Call("sigmoid", (Binary("+", Binary("*", Name("w"), Name("x")), Name("b")),)),
            ),
            ExprStatement(Binary("^", Binary("-", Name("y"), Number(1.0)), Number(2.0))),
        )
    )
    assert tree.source.startswith("x = 1")


def test_spans_point_into_the_source() -> None:
    source = "x = 2\ny = x * (x + 1)"
    tree = parse(source)
    y = tree.statements[1]
    assert isinstance(y, Assign) and isinstance(y.value, Binary)
    assert source[y.span[0] : y.span[1]] == "y"
    assert source[y.value.op_span[0] : y.value.op_span[1]] == "*"
    assert source[y.value.span[0] : y.value.span[1]] == "x * (x + 1)"
    assert source[y.value.right.span[0] : y.value.right.span[1]] == "(x + 1)"
    neg = parse("x = 1; y = -(x)").statements[1].value
    assert isinstance(neg, Unary) and (neg.span, neg.op_span) == ((11, 15), (11, 12))


def test_arrays() -> None:
    tree = parse("m = [[1, 2, 3],\n     [-4, +5, 6e0]]\nv = [.5]")
    assert tree.statements[0] == Assign("m", Array((2, 3), (1.0, 2.0, 3.0, -4.0, 5.0, 6.0)))
    assert tree.statements[1] == Assign("v", Array((1,), (0.5,)))
    cube = parse("t = [[[1], [2]], [[3], [4]]]").statements[0]
    assert isinstance(cube, Assign) and isinstance(cube.value, Array)
    assert cube.value.shape == (2, 2, 1)


def test_calls_take_extra_parameters_from_the_table() -> None:
    tree = parse("x = 1\ny = leaky_relu(x)\nz = leaky_relu(x, 0.2)\nq = leaky_relu(x, -1e-2)")
    assert [s.value for s in tree.statements[1:]] == [
        Call("leaky_relu", (Name("x"),), ()),
        Call("leaky_relu", (Name("x"),), (0.2,)),
        Call("leaky_relu", (Name("x"),), (-0.01,)),
    ]


def test_function_names_come_from_the_primitive_table() -> None:
    expected = {name for name, row in PRIMITIVES.items() if row.function}
    assert set(function_table()) == expected
    assert "sigmoid" in expected and "add" not in expected
    error = parse_error("x = 1\ny = add(x, x)")
    assert "unknown function 'add'" in error.message


def test_a_new_row_in_the_table_is_callable(monkeypatch: pytest.MonkeyPatch) -> None:
    assert "unknown function 'smooth'" in parse_error("x = 1; y = smooth(x)").message
    row = dataclasses.replace(PRIMITIVES["leaky_relu"], name="smooth", params=(Param("k", 2.0),))
    monkeypatch.setitem(PRIMITIVES, "smooth", row)
    tree = parse("x = 1; y = smooth(x, 3)")
    assert tree.statements[1] == Assign("y", Call("smooth", (Name("x"),), (3.0,)))


def test_an_explicit_function_table() -> None:
    functions = {"f": SimpleNamespace(arity=2, params=(SimpleNamespace(name="k", default=1.0),))}
    tree = parse("x = 1; y = f(x, x, 4)", functions=functions)
    assert tree.statements[1] == Assign("y", Call("f", (Name("x"), Name("x")), (4.0,)))
    assert "unknown function 'sigmoid'" in parse_error_with("y = sigmoid(1)", functions).message


def parse_error_with(source: str, functions: dict[str, SimpleNamespace]) -> LanguageError:
    with pytest.raises(LanguageError) as info:
        parse(source, functions=functions)
    return info.value


def test_names() -> None:
    tree = parse("_ = 1; x_2 = _; Camel9 = x_2; _private = 3")
    assert [s.name for s in tree.statements if isinstance(s, Assign)] == [
        "_", "x_2", "Camel9", "_private",
    ]  # fmt: skip


def test_power_binds_tighter_than_a_sign_in_a_literal_statement() -> None:
    tree = parse("y = -2^2")
    assert tree.statements[0] == Assign("y", Unary("-", Binary("^", Number(2.0), Number(2.0))))
