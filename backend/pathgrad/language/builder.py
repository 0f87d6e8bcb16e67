"""Syntax trees to engine graphs: one :class:`~pathgrad.engine.Node` per operator, call and literal."""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np

from pathgrad.engine import Const, Node, Var, apply, expand_composites, is_finite, nonfinite_reason
from pathgrad.language.errors import LanguageError, Positions, shorten
from pathgrad.language.limits import DEFAULT_LIMITS, Limits
from pathgrad.language.parser import MAX_ARRAY_DIMS, FunctionRow, function_table, parse
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
    Span,
    Statement,
    Unary,
    children,
    literal_value,
)
from pathgrad.primitives import INFIX, PREFIX

_PARAM_NAME = re.compile(r"(w|W|b|B)[0-9]*(_\w*)?", re.ASCII)
_PARAM_PREFIXES = ("weight", "bias", "theta")
# Each operator token runs its row's Node method (a + b is Node.__add__, the compiled fast path).
_OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    token: getattr(operator, row.operator.method) for token, row in INFIX.items() if row.operator
}
_SIGNS: dict[str, Callable[[Any], Any]] = {
    token: getattr(operator, row.operator.method) for token, row in PREFIX.items() if row.operator
}
# What the engine raises for bad operands (numpy's shape errors are ValueErrors).
_ENGINE_ERRORS = (ValueError, TypeError, ArithmeticError, KeyError, NotImplementedError)


@dataclass(frozen=True)
class StatementRecord:
    """One statement as built: its syntax, the node holding its value, the nodes it created.

    ``members`` are the nodes this statement added to the graph (constants included, in no
    particular order); a leaf's member is its variable, an alias such as ``y = h`` has none.
    """

    statement: Statement
    node: Node
    members: tuple[Node, ...]


@dataclass
class Program:
    """A built program.

    Attributes:
        output: the node the program computes (its last statement, or the one named as output).
        names: every named statement's node, by name, in order.
        leaves: the variables (``name = literal`` statements), by name, in order of definition.
        source: the program's text.
        statements: every statement as built, in order (the values view reads them).
        output_statement: the index in ``statements`` of the output's statement.
        limits, expand: what the program was built with.
    """

    output: Node
    names: dict[str, Node]
    leaves: dict[str, Node]
    source: str
    statements: tuple[StatementRecord, ...] = ()
    output_statement: int = -1
    limits: Limits = field(default=DEFAULT_LIMITS)
    expand: bool = False


def leaf_kind(name: str) -> str:
    """``"param"`` for names that look like weights (w, W2, b_out, weight, theta1), else ``"input"``."""
    if _PARAM_NAME.fullmatch(name) or name.lower().startswith(_PARAM_PREFIXES):
        return "param"
    return "input"


def build_program(
    source: str,
    values: Mapping[str, Any] | None = None,
    output: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    expand: bool = False,
) -> Program:
    """Parse ``source`` and build its computation graph.

    Args:
        source: the program, e.g. ``"x = 1; w = 0; b = 0\\ny = sigmoid(w*x + b)"``.
        values: numbers or nested lists replacing the literals of leaves, by name.
        output: the statement whose node is the output (default: the last statement).
        limits: bounds to enforce.
        expand: record sigmoid and tanh as their compositions (grouped nodes).

    Returns:
        The :class:`Program`. Raises :class:`LanguageError` on any problem.

    >>> build_program("x = 1; w = 0; b = 0\\ny = sigmoid(w*x + b)").output.value
    0.5
    """
    return build(parse(source, limits), values, output, limits, expand)


def build(
    tree: ProgramAST,
    values: Mapping[str, Any] | None = None,
    output: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    expand: bool = False,
) -> Program:
    """Build an already parsed program; arguments as for :func:`build_program`."""
    builder = _Builder(tree, limits)
    overrides = builder.check_values(values or {})
    with expand_composites(expand):
        last = builder.statements(overrides)
    if output is not None:
        if output not in builder.names:
            raise builder.pos.error(
                f"unknown output {shorten(output)!r}: no statement defines it", 0, field="output"
            )
        last = builder.names[output]
        index = builder.bound[output]
    else:
        index = len(builder.records) - 1
    return Program(
        last, builder.names, builder.leaves, tree.source, tuple(builder.records), index, limits, expand
    )


