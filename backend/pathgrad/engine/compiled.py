"""The makers: one public function per row of the table, and Node's operators, built from the table.

Recording a graph of numbers is the hot loop of the scalar path. A generic maker pays three Python
calls per operation (itself, the row's forward, the row's partials); a row whose two rules are texts
(see :func:`pathgrad.primitives.rule`) gets a maker compiled from them, so the value and its
edge-local derivatives are computed inline and the node is built in place, in one call. Rows whose
rules are functions, take extra parameters or have no partials get the generic maker
(:func:`pathgrad.engine.recording.apply`).

The compiled source is registered in :mod:`linecache` under its file name
(``<pathgrad maker for exp>``), so tracebacks and :func:`inspect.getsource` show the rule.
"""

from __future__ import annotations

import inspect
import linecache
from collections.abc import Callable
from numbers import Real
from types import SimpleNamespace
from typing import Any

from pathgrad.backends import SCALAR
from pathgrad.engine.nodes import NODE_FIELDS, Node, constant, next_serial
from pathgrad.engine.recording import (
    DOMAIN_ERRORS,
    EXPAND,
    apply,
    array_node,
    binary,
    scalar_fallback,
    unary,
)
from pathgrad.primitives import PRIMITIVES, Primitive

Maker = Callable[..., Node]

# The scalar backend's functions as plain attributes: the inlined rule texts call F.exp(x).
_SCALAR_F = SimpleNamespace(
    **{name: getattr(SCALAR, name) for name in dir(SCALAR) if not name.startswith("_")}
)

# One template for both arities. {take} binds the argument values to the rule's own names; the
# generic code takes over for arrays (and for composites being expanded).
_TEMPLATE = """
def {function}({signature}):
{take}
    if {not_numbers}:
        return {generic}
    try:
        {ans} = {forward}
        {partial_names} = {partials}
    except _DOMAIN_ERRORS:
        {ans}, {partial_names} = _scalar_fallback(row, ({values}), ())
{make_node}
    return _node
"""

_TAKE_ONE = """\
    if type(_arg) is not Node:
        _arg = _constant(_arg)
    {x} = _arg.value"""

_TAKE_TWO = """\
    if type(_other) is not Node:
        if type(_other) is float:  # a literal number (the common case): a constant leaf
{make_constant}
            _other = _node
        else:
            _other = _constant(_other)
    _left, _right = {order}
    {a} = _left.value
    {b} = _right.value"""


def inline_new_node(*arguments: str, indent: str = "    ") -> str:
    """Statements making ``_node`` as ``new_node(*arguments)`` does: the one constructor, inlined.

    A call per operation is a fifth of recording's time, so the compiled makers build the node in
    place from :data:`~pathgrad.engine.nodes.NODE_FIELDS`, the fields ``new_node`` sets.
    """
    lines = ["_node = _new(Node)"]
    lines += [f"_node.{field} = {argument}" for field, argument in zip(NODE_FIELDS, arguments, strict=True)]
    lines.append("_node.serial = _next_serial()")
    return "\n".join(indent + line for line in lines)


_MAKE_CONSTANT = inline_new_node(
    "_other", "None", "None", "None", "None", "None", "False", '"const"', indent="            "
)


class RuleNamesError(ValueError):
    """A row's forward and partials texts disagree on their arguments' names."""


def rule_names(row: Primitive) -> tuple[str, tuple[str, ...]] | None:
    """(result name, argument names) of a row with a compiled fast path; None for the generic one.

    A row takes the generic path when it has extra parameters or a rule that is a function rather
    than a text. Two texts must agree on the arguments' names (they are inlined into one function),
    and a mismatch is a mistake in the table, so it raises rather than quietly taking the slow path.
    """
    forward, partials = row.forward, row.partials
    if row.params or not hasattr(forward, "text") or partials is None or not hasattr(partials, "text"):
        return None
    forward_names: tuple[str, ...] = forward.arguments  # type: ignore[attr-defined]
    partial_names: tuple[str, ...] = partials.arguments  # type: ignore[attr-defined]
    backend, *arguments = forward_names
    partials_backend, ans, *rest = partial_names
    if backend != "F" or partials_backend != "F":
        raise RuleNamesError(f"row {row.name!r}: rule texts take the backend as F first")
    if rest != arguments or len(arguments) != row.arity:
        raise RuleNamesError(
            f"row {row.name!r}: forward takes ({', '.join(forward_names)}) and partials take "
            f"({', '.join(partial_names)}); partials take F, the result, then forward's arguments "
            f"with the same names ({row.arity} of them)"
        )
    return ans, tuple(arguments)


def _compile(row: Primitive, source: str, *names: str) -> list[Any]:
    """Run ``source`` and return its functions ``names``; the source is kept for tracebacks."""
    filename = f"<pathgrad maker for {row.name}>"
    # (size, mtime None: never stale, lines, name): how linecache holds source it cannot reread.
    linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
    namespace: dict[str, Any] = {
        "F": _SCALAR_F, "Node": Node, "row": row, "_new": object.__new__, "_next_serial": next_serial,
        "_constant": constant,
        "_unary": unary, "_array_node": array_node, "_scalar_fallback": scalar_fallback,
        "_DOMAIN_ERRORS": DOMAIN_ERRORS, "_EXPAND": EXPAND, "__name__": __name__,
    }
    exec(compile(source, filename, "exec"), namespace)
    return [namespace[name] for name in names]


