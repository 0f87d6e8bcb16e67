"""Reverse mode: adjoints by one sweep in reverse topological order, one vector-Jacobian product per edge.

On numbers each node already holds its edge-local derivatives, so the sweep is one multiply-add per
edge. On arrays the vector-Jacobian products are computed now, and only for parents that need a
gradient. With ``create_graph=True`` the sweep evaluates the rules with the graph backend, so the
adjoints are nodes that can be differentiated again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from types import FunctionType
from typing import Any

import numpy as np

from pathgrad.backends import ARRAY, sum_to_shape
from pathgrad.engine.graph_backend import GRAPH
from pathgrad.engine.nodes import Const, Node, Value, array_operands, constant, resolve
from pathgrad.engine.traversal import ones_like, sweep_order, topological_order, zeros_like


def gradients(
    output: Node,
    *,
    create_graph: bool = False,
    order: Sequence[Node] | None = None,
    retain: Iterable[Node] | None = None,
) -> dict[Node, Any]:
    """Reverse mode: the adjoint d(output)/d(node) of every ancestor that needs a gradient.

    One sweep in reverse topological order, one vector-Jacobian product per edge. Pure: it returns
    a new dict and changes no node, so calling it twice gives the same answer. With
    ``create_graph=True`` the adjoints are themselves nodes, so they can be differentiated again.
    With ``retain`` only those nodes' adjoints are kept: the others are freed as soon as they have
    been passed on, which saves memory (and time) on large arrays.
    """
    if create_graph:
        return _gradients_graph(output, topological_order([output]) if order is None else order)
    if order is None:
        order = sweep_order(output)
    adjoints: dict[Node, Any] = {output: ones_like(output.value)}
    get = adjoints.get
    keep = None if retain is None else set(retain)
    with np.errstate(all="ignore"):
        for node in reversed(order):
            g = get(node)
            if g is None:
                continue
            d = node.d0
            if d is not None:  # numbers: one multiply-add per edge (the hot loop)
                parent: Any = node.p0
                if parent.requires_grad:
                    if parent in adjoints:
                        adjoints[parent] += g * d
                    else:
                        adjoints[parent] = g * d
                parent = node.p1
                if parent is not None and parent.requires_grad:
                    if parent in adjoints:
                        adjoints[parent] += g * node.d1
                    else:
                        adjoints[parent] = g * node.d1
                continue
            if node.p0 is None:  # a leaf
                continue
            if keep is not None and node not in keep:
                del adjoints[node]  # an array adjoint nobody asked for: free it now
            _backprop_array(node, g, adjoints)
    if keep is not None:
        return {node: adjoints[node] for node in keep if node in adjoints}
    return adjoints


def _backprop_array(node: Node, g: Any, adjoints: dict[Node, Any]) -> None:
    """Add ``node``'s contributions to its parents' adjoints (``g`` is node's adjoint, on arrays).

    A row with an ``array_vjp`` (the numpy-only form of its rule) takes one call and computes only
    the sides that need a gradient; any other row goes through :func:`_vjp_array`.
    """
    fast = node.prim.array_vjp  # type: ignore[union-attr]
    if fast is None:
        get = adjoints.get
        for parent, contribution in _vjp_array(node, g):
            previous = get(parent)
            adjoints[parent] = contribution if previous is None else previous + contribution
        return
    x: Any = node.p0
    y = node.p1
    if y is None:
        if x.requires_grad:
            xv = x.value
            params = node.params
            grad = fast(g, node.value, xv, *params) if params else fast(g, node.value, xv)
            if type(xv) is not np.ndarray or grad.shape != xv.shape:
                grad = _fit(grad, xv)
            previous = adjoints.get(x)
            adjoints[x] = grad if previous is None else previous + grad
        return
    need_x = x.requires_grad
    need_y = y.requires_grad
    xv = x.value
    yv = y.value
    gx, gy = fast(g, node.value, xv, yv, need_x, need_y)
    if need_x:
        if type(xv) is not np.ndarray or gx.shape != xv.shape:
            gx = _fit(gx, xv)
        previous = adjoints.get(x)
        adjoints[x] = gx if previous is None else previous + gx
    if need_y:
        if type(yv) is not np.ndarray or gy.shape != yv.shape:
            gy = _fit(gy, yv)
        previous = adjoints.get(y)
        adjoints[y] = gy if previous is None else previous + gy


def _vjp_array(node: Node, g: Any) -> list[tuple[Node, Any]]:
    """:func:`_vjp` on values (not nodes), for the rows without an ``array_vjp``."""
    row = node.prim
    assert row is not None
    parents = node.parents
    xs = [p.value for p in parents]
    ans, args = array_operands(node)
    if row.vjp is not None:
        grads = row.vjp(ARRAY, g, ans, *args, *node.params)
    else:
        assert row.partials is not None
        partials = row.partials(ARRAY, ans, *args, *node.params)
        grads = [g * resolve(d) if p.requires_grad else None for p, d in zip(parents, partials)]  # noqa: B905
    out = []
    for parent, value, grad in zip(parents, xs, grads):  # noqa: B905 (hot loop; one per parent)
        if grad is None or not parent.requires_grad:
            continue
        if type(grad) is FunctionType:  # a lazy rule: only now that this parent needs it
            grad = grad()
        out.append((parent, _fit(grad, value)))
    return out


def _fit(grad: Any, value: Value) -> Any:
    """A parent's gradient in the parent's shape: summed over what broadcasting repeated."""
    if type(value) is float:
        return grad if type(grad) is float else float(np.sum(grad))
    if grad.shape != value.shape:
        return sum_to_shape(grad, value.shape)
    return grad


def _vjp_graph(node: Node, g: Node) -> list[tuple[Node, Node]]:
    """(parent, contribution) for each parent of ``node`` that needs a gradient, recorded as nodes.

    The rules are evaluated with the graph backend on the nodes themselves (values go through
    :func:`_vjp_array` instead), so every contribution is a node in the parent's shape.
    """
    row = node.prim
    assert row is not None
    parents = node.parents
    if row.vjp is not None:
        grads = row.vjp(GRAPH, g, node, *parents, *node.params)
    elif row.partials is not None:
        partials = row.partials(GRAPH, node, *parents, *node.params)
        grads = [g * resolve(d) if p.requires_grad else None for p, d in zip(parents, partials)]  # noqa: B905
    else:
        raise NotImplementedError(f"{row.name} has no derivative rule")
    out = []
    for parent, grad in zip(parents, grads):  # noqa: B905 (the rule gives one per parent)
        if grad is None or not parent.requires_grad:
            continue
        if type(grad) is FunctionType:  # a lazy rule: only now that this parent needs it
            grad = grad()
        out.append((parent, GRAPH.sum_to(constant(grad), parent.shape)))
    return out


def _gradients_graph(output: Node, order: Sequence[Node]) -> dict[Node, Any]:
    adjoints: dict[Node, Any] = {output: Const(ones_like(output.value))}
    with np.errstate(all="ignore"):
        for node in reversed(order):
            g = adjoints.get(node)
            if g is None or not node.parents:
                continue
            for parent, contribution in _vjp_graph(node, g):
                previous = adjoints.get(parent)
                adjoints[parent] = contribution if previous is None else previous + contribution
    return adjoints


def grad(output: Node, wrt: Sequence[Node], *, create_graph: bool = False) -> list[Any]:
    """d(output)/d(w) for each w in ``wrt`` (zero where output does not depend on w).

    >>> x, w, b = Var(1.0), Var(0.0), Var(0.0)
    >>> grad(sigmoid(w * x + b), [w, b])
    [0.25, 0.25]
    """
    adjoints = gradients(output, create_graph=create_graph, retain=None if create_graph else wrt)
    out = []
    for w in wrt:
        g = adjoints.get(w)
        if g is None:
            g = Const(zeros_like(w.value)) if create_graph else zeros_like(w.value)
        out.append(g)
    return out
