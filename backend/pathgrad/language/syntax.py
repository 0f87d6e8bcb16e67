"""The syntax tree of a program.

Positions (``span``: start and end character offsets of the expression's text, parentheses
included; ``op_span``: the operator's) are ignored by ``==``, so a tree printed with
:func:`~pathgrad.language.printer.to_source` and parsed again compares equal to the original.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pathgrad.primitives import PRECEDENCE, PREFIX

Span = tuple[int, int]

# The operators and their precedence are the table's (higher binds tighter): + − 1, * / @ 2, ^ 4,
# and a sign (the neg row; a "+" sign binds the same) 3, between * and ^.
UNARY_PRECEDENCE = PREFIX["-"].operator.precedence  # type: ignore[union-attr]
__all__ = ["PRECEDENCE", "UNARY_PRECEDENCE"]


@dataclass(frozen=True, slots=True)
class Number:
    """A numeric literal (never negative: ``-1`` is a unary minus applied to ``1``)."""

    value: float
    span: Span = field(default=(0, 0), compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Array:
    """A rectangular array literal, its elements flattened in row-major order."""

    shape: tuple[int, ...]
    values: tuple[float, ...]
    span: Span = field(default=(0, 0), compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Name:
    """A reference to an earlier statement."""

    name: str
    span: Span = field(default=(0, 0), compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Unary:
    """``-x`` or ``+x``."""

    op: str
    operand: Expr
    span: Span = field(default=(0, 0), compare=False, repr=False)
    op_span: Span = field(default=(0, 0), compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Binary:
    """``left op right`` with ``op`` one of ``+ - * / ^ @`` (``**`` is read as ``^``)."""

    op: str
    left: Expr
    right: Expr
    span: Span = field(default=(0, 0), compare=False, repr=False)
    op_span: Span = field(default=(0, 0), compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Call:
    """``name(args..., params...)``: ``args`` are expressions, ``params`` the extra numbers given."""

    name: str
    args: tuple[Expr, ...]
    params: tuple[float, ...] = ()
    span: Span = field(default=(0, 0), compare=False, repr=False)


Expr = Number | Array | Name | Unary | Binary | Call


@dataclass(frozen=True, slots=True)
class Assign:
    """``name = value``; ``span`` is the name's."""

    name: str
    value: Expr
    span: Span = field(default=(0, 0), compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class ExprStatement:
    """A bare expression (allowed as the last statement only)."""

    value: Expr


Statement = Assign | ExprStatement


@dataclass(frozen=True, slots=True)
class ProgramAST:
    """A parsed program: its statements in order, and the text they came from.

    ``resume`` holds, for each statement, where the parser stood after it: the offset just past the
    line break or ``;`` that ends it (None for the last one, ended by the end of the text) and the
    parser's node count so far. A later parse of an edited text starts after the statements the edit
    left whole (:func:`pathgrad.language.parser.parse`'s ``previous``).
    """

    statements: tuple[Statement, ...]
    source: str = field(default="", compare=False, repr=False)
    resume: tuple[tuple[int | None, int], ...] = field(default=(), compare=False, repr=False)


def children(expr: Expr) -> tuple[Expr, ...]:
    """The sub-expressions of ``expr``, in evaluation order."""
    if isinstance(expr, Binary):
        return (expr.left, expr.right)
    if isinstance(expr, Unary):
        return (expr.operand,)
    if isinstance(expr, Call):
        return expr.args
    return ()


def literal_value(expr: Expr) -> tuple[float, tuple[int, ...], tuple[float, ...]] | None:
    """``(sign, shape, values)`` when ``expr`` is a number or array literal under signs, else None."""
    sign = 1.0
    while isinstance(expr, Unary):
        if expr.op == "-":
            sign = -sign
        expr = expr.operand
    if isinstance(expr, Number):
        return sign, (), (expr.value,)
    if isinstance(expr, Array):
        return sign, expr.shape, expr.values
    return None