def leaf_values(
    tree: ProgramAST, values: Mapping[str, Any] | None = None, limits: Limits = DEFAULT_LIMITS
) -> list[Any]:
    """The value each leaf statement (``name = literal``) of ``tree`` gets when built with ``values``,
    in statement order: the checked override, or its literal. Raises :class:`LanguageError` for a bad
    value exactly as :func:`build` does (the same check), so a built graph can be given new values
    without building it again."""
    overrides = _Builder(tree, limits).check_values(values or {})
    out = []
    for statement in tree.statements:
        if isinstance(statement, Assign):
            literal = literal_value(statement.value)
            if literal is not None:
                name = statement.name
                out.append(overrides[name] if name in overrides else _literal(literal))
    return out


def record_expression(
    expr: Expr,
    names: Mapping[str, Node],
    limits: Limits = DEFAULT_LIMITS,
    expand: bool = False,
    source: str = "",
) -> Node:
    """Record ``expr`` once more, its names bound to ``names``: the same operations as the builder.

    The values view re-records a statement on fresh variables to take its local derivatives.
    ``source`` is the program's text (for the positions of errors, which a statement that built
    once does not raise).
    """
    builder = _Builder(ProgramAST((), source), limits)
    builder.names = dict(names)
    with expand_composites(expand):
        return builder.evaluate(expr)


