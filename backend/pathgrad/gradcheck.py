"""Finite-difference gradient checks (float64).

:func:`numeric_gradient` is one central difference with a given step. :func:`finite_difference` is the
honest witness: central differences at shrinking steps, extrapolated to step 0 (Ridders' form of
Richardson extrapolation), with an estimate of the result's own error — from the extrapolation
tableau, and never below what the rounding of the output allows. A value the estimate cannot resolve
(its error is not small beside it) is reported as such, never as an agreement.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from pathgrad.engine import Node, Var, as_value, evaluate, grad, replay_of, topological_order

EPSILON = float(np.finfo(np.float64).eps)
RESOLVE_RTOL = 1e-3
"""An estimate resolves a value when its error is at most this fraction of it."""
AGREE_RTOL = 1e-8
"""Besides the estimate's error, the relative slack allowed between it and a gradient."""

Verdict = Literal["agrees", "differs", "unresolved", "nonfinite"]


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
class FiniteDifference:
    """A finite-difference estimate of a derivative and a bound on its own error."""

    value: float
    error: float  # |value − the derivative| is estimated to be at most this (inf: no estimate)

    @property
    def resolves(self) -> bool:
        """Whether the estimate is precise enough to witness its value (error ≤ 0.1% of it)."""
        return math.isfinite(self.value) and self.error <= RESOLVE_RTOL * abs(self.value)

    def agrees_with(self, gradient: float) -> bool:
        """Whether ``gradient`` lies within the estimate's error (plus a relative 1e-8)."""
        return abs(gradient - self.value) <= 2.0 * self.error + AGREE_RTOL * abs(gradient)

    def verdict(self, gradient: float) -> Verdict:
        """``agrees``/``differs`` with ``gradient``; ``unresolved`` when the estimate is too coarse to
        tell (the gradient lies within its error, but so would 0); ``nonfinite`` when either is."""
        if not (math.isfinite(self.value) and math.isfinite(gradient) and math.isfinite(self.error)):
            return "nonfinite"
        if not self.agrees_with(gradient):
            return "differs"
        return "agrees" if self.resolves else "unresolved"


_SHRINK = 1.4  # Ridders' step ratio
_TABLE = 10  # steps tried at most
_SAFE = 2.0  # stop once the error grows by this factor


def richardson(f: Callable[[float], float], x: float, step: float | None = None) -> FiniteDifference:
    """f'(x) by central differences at steps h, h/1.4, h/1.4², … extrapolated to 0, with its error.

    The error is the tableau's (how much the best extrapolation still moves) or, if larger, the
    rounding of f amplified by the step: 8·ε·|f| / h. So a derivative hidden below the rounding of
    f (1 + 1e-19·x) gets an error near 1e-15, not 0.
    """
    h = step if step is not None else 0.1 * max(abs(x), 0.1)
    centre = f(x)
    for _ in range(6):  # shrink the first step while it leaves the domain (sqrt near 0)
        plus, minus = f(x + h), f(x - h)
        if (math.isfinite(plus) and math.isfinite(minus)) or not math.isfinite(centre):
            break
        h /= 10.0
    table = [[0.0] * _TABLE for _ in range(_TABLE)]
    table[0][0] = (plus - minus) / (2.0 * h)
    scale = max(abs(centre), abs(plus), abs(minus))
    best, error, best_step = table[0][0], math.inf, h
    for i in range(1, _TABLE):
        h /= _SHRINK
        plus, minus = f(x + h), f(x - h)
        scale = max(scale, abs(plus), abs(minus))
        table[0][i] = (plus - minus) / (2.0 * h)
        factor = _SHRINK * _SHRINK
        for j in range(1, i + 1):
            table[j][i] = (table[j - 1][i] * factor - table[j - 1][i - 1]) / (factor - 1.0)
            factor *= _SHRINK * _SHRINK
            moved = max(abs(table[j][i] - table[j - 1][i]), abs(table[j][i] - table[j - 1][i - 1]))
            if moved <= error:
                best, error, best_step = table[j][i], moved, h
        if abs(table[i][i] - table[i - 1][i - 1]) >= _SAFE * error:
            break
    if not math.isfinite(best) or not math.isfinite(scale):
        return FiniteDifference(best, math.inf)
    return FiniteDifference(best, max(error, 8.0 * EPSILON * scale / best_step))


