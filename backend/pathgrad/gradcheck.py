"""Finite-difference gradient checks (central differences, float64)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from pathgrad.engine import Node, Var, as_value, evaluate, grad


def numeric_gradient(output: Node, wrt: Node, eps: float = 1e-6) -> Any:
    """d(output)/d(wrt) by central differences, replaying the recorded graph (no new nodes).

    ``output`` must be a scalar. Returns a float, or an array shaped like ``wrt``.
    """
    base = as_value(wrt.value)
    if type(base) is float:
        plus = evaluate([output], {wrt: base + eps})[output]
        minus = evaluate([output], {wrt: base - eps})[output]
        return (plus - minus) / (2.0 * eps)
    flat = np.array(base, dtype=np.float64).ravel()
    out = np.empty_like(flat)
    for i in range(flat.size):
        shifted = flat.copy()
        shifted[i] += eps
        plus = evaluate([output], {wrt: shifted.reshape(np.shape(base))})[output]
        shifted[i] -= 2.0 * eps
        minus = evaluate([output], {wrt: shifted.reshape(np.shape(base))})[output]
        out[i] = (plus - minus) / (2.0 * eps)
    return out.reshape(np.shape(base))


@dataclass(frozen=True)
class GradCheck:
    """Reverse-mode gradients beside their finite-difference estimates."""

    analytic: list[Any]
    numeric: list[Any]
    ok: bool
    max_error: float


def check_gradients(
    fn: Callable[..., Node],
    *values: Any,
    eps: float = 1e-6,
    rtol: float = 1e-5,
    atol: float = 1e-7,
) -> GradCheck:
    """Build ``fn(*vars)`` on float64 variables and compare reverse mode with central differences.

    >>> from pathgrad import sigmoid
    >>> check_gradients(lambda w, b: sigmoid(w * 1.0 + b), 0.0, 0.0).ok
    True
    """
    variables = [Var(np.asarray(v, dtype=np.float64) if np.ndim(v) else float(v)) for v in values]
    output = fn(*variables)
    analytic = grad(output, variables)
    numeric = [numeric_gradient(output, v, eps) for v in variables]
    errors = [
        float(np.max(np.abs(np.asarray(a) - np.asarray(n)) / (atol + rtol * np.abs(np.asarray(n)))))
        if np.size(n)
        else 0.0
        for a, n in zip(analytic, numeric, strict=True)
    ]
    worst = max(errors, default=0.0)
    return GradCheck(analytic, numeric, bool(worst <= 1.0), worst)

