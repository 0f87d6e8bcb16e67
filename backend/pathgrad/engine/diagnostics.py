"""Diagnostics: the local derivative on one edge, and why a value is infinite or NaN."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from pathgrad import defaults
from pathgrad.engine.forward import jvp
from pathgrad.engine.nodes import Node, Value, normalize


def local_derivative(
    child: Node, index: int, max_entries: int = defaults.MAX_JACOBIAN_ENTRIES
) -> tuple[Value | None, str | None]:
    """d(child)/d(child.parents[index]) at the current values, and why it is absent if it is.

    A number on scalar edges; on tensor edges the Jacobian (shape: child's shape + parent's shape)
    when it has at most ``max_entries`` entries.
    """
    if child.partials is not None:
        return child.partials[index], None
    parent = child.parents[index]
    out_size = int(np.prod(child.shape))
    in_size = int(np.prod(parent.shape))
    if out_size * in_size > max_entries:
        return None, (
            f"the Jacobian has {out_size * in_size:,} entries, above the limit of {max_entries:,}"
        )
    columns = []
    blank: list[Any] = [None] * len(child.parents)
    for j in range(in_size):
        basis = np.zeros(in_size)
        basis[j] = 1.0
        ts = list(blank)
        ts[index] = normalize(basis.reshape(parent.shape))
        with np.errstate(all="ignore"):
            columns.append(np.ravel(jvp(child, ts)))
    jacobian = np.stack(columns, axis=-1).reshape(child.shape + parent.shape)
    return normalize(jacobian), None


def is_finite(value: Value) -> bool:
    """Whether a number, or every entry of an array, is finite."""
    if type(value) is float:
        return math.isfinite(value)
    return bool(np.all(np.isfinite(value)))


def nonfinite_reason(node: Node) -> str | None:
    """Why a node's value is infinite or NaN (None when it is finite)."""
    if is_finite(node.value):
        return None
    if node.prim is None:
        return "the value given is not a finite number"
    for i, parent in enumerate(node.parents):
        if not is_finite(parent.value):
            label = parent.name or parent.op
            return f"{node.op}: its input {i + 1} ({label}) is already not finite"
    detail = node.prim.domain or "the result is beyond float64's range (±1.8e308)"
    value = node.value
    if type(value) is float:
        what = "undefined (NaN)" if value != value else "infinite"
    else:
        what = "undefined (NaN)" if np.isnan(value).any() else "infinite"
    if all(type(p.value) is float for p in node.parents):
        args = ", ".join(f"{p.value:.6g}" for p in node.parents)
        return f"{node.op}({args}) is {what}: {detail}"
    return f"{node.op} gave a value that is {what}: {detail}"