def finite_difference(output: Node, wrt: Node) -> FiniteDifference:
    """d(output)/d(wrt) for a scalar ``wrt`` by :func:`richardson`, replaying the recorded graph."""
    base = as_value(wrt.value)
    if type(base) is not float:
        raise ValueError("finite_difference takes a scalar input; use finite_differences for arrays")

    replay = replay_of(output, wrt)

    def f(value: float) -> float:
        return float(replay(value))

    return richardson(f, base)


def finite_differences(output: Node, wrt: Node) -> tuple[Any, Any]:
    """(estimates, errors) of d(output)/d(wrt), shaped like ``wrt``, entry by entry."""
    base = as_value(wrt.value)
    if type(base) is float:
        fd = finite_difference(output, wrt)
        return fd.value, fd.error
    flat = np.array(base, dtype=np.float64).ravel()
    values, errors = np.empty_like(flat), np.empty_like(flat)
    shape = np.shape(base)
    order = topological_order([output])
    for i in range(flat.size):

        def f(value: float, i: int = i) -> float:
            shifted = flat.copy()
            shifted[i] = value
            return float(evaluate([output], {wrt: shifted.reshape(shape)}, order)[output])

        fd = richardson(f, float(flat[i]))
        values[i], errors[i] = fd.value, fd.error
    return values.reshape(shape), errors.reshape(shape)


@dataclass(frozen=True)
class GradCheck:
    """Reverse-mode gradients beside their finite-difference estimates.

    ``ok``: every entry agrees within tolerance and the estimate's own error. ``unresolved``: how
    many entries the estimate cannot resolve (its error is not small beside the value): those agree
    only in the sense that the estimate cannot tell them apart, and witness nothing.
    """

    analytic: list[Any]
    numeric: list[Any]
    ok: bool
    max_error: float
    errors: list[Any] | None = None
    unresolved: int = 0


def check_gradients(
    fn: Callable[..., Node],
    *values: Any,
    eps: float | None = None,
    rtol: float = 1e-5,
    atol: float = 0.0,
) -> GradCheck:
    """Build ``fn(*vars)`` on float64 variables and compare reverse mode with finite differences.

    By default the estimates are extrapolated (:func:`finite_differences`) and compared relatively,
    within ``rtol`` plus twice their own error; with ``eps`` they are one central difference of that
    step, with no error estimate. ``atol`` is an absolute slack (none by default: a gradient of 1e-9
    is not 0).

    >>> from pathgrad import sigmoid
    >>> check_gradients(lambda w, b: sigmoid(w * 1.0 + b), 0.0, 0.0).ok
    True
    """
    variables = [Var(np.asarray(v, dtype=np.float64) if np.ndim(v) else float(v)) for v in values]
    output = fn(*variables)
    analytic = grad(output, variables)
    if eps is not None:
        numeric = [numeric_gradient(output, v, eps) for v in variables]
        errors: list[Any] = [np.zeros(np.shape(n)) for n in numeric]
    else:
        pairs = [finite_differences(output, v) for v in variables]
        numeric = [n for n, _ in pairs]
        errors = [e for _, e in pairs]
    ratios = []
    unresolved = 0
    for a, n, e in zip(analytic, numeric, errors, strict=True):
        a, n, e = np.asarray(a, dtype=np.float64), np.asarray(n), np.asarray(e)
        if not n.size:
            continue
        slack = atol + rtol * np.abs(n) + 2.0 * e
        diff = np.abs(a - n)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(diff == 0.0, 0.0, diff / slack)
        ratios.append(float(np.max(np.where(np.isnan(ratio), np.inf, ratio))))
        if eps is None:
            unresolved += int(np.sum(~(e <= RESOLVE_RTOL * np.abs(n))))
    worst = max(ratios, default=0.0)
    return GradCheck(analytic, numeric, bool(worst <= 1.0), worst, errors, unresolved)
