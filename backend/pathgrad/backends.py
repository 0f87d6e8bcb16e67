"""The three numeric backends a derivative rule can be evaluated with.

Every rule in the primitive table is written once, against a backend ``F``:

* ``SCALAR`` works on Python floats with the ``math`` module (fast; raises on domain errors, which the
  engine catches and re-evaluates with numpy to get the IEEE ``inf``/``nan``);
* ``ARRAY`` works on numpy arrays (and numpy scalars);
* ``GRAPH`` works on engine nodes, so a rule evaluated with it records new nodes: that is how the
  backward pass itself becomes a differentiable graph (higher-order derivatives).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np


def _scalar_sigmoid(x: float) -> float:
    # Two branches keep exp() from overflowing for large |x|.
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _scalar_softplus(x: float) -> float:
    return math.log1p(math.exp(-abs(x))) + (x if x > 0.0 else 0.0)


def _array_sigmoid(x: Any) -> Any:
    # 1/(1+e⁻ˣ) keeps full relative precision on both tails; clipping −x below log(max float)
    # keeps exp from overflowing (and warning). In place: four passes over the array, no copies.
    x = np.asarray(x)
    dtype = x.dtype if x.dtype in (np.float32, np.float64) else np.dtype(np.float64)
    t = np.negative(x, dtype=dtype)
    if t.ndim == 0:
        return _scalar_sigmoid(float(x))
    np.minimum(t, _EXP_LIMIT[dtype], out=t)
    np.exp(t, out=t)
    t += 1.0
    np.reciprocal(t, out=t)
    return t


_EXP_LIMIT = {np.dtype(t): float(np.log(np.finfo(t).max)) for t in (np.float32, np.float64)}


def sum_to_shape(g: Any, shape: tuple[int, ...]) -> Any:
    """Sum a broadcast gradient back down to ``shape`` (numpy's broadcasting rules in reverse)."""
    g_shape = np.shape(g)
    if g_shape == shape:
        return g
    if shape == ():
        return float(np.sum(g))
    lead = len(g_shape) - len(shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, n in enumerate(shape) if n == 1 and g_shape[lead + i] != 1
    )
    out = np.sum(g, axis=axes, keepdims=True) if axes else g
    if lead:
        out = out.reshape(shape)
    return out


class ScalarBackend:
    """Python floats and the math module."""

    exp = staticmethod(math.exp)
    log = staticmethod(math.log)
    sin = staticmethod(math.sin)
    cos = staticmethod(math.cos)
    tanh = staticmethod(math.tanh)
    sqrt = staticmethod(math.sqrt)
    sigmoid = staticmethod(_scalar_sigmoid)
    softplus = staticmethod(_scalar_softplus)
    pow = staticmethod(math.pow)
    abs = staticmethod(abs)

    @staticmethod
    def relu(x: float) -> float:
        return x if x > 0.0 else 0.0

    @staticmethod
    def leaky_relu(x: float, slope: float) -> float:
        return x if x > 0.0 else slope * x

    @staticmethod
    def step(x: float) -> float:
        """1 where x > 0, else 0 (so relu'(0) = 0)."""
        return 1.0 if x > 0.0 else 0.0

    @staticmethod
    def leaky_step(x: float, slope: float) -> float:
        return 1.0 if x > 0.0 else slope

    @staticmethod
    def sign(x: float) -> float:
        return 1.0 if x > 0.0 else (-1.0 if x < 0.0 else 0.0)

    @staticmethod
    def log_or_nan(x: float) -> float:
        return math.log(x) if x > 0.0 else math.nan

    @staticmethod
    def lazy(thunk: Any) -> Any:
        """A partial worth computing only if needed: on numbers it is cheap, so now."""
        return thunk()

    # A reduction or transpose of a number is that number.
    @staticmethod
    def reduce_sum(x: float) -> float:
        return x

    @staticmethod
    def transpose(x: float) -> float:
        return x

    @staticmethod
    def size(x: float) -> int:
        return 1


class ArrayBackend:
    """numpy arrays; the engine wraps calls in ``np.errstate(all="ignore")``."""

    exp = staticmethod(np.exp)
    log = staticmethod(np.log)
    sin = staticmethod(np.sin)
    cos = staticmethod(np.cos)
    tanh = staticmethod(np.tanh)
    sqrt = staticmethod(np.sqrt)
    sigmoid = staticmethod(_array_sigmoid)
    pow = staticmethod(np.power)
    abs = staticmethod(np.abs)
    sign = staticmethod(np.sign)

    @staticmethod
    def softplus(x: Any) -> Any:
        return np.log1p(np.exp(-np.abs(x))) + np.maximum(x, 0.0)

    @staticmethod
    def relu(x: Any) -> Any:
        return np.maximum(x, 0.0)

    @staticmethod
    def leaky_relu(x: Any, slope: float) -> Any:
        return np.where(x > 0, x, slope * x)

    @staticmethod
    def step(x: Any) -> Any:
        return (np.asarray(x) > 0).astype(np.result_type(x, np.float32))

    @staticmethod
    def leaky_step(x: Any, slope: float) -> Any:
        return np.where(x > 0, 1.0, slope).astype(np.result_type(x, np.float32))

    @staticmethod
    def log_or_nan(x: Any) -> Any:
        return np.where(x > 0, np.log(np.where(x > 0, x, 1.0)), np.nan)

    @staticmethod
    def lazy(thunk: Any) -> Any:
        """A partial worth computing only if needed: the engine calls the thunk when it is."""
        return thunk

    # Structural helpers for matmul and the reductions.
    ndim = staticmethod(np.ndim)
    matmul = staticmethod(np.matmul)
    reduce_sum = staticmethod(np.sum)
    size = staticmethod(np.size)
    shape = staticmethod(np.shape)
    broadcast_to = staticmethod(np.broadcast_to)

    @staticmethod
    def matmul_grads(g: Any, a: Any, b: Any) -> tuple[Any, Any]:
        """Thunks for d/da and d/db of np.matmul: vectors, matrices and batches of them."""
        a2 = a[np.newaxis, :] if a.ndim == 1 else a
        b2 = b[:, np.newaxis] if b.ndim == 1 else b
        g2 = np.asarray(g)
        if b.ndim == 1:  # first: a (…, m) gradient becomes (…, m, 1)
            g2 = np.expand_dims(g2, -1)
        if a.ndim == 1:
            g2 = np.expand_dims(g2, -2)

        def grad_a() -> Any:
            out = g2 @ np.swapaxes(b2, -1, -2)
            return sum_to_shape(out[..., 0, :] if a.ndim == 1 else out, a.shape)

        def grad_b() -> Any:
            out = np.swapaxes(a2, -1, -2) @ g2
            return sum_to_shape(out[..., 0] if b.ndim == 1 else out, b.shape)

        return grad_a, grad_b

    @staticmethod
    def broadcast_like(g: Any, x: Any) -> Any:
        """g repeated to x's shape, in x's precision (a float32 net keeps float32 gradients)."""
        dtype = x.dtype if isinstance(x, np.ndarray) else np.float64
        return np.broadcast_to(np.asarray(g, dtype=dtype), np.shape(x))

    @staticmethod
    def transpose(x: Any) -> Any:
        ndim = np.ndim(x)
        return x.T if ndim == 2 else (np.swapaxes(x, -1, -2) if ndim > 2 else x)

    @staticmethod
    def sum_to(x: Any, shape: tuple[int, ...]) -> Any:
        return sum_to_shape(x, shape)


SCALAR = ScalarBackend()
ARRAY = ArrayBackend()