class _Builder:
    def __init__(self, tree: ProgramAST, limits: Limits) -> None:
        self.tree = tree
        self.limits = limits
        self.pos = Positions(tree.source)
        self.functions: Mapping[str, FunctionRow] = function_table()
        self.names: dict[str, Node] = {}
        self.leaves: dict[str, Node] = {}
        self.seen: set[int] = set()
        self.created: list[Node] = []  # keeps ids in `seen` from being reused
        self.elements = 0
        self.records: list[StatementRecord] = []
        self.bound: dict[str, int] = {}  # name -> index of the statement that bound it last

    def error(
        self, message: str, span: Span, limit: str | None = None, field: str = "source"
    ) -> LanguageError:
        return self.pos.error(message, span[0], span[1], limit, field)

    # --- values ---------------------------------------------------------------------------------

    def check_values(self, values: Mapping[str, Any]) -> dict[str, Any]:
        statements = {s.name: s for s in self.tree.statements if isinstance(s, Assign)}
        out: dict[str, Any] = {}
        for name, value in values.items():
            statement = statements.get(name)
            if statement is None:
                raise self.error(
                    f"unknown name {shorten(str(name))!r} in values", (0, 0), field=f"values.{name}"
                )
            if literal_value(statement.value) is None:
                raise self.error(
                    f"'{name}' in values is computed by the program; only leaves "
                    "(name = number or array) can be given values",
                    statement.span,
                    field=f"values.{name}",
                )
            try:
                out[name] = _user_value(value, self.limits)
            except _BadValue as bad:
                raise self.error(
                    f"values['{name}']: {bad}", statement.span, bad.limit, f"values.{name}"
                ) from None
        return out

    # --- statements -----------------------------------------------------------------------------

    def statements(self, overrides: dict[str, Any]) -> Node:
        last: Node | None = None
        for statement in self.tree.statements:
            start = len(self.created)
            if isinstance(statement, ExprStatement):
                last = self.evaluate(statement.value)
                self.records.append(StatementRecord(statement, last, tuple(self.created[start:])))
                continue
            name = statement.name
            literal = literal_value(statement.value)
            if literal is not None:
                value = overrides[name] if name in overrides else _literal(literal)
                node = self.engine(partial(Var, value, name=name, kind=leaf_kind(name)), statement.span)
                self.leaves[name] = node
            else:
                node = self.evaluate(statement.value)
                if node.name is None:
                    node.name = name
            self.names[name] = node
            self.bound[name] = len(self.records)
            self.records.append(StatementRecord(statement, node, tuple(self.created[start:])))
            last = node
        if last is None:
            raise self.error("the program is empty", (0, 0))
        return last

    # --- expressions ----------------------------------------------------------------------------

    def evaluate(self, root: Expr) -> Node:
        # Post-order with an explicit stack: a sum of 10,000 terms is a 10,000-deep tree.
        results: list[Node] = []
        stack: list[tuple[Expr, bool]] = [(root, False)]
        while stack:
            expr, ready = stack.pop()
            if ready:
                count = len(children(expr))
                args = results[len(results) - count :]
                del results[len(results) - count :]
                results.append(self.combine(expr, args))
                continue
            literal = literal_value(expr)
            if literal is not None:
                results.append(self.engine(partial(Const, _literal(literal)), _where(expr)))
            elif isinstance(expr, Name):
                node = self.names.get(expr.name)
                if node is None:
                    raise self.error(f"'{shorten(expr.name)}' is not defined", expr.span)
                results.append(node)
            else:
                stack.append((expr, True))
                stack.extend((child, False) for child in reversed(children(expr)))
        return results[0]

    def combine(self, expr: Expr, args: list[Node]) -> Node:
        if isinstance(expr, Unary):
            if expr.op == "+":  # a plus sign records nothing
                return args[0]
            sign = _SIGNS[expr.op]
            return self.engine(lambda: sign(args[0]), _where(expr))
        if isinstance(expr, Binary):
            a, b = args
            av, bv = a.value, b.value
            if type(av) is not float or type(bv) is not float or expr.op == "@":
                self.check_shape(expr, np.shape(av), np.shape(bv))
            function = _OPERATORS[expr.op]
            return self.engine(lambda: function(a, b), expr.op_span)
        assert isinstance(expr, Call)
        row = self.functions.get(expr.name)
        if row is None:
            raise self.error(f"unknown function '{shorten(expr.name)}'", expr.span)
        params = {p.name: v for p, v in zip(row.params, expr.params, strict=False)}
        return self.engine(lambda: apply(expr.name, *args, **params), expr.span)

    def check_shape(self, expr: Binary, a: tuple[int, ...], b: tuple[int, ...]) -> None:
        # Before computing: broadcasting two 100,000-element vectors could ask for 10^10 numbers.
        try:
            shape = _matmul_shape(a, b) if expr.op == "@" else np.broadcast_shapes(a, b)
        except ValueError:
            if expr.op != "@":
                message = f"'{expr.op}' cannot combine shapes {a} and {b}"
            elif len(a) > 2 or len(b) > 2:
                message = f"'@' multiplies vectors and matrices, not shapes {a} and {b}"
            elif not a or not b:
                side = "its left side is" if b else "its right side is" if a else "both its sides are"
                message = f"'@' multiplies arrays, but {side} a number (use '*')"
            else:
                message = f"'@' cannot multiply shapes {a} and {b}"
            raise self.error(message, expr.op_span) from None
        size = math.prod(shape)
        if size > self.limits.max_array_elements:
            raise self.error(
                f"the result of '{expr.op}' would have {size:,} elements, more than "
                f"max_array_elements={self.limits.max_array_elements:,}",
                expr.op_span,
                limit="max_array_elements",
            )
        if self.elements + size > self.limits.max_total_elements:
            raise self._too_many_elements(expr.op_span)

    def engine(self, make: Callable[[], Node], span: Span) -> Node:
        """Run one engine call; its errors and its new nodes are charged to ``span``."""
        try:
            node = make()
        except _ENGINE_ERRORS as exc:
            raise self.error(str(exc) or type(exc).__name__, span) from None
        self.account(node, span)
        if node.prim is not None and not node.requires_grad and not is_finite(node.value):
            # Only literals feed it, so the text itself is at fault (like the literal 1e309);
            # non-finite values that depend on a leaf are drawn, flagged, with their reason.
            raise self.error(f"this constant expression is not finite: {nonfinite_reason(node)}", span)
        return node

    def account(self, node: Node, span: Span) -> None:
        stack = [node]
        while stack:
            current = stack.pop()
            if id(current) in self.seen:
                continue
            self.seen.add(id(current))
            self.created.append(current)
            if len(self.created) > self.limits.max_nodes:
                raise self.error(
                    f"the program makes more than max_nodes={self.limits.max_nodes:,} nodes",
                    span,
                    limit="max_nodes",
                )
            value = current.value
            size = 1 if type(value) is float else int(np.size(value))
            if size > self.limits.max_array_elements:
                raise self.error(
                    f"a value has {size:,} elements, more than "
                    f"max_array_elements={self.limits.max_array_elements:,}",
                    span,
                    limit="max_array_elements",
                )
            self.elements += size
            if self.elements > self.limits.max_total_elements:
                raise self._too_many_elements(span)
            stack.extend(current.parents)

    def _too_many_elements(self, span: Span) -> LanguageError:
        return self.error(
            "the program's values would hold more than "
            f"max_total_elements={self.limits.max_total_elements:,} numbers",
            span,
            limit="max_total_elements",
        )


