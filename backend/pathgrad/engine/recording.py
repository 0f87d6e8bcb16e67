"""Recording: applying a row of the table to nodes makes a new node (the generic code path).

On numbers the value and the edge-local derivatives are computed now (:func:`scalar_rule`); with an
array among the arguments only the value is, and reverse mode computes the derivatives later. The
compiled makers of :mod:`pathgrad.engine.compiled` are the fast path of the same thing on numbers.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import numpy as np

from pathgrad.backends import ARRAY, SCALAR
from pathgrad.engine.nodes import Group, Node, Value, constant, new_node, next_serial, resolve
from pathgrad.primitives import PRIMITIVES, Primitive

DOMAIN_ERRORS = (ArithmeticError, ValueError)
"""What the math module raises where IEEE arithmetic gives inf or nan."""

EXPAND: ContextVar[bool] = ContextVar("pathgrad_expand_composites", default=False)
_group_ids = itertools.count()


@contextmanager
def expand_composites(expand: bool = True) -> Iterator[None]:
    """Record sigmoid and tanh as their compositions (the seed's 1/(1+exp(−z))) inside the block."""
    token = EXPAND.set(expand)
    try:
        yield
    finally:
        EXPAND.reset(token)


def scalar_rule(
    row: Primitive, values: tuple[float, ...], params: tuple[Any, ...]
) -> tuple[float, tuple[float, ...]]:
    """A row's value and edge-local derivatives on numbers: the math module, else numpy.

    Recording (generic and compiled) and :func:`~pathgrad.engine.replay.recompute` all go through
    this rule: math is fast but raises where IEEE arithmetic gives inf or nan, so there numpy
    computes the same rule again and gives the IEEE answer.
    """
    assert row.partials is not None
    try:
        value = row.forward(SCALAR, *values, *params)
        return value, row.partials(SCALAR, value, *values, *params)
    except DOMAIN_ERRORS:
        return scalar_fallback(row, values, params)


def scalar_fallback(
    row: Primitive, values: tuple[float, ...], params: tuple[Any, ...]
) -> tuple[float, tuple[float, ...]]:
    """:func:`scalar_rule` with numpy, for where math raised."""
    xs = [np.float64(v) for v in values]
    with np.errstate(all="ignore"):
        value = row.forward(ARRAY, *xs, *params)
        assert row.partials is not None
        partials = row.partials(ARRAY, value, *xs, *params)
    return float(value), tuple(float(resolve(d)) for d in partials)


def op_node(
    row: Primitive, x: Node, y: Node | None, params: tuple[Any, ...], value: Value,
    partials: tuple[float, ...] | None,
) -> Node:
    """A new operation node (``partials`` on numbers; None on arrays, whose derivatives are lazy)."""
    if partials is None:
        d0 = d1 = None
    else:
        d0 = partials[0]
        d1 = None if y is None else partials[1]
    node = new_node(
        value, row, x, y, d0, d1, x.requires_grad or (y is not None and y.requires_grad), "op"
    )
    if params:
        node.params = params
    return node


def unary(row: Primitive, x: Any, params: tuple[Any, ...] = ()) -> Node:
    """Apply a one-argument row (a raw number becomes a constant)."""
    if type(x) is not Node:
        x = constant(x)
    if row.expansion is not None and EXPAND.get():
        return expand(row, (x,), params)
    xv = x.value
    if type(xv) is float and row.partials is not None:
        value, partials = scalar_rule(row, (xv,), params)
        return op_node(row, x, None, params, value, partials)
    return array_node(row, x, None, params)


def binary(row: Primitive, a: Any, b: Any) -> Node:
    """Apply a two-argument row (raw numbers become constants)."""
    if type(a) is not Node:
        a = constant(a)
    if type(b) is not Node:
        b = constant(b)
    av = a.value
    bv = b.value
    if type(av) is float and type(bv) is float and row.partials is not None:
        value, partials = scalar_rule(row, (av, bv), ())
        return op_node(row, a, b, (), value, partials)
    return array_node(row, a, b, ())


def array_node(row: Primitive, x: Node, y: Node | None, params: tuple[Any, ...]) -> Node:
    """An operation with an array among its arguments: the value now, derivatives in reverse mode."""
    values = (x.value,) if y is None else (x.value, y.value)
    try:
        value = row.forward(ARRAY, *values, *params)
    except FloatingPointError:  # the caller's np.seterr asked numpy to raise
        with np.errstate(all="ignore"):
            value = row.forward(ARRAY, *values, *params)
    if type(value) is not np.ndarray or value.ndim == 0:
        value = float(value)
    return op_node(row, x, y, params, value, None)


def expand(row: Primitive, args: tuple[Node, ...], params: tuple[Any, ...]) -> Node:
    """Record a composite row as its expansion, the new nodes marked as one :class:`Group`."""
    # The graph backend is built from the makers, which are built on this module.
    from pathgrad.engine.graph_backend import GRAPH

    assert row.expansion is not None
    first_new = next_serial()
    out: Node = row.expansion(GRAPH, *args, *params)
    group = Group(row.name, next(_group_ids))
    stack = [out]
    while stack:
        node = stack.pop()
        if node.serial > first_new and node.group is None:
            node.group = group
            stack.extend(node.parents)
    return out


def apply(name: str | Primitive, *args: Any, **params: Any) -> Node:
    """Apply a primitive by name: ``apply("leaky_relu", x, slope=0.1)``.

    Missing extra parameters take the table's defaults; an unknown name raises ``KeyError`` naming it.
    """
    row = name if isinstance(name, Primitive) else PRIMITIVES.get(name)
    if row is None:
        raise KeyError(f"no primitive named {name!r}")
    if len(args) != row.arity:
        raise TypeError(f"{row.name} takes {row.arity} argument(s), got {len(args)}")
    unknown = set(params) - {p.name for p in row.params}
    if unknown:
        raise TypeError(f"{row.name} has no parameter {sorted(unknown)[0]!r}")
    extra = tuple(params.get(p.name, p.default) for p in row.params)
    if row.arity == 1:
        return unary(row, args[0], extra)
    if extra:
        raise TypeError(f"{row.name}: binary primitives take no extra parameters")
    return binary(row, args[0], args[1])
