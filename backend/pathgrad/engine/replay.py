"""Replay: the values of a recorded graph computed again, after its leaves changed."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from pathgrad.backends import ARRAY, SCALAR
from pathgrad.engine.nodes import Node, Value, as_value, normalize
from pathgrad.engine.recording import DOMAIN_ERRORS, scalar_rule
from pathgrad.engine.traversal import topological_order


def evaluate(
    outputs: Sequence[Node], overrides: dict[Node, Any], order: Sequence[Node] | None = None
) -> dict[Node, Value]:
    """Recompute every value of the graph with some leaves replaced (no new nodes are made).

    ``order`` (the outputs' :func:`topological_order`) saves sorting it again when replaying often.
    """
    values: dict[Node, Value] = {}
    with np.errstate(all="ignore"):
        for node in topological_order(outputs) if order is None else order:
            if node in overrides:
                values[node] = as_value(overrides[node])
                continue
            row = node.prim
            if row is None:
                values[node] = node.value
                continue
            a = values[node.p0]  # type: ignore[index]
            b = None if node.p1 is None else values[node.p1]
            if node.d0 is not None and type(a) is float and (b is None or type(b) is float):
                # Numbers: the math module, several times faster than numpy scalars (finite
                # differences replay the graph a dozen times); numpy where math raises (IEEE inf/nan).
                try:
                    values[node] = (
                        row.forward(SCALAR, a, *node.params) if b is None else row.forward(SCALAR, a, b)
                    )
                    continue
                except DOMAIN_ERRORS:
                    pass
            xs = [np.float64(x) if type(x) is float else x for x in ((a,) if b is None else (a, b))]
            values[node] = normalize(row.forward(ARRAY, *xs, *node.params))
    return values


def replay_of(output: Node, wrt: Node, order: Sequence[Node] | None = None) -> Callable[[Any], Value]:
    """``value -> evaluate([output], {wrt: value}, order)[output]``, the same numbers, with the graph
    compiled once into a list of steps: finite differences replay a 4,000-node graph fifteen times or
    more, and looking nodes up in a dict cost half of each replay."""
    order = list(topological_order([output]) if order is None else order)
    index = {node: i for i, node in enumerate(order)}
    base: list[Any] = [None] * len(order)
    # (slot, primitive, slot of p0, slot of p1 or -1, params, whether the math module may compute it)
    steps: list[tuple[int, Any, int, int, tuple[Any, ...], bool]] = []
    for i, node in enumerate(order):
        if node is wrt:
            continue
        row = node.prim
        if row is None:
            base[i] = node.value
            continue
        i1 = -1 if node.p1 is None else index[node.p1]
        steps.append((i, row, index[node.p0], i1, node.params, node.d0 is not None))  # type: ignore[index]
    at_wrt = index.get(wrt)
    at_output = index[output]

    def replay(value: Any) -> Value:
        values = base.copy()
        if at_wrt is not None:
            values[at_wrt] = as_value(value)
        with np.errstate(all="ignore"):
            for i, row, i0, i1, params, scalar in steps:
                a = values[i0]
                b = None if i1 < 0 else values[i1]
                if scalar and type(a) is float and (b is None or type(b) is float):
                    try:
                        values[i] = (
                            row.forward(SCALAR, a, *params) if b is None else row.forward(SCALAR, a, b)
                        )
                        continue
                    except DOMAIN_ERRORS:
                        pass
                xs = [np.float64(x) if type(x) is float else x for x in ((a,) if b is None else (a, b))]
                values[i] = normalize(row.forward(ARRAY, *xs, *params))
        return values[at_output]

    return replay


def recompute(order: Sequence[Node]) -> None:
    """Re-evaluate, in place and in topological ``order``, every operation after leaves changed.

    Training uses it to run the same recorded graph for thousands of steps without recording it
    again: set the parameters' ``.value``, call ``recompute(order)``, then :func:`gradients`.
    Scalar nodes get fresh edge-local derivatives too. Shapes must not change.
    """
    with np.errstate(all="ignore"):
        for node in order:
            row = node.prim
            if row is None:
                continue
            if node.d0 is not None:
                value, partials = scalar_rule(row, tuple(p.value for p in node.parents), node.params)
                node.value = value
                node.d0 = partials[0]
                if node.p1 is not None:
                    node.d1 = partials[1]
            else:
                node.value = normalize(row.forward(ARRAY, *[p.value for p in node.parents], *node.params))
