"""Generated programs survive printing and parsing: parse(to_source(t)) == t."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from pathgrad.language import LanguageError, build_program, parse, to_source
from pathgrad.language.parser import function_table
from pathgrad.language.syntax import (
    Array,
    Assign,
    Binary,
    Call,
    Expr,
    ExprStatement,
    Name,
    Number,
    ProgramAST,
    Statement,
    Unary,
)

FUNCTIONS = function_table()
magnitudes = st.floats(min_value=0.0, max_value=1e300, allow_nan=False, allow_infinity=False)
signed = st.floats(min_value=-1e300, max_value=1e300, allow_nan=False, allow_infinity=False)
names = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,5}", fullmatch=True).filter(
    lambda n: not n.startswith("__") and n not in FUNCTIONS
)


@st.composite
def arrays(draw: st.DrawFn) -> Array:
    shape = tuple(draw(st.lists(st.integers(1, 3), min_size=1, max_size=3)))
    values = draw(st.lists(signed, min_size=math.prod(shape), max_size=math.prod(shape)))
    return Array(shape, tuple(values))


@st.composite
def calls(draw: st.DrawFn, inner: st.SearchStrategy[Expr]) -> Call:
    name = draw(st.sampled_from(sorted(FUNCTIONS)))
    row = FUNCTIONS[name]
    args = tuple(draw(inner) for _ in range(row.arity))
    params = tuple(draw(st.lists(signed, max_size=len(row.params))))
    return Call(name, args, params)


def expressions(count: int) -> st.SearchStrategy[Expr]:
    """Expressions that may refer to the placeholder names ``#0`` ... ``#<count-1>``."""
    leaves: list[st.SearchStrategy[Expr]] = [magnitudes.map(Number), arrays()]
    if count:
        leaves.append(st.integers(0, count - 1).map(lambda k: Name(f"#{k}")))
    return st.recursive(
        st.one_of(*leaves),
        lambda inner: st.one_of(
            st.builds(Unary, st.sampled_from("-+"), inner),
            st.builds(Binary, st.sampled_from("+-*/^@"), inner, inner),
            calls(inner),
        ),
        max_leaves=10,
    )


# Built once: strategies are costly to make, cheap to draw from.
EXPRESSIONS = [expressions(count) for count in range(6)]


def rename(expr: Expr, chosen: list[str]) -> Expr:
    if isinstance(expr, Name):
        return Name(chosen[int(expr.name[1:])])
    if isinstance(expr, Unary):
        return Unary(expr.op, rename(expr.operand, chosen))
    if isinstance(expr, Binary):
        return Binary(expr.op, rename(expr.left, chosen), rename(expr.right, chosen))
    if isinstance(expr, Call):
        return Call(expr.name, tuple(rename(a, chosen) for a in expr.args), expr.params)
    return expr


@st.composite
def programs(draw: st.DrawFn) -> ProgramAST:
    chosen = draw(st.lists(names, min_size=1, max_size=5, unique=True))
    statements: list[Statement] = [
        Assign(name, rename(draw(EXPRESSIONS[k]), chosen)) for k, name in enumerate(chosen)
    ]
    if draw(st.booleans()):
        statements.append(ExprStatement(rename(draw(EXPRESSIONS[len(chosen)]), chosen)))
    return ProgramAST(tuple(statements))


@settings(max_examples=300, deadline=None)
@given(programs())
def test_round_trip(tree: ProgramAST) -> None:
    text = to_source(tree)
    assert parse(text) == tree, text
    assert to_source(parse(text)) == text


@settings(max_examples=150, deadline=None)
@given(programs())
def test_round_trip_fully_parenthesised(tree: ProgramAST) -> None:
    assert parse(to_source(tree, full_parens=True)) == tree


# --- the builder computes what the operators mean ----------------------------------------------

small = st.integers(-5, 5).map(float)


SCALAR_EXPRESSIONS: st.SearchStrategy[Expr] = st.recursive(
    st.one_of(
        small.map(lambda v: Number(v) if v >= 0 else Unary("-", Number(-v))),
        st.sampled_from(["x", "w"]).map(Name),
    ),
    lambda inner: st.one_of(
        st.builds(Unary, st.just("-"), inner),
        st.builds(Binary, st.sampled_from("+-*/"), inner, inner),
    ),
    max_leaves=8,
)


def reference(expr: Expr, env: dict[str, Any]) -> Any:
    if isinstance(expr, Number):
        return np.float64(expr.value)
    if isinstance(expr, Name):
        return env[expr.name]
    if isinstance(expr, Unary):
        return -reference(expr.operand, env)
    assert isinstance(expr, Binary)
    a, b = reference(expr.left, env), reference(expr.right, env)
    return {"+": a + b, "-": a - b, "*": a * b, "/": a / b}[expr.op]


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_values_match_a_reference_evaluation(data: st.DataObject) -> None:
    leaves = {"x": data.draw(small), "w": data.draw(small)}
    expr = data.draw(SCALAR_EXPRESSIONS)
    source = "x = 1; w = 2\ny = " + to_source(expr)
    try:
        program = build_program(source, values=leaves)
    except LanguageError as error:
        # A sub-expression of literals alone that is not finite is refused, with its position.
        assert "constant expression is not finite" in error.message
        return
    with np.errstate(all="ignore"):
        expected = reference(expr, {k: np.float64(v) for k, v in leaves.items()})
    np.testing.assert_equal(program.output.value, expected)