def _fill(row: Primitive, ans: str, **fields: str) -> str:
    return _TEMPLATE.format(
        ans=ans, forward=row.forward.text,  # type: ignore[attr-defined]
        partials=row.partials.text,  # type: ignore[union-attr]
        **fields,
    )


def _compiled_unary(row: Primitive, ans: str, x: str) -> Maker:
    source = _fill(
        row, ans, function=row.name, signature="_arg", take=_TAKE_ONE.format(x=x),
        not_numbers=f"type({x}) is not float" + (" or _EXPAND.get()" if row.expansion else ""),
        generic="_unary(row, _arg, ())", partial_names="(_d0,)", values=f"{x},",
        make_node=inline_new_node(ans, "row", "_arg", "None", "_d0", "None", "_arg.requires_grad", '"op"'),
    )
    (maker,) = _compile(row, source, row.name)
    return maker


def _compiled_operators(row: Primitive, ans: str, a: str, b: str) -> tuple[Any, Any]:
    """Node's method for ``row`` and its reflection (``2 - x``), compiled as one source."""
    shared = dict(
        signature="_self, _other", not_numbers=f"type({a}) is not float or type({b}) is not float",
        generic="_array_node(row, _left, _right, ())", partial_names="(_d0, _d1)", values=f"{a}, {b}",
        make_node=inline_new_node(
            ans, "row", "_left", "_right", "_d0", "_d1", "_left.requires_grad or _right.requires_grad", '"op"'
        ),
    )
    source = "".join(
        _fill(
            row, ans, function=function,
            take=_TAKE_TWO.format(order=order, a=a, b=b, make_constant=_MAKE_CONSTANT), **shared,
        )
        for function, order in (("operator", "_self, _other"), ("reflected", "_other, _self"))
    )
    operator, reflected = _compile(row, source, "operator", "reflected")
    return operator, reflected


def _generic_maker(row: Primitive) -> Maker:
    """A maker through :func:`apply`: arguments, then the extra parameters by position or name."""
    names = [p.name for p in row.params]

    def make(*args: Any, **params: Any) -> Node:
        extra = args[row.arity:]
        if len(extra) > len(names):
            raise TypeError(f"{row.name} takes {row.arity} argument(s) and {len(names)} parameter(s)")
        for name, value in zip(names, extra, strict=False):
            if name in params:
                raise TypeError(f"{row.name} got {name!r} twice")
            params[name] = value
        params = {k: float(v) if isinstance(v, Real) else v for k, v in params.items()}
        return apply(row, *args[:row.arity], **params)

    return make


def _signature(row: Primitive) -> inspect.Signature:
    """What ``help()`` shows: ``leaky_relu(x, slope=0.01)``, ``add(a, b)``."""
    positional = inspect.Parameter.POSITIONAL_OR_KEYWORD
    args = ["x"] if row.arity == 1 else ["a", "b"]
    return inspect.Signature(
        [inspect.Parameter(name, inspect.Parameter.POSITIONAL_ONLY) for name in args]
        + [inspect.Parameter(p.name, positional, default=p.default) for p in row.params]
    )


def make_maker(row: Primitive) -> Maker:
    """The public function of a row: ``exp(x)``, ``leaky_relu(x, slope=0.01)``, ``add(a, b)``."""
    names = rule_names(row)
    if row.arity == 1 and names is not None:
        ans, (x,) = names
        maker = _compiled_unary(row, ans, x)
    else:
        maker = _generic_maker(row)
    maker.__name__ = maker.__qualname__ = row.name
    maker.__doc__ = f"{row.doc}. Derivative: {row.formula}."
    maker.__signature__ = _signature(row)  # type: ignore[attr-defined]
    return maker


def make_operators(row: Primitive) -> tuple[Any, Any]:
    """Node's method for a binary row and its reflection (raw numbers on either side are constants)."""
    names = rule_names(row)
    if names is None:

        def operator(self: Node, other: Any) -> Node:
            return binary(row, self, other)

        def reflected(self: Node, other: Any) -> Node:
            return binary(row, other, self)

    else:
        ans, (a, b) = names
        operator, reflected = _compiled_operators(row, ans, a, b)
    for method in (operator, reflected):
        method.__doc__ = f"{row.doc}; derivative: {row.formula}."
    return operator, reflected


MAKERS: dict[str, Maker] = {name: make_maker(row) for name, row in PRIMITIVES.items()}
"""Every row's public function, by the row's name (``pathgrad.exp`` is ``MAKERS["exp"]``)."""

for _row in PRIMITIVES.values():
    if _row.operator is None:
        continue
    if _row.arity == 1:  # a sign: -x
        setattr(Node, _row.operator.method, MAKERS[_row.name])
    else:
        _operator, _reflected = make_operators(_row)
        setattr(Node, _row.operator.method, _operator)
        setattr(Node, _row.operator.reflected_method, _reflected)
