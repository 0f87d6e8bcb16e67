"""Replay: the values of a recorded graph computed again, after its leaves changed."""

from __future__ import annotations

from collections.abc import Sequence
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