def _where(expr: Expr) -> Span:
    # Errors point at the operator, or at the whole call or literal.
    if isinstance(expr, Unary | Binary):
        return expr.op_span
    assert isinstance(expr, Number | Array | Call | Name)
    return expr.span


def _literal(literal: tuple[float, tuple[int, ...], tuple[float, ...]]) -> Any:
    sign, shape, values = literal
    if not shape:
        return sign * values[0]
    return sign * np.array(values, dtype=np.float64).reshape(shape)


def _matmul_shape(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...]:
    """The shape of ``a @ b`` as numpy computes it, or ValueError."""
    # Vectors and matrices only: batched products with a vector have no reverse rule yet.
    if not a or not b or len(a) > 2 or len(b) > 2:
        raise ValueError("matmul needs vectors or matrices")
    a2 = (1, *a) if len(a) == 1 else a
    b2 = (*b, 1) if len(b) == 1 else b
    if a2[-1] != b2[-2]:
        raise ValueError("inner dimensions differ")
    rows = (a2[-2],) if len(a) > 1 else ()
    cols = (b2[-1],) if len(b) > 1 else ()
    return (*rows, *cols)


class _BadValue(Exception):
    def __init__(self, message: str, limit: str | None = None) -> None:
        super().__init__(message)
        self.limit = limit


def _is_number(x: Any) -> bool:
    return isinstance(x, int | float | np.integer | np.floating) and not isinstance(x, bool | np.bool_)


def _user_value(value: Any, limits: Limits) -> Any:
    """A user-given leaf value as a float or float64 array, checked against ``limits``."""
    if _is_number(value):
        try:
            number = float(value)
        except OverflowError:
            number = math.inf
        _check_finite(np.asarray(number), limits)
        return number
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "iuf":
            raise _BadValue("must be a number or an array of numbers")
        flat = value
    elif isinstance(value, list | tuple):
        # Shape from the first elements, then every level checked: no recursion, no numpy guessing.
        shape: list[int] = []
        probe: Any = value
        while isinstance(probe, list | tuple):
            if not probe:
                raise _BadValue("empty array")
            shape.append(len(probe))
            if len(shape) > MAX_ARRAY_DIMS:
                raise _BadValue(f"an array may have at most {MAX_ARRAY_DIMS} dimensions")
            probe = probe[0]
        _check_size(math.prod(shape), limits)
        level: list[Any] = [value]
        for n in shape:
            below: list[Any] = []
            for item in level:
                if not isinstance(item, list | tuple) or len(item) != n:
                    raise _BadValue("ragged array: every row must have the same shape")
                below.extend(item)
            level = below
        if not all(_is_number(x) for x in level):
            raise _BadValue("array elements must be numbers")
        try:
            flat = np.array(level, dtype=np.float64).reshape(shape)
        except OverflowError:
            raise _BadValue(
                f"a number is too large (max_number_abs={limits.max_number_abs:g})",
                "max_number_abs",
            ) from None
    else:
        raise _BadValue(f"must be a number or a list of numbers, not {type(value).__name__}")
    _check_size(int(flat.size), limits)
    array = np.array(flat, dtype=np.float64)  # a copy: the caller's array stays theirs
    _check_finite(array, limits)
    return float(array) if array.ndim == 0 else array


def _check_size(size: int, limits: Limits) -> None:
    if size > limits.max_array_elements:
        raise _BadValue(
            f"{size:,} elements, more than max_array_elements={limits.max_array_elements:,}",
            "max_array_elements",
        )


def _check_finite(array: np.ndarray, limits: Limits) -> None:
    if np.isnan(array).any():
        raise _BadValue("numbers must not be NaN")
    if array.size and float(np.max(np.abs(array))) > limits.max_number_abs:
        raise _BadValue(
            f"a number is too large (max_number_abs={limits.max_number_abs:g})", "max_number_abs"
        )
