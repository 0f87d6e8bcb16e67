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
from typing import Any, Protocol

import numpy as np


class Backend(Protocol):
    """What a rule of the table may call on ``F``: every backend gives all of it.

    ``SCALAR``, ``ARRAY`` and ``GRAPH`` are declared with this type (the last two as
    :class:`TensorBackend`), so a type checker reports a function one of them is missing. A new rule
    that needs a new function adds it here and to each backend.
    """

    def exp(self, x: Any, /) -> Any: ...
    def log(self, x: Any, /) -> Any: ...
    def sin(self, x: Any, /) -> Any: ...
    def cos(self, x: Any, /) -> Any: ...
    def tanh(self, x: Any, /) -> Any: ...
    def sqrt(self, x: Any, /) -> Any: ...
    def sigmoid(self, x: Any, /) -> Any: ...
    def softplus(self, x: Any, /) -> Any: ...
    def abs(self, x: Any, /) -> Any: ...
    def relu(self, x: Any, /) -> Any: ...
    def leaky_relu(self, x: Any, slope: Any, /) -> Any: ...
    def pow(self, a: Any, b: Any, /) -> Any: ...
    def step(self, x: Any, /) -> Any:
        """1 where x > 0, else 0: relu's derivative, relu'(0) = 0."""
    def leaky_step(self, x: Any, slope: Any, /) -> Any:
        """1 where x > 0, else slope: leaky_relu's derivative."""
    def sign(self, x: Any, /) -> Any:
        """abs's derivative, 0 at 0."""
    def pow_da(self, a: Any, b: Any, /) -> Any:
        """d(aᵇ)/da with the table's convention: 0 where b = 0."""
    def pow_db(self, ans: Any, a: Any, b: Any, /) -> Any:
        """d(aᵇ)/db with the table's convention: 0 where a = 0."""
    def lazy(self, thunk: Any, /) -> Any:
        """A partial worth computing only if needed: the value now, or the thunk for later."""
    def reduce_sum(self, x: Any, /) -> Any: ...
    def transpose(self, x: Any, /) -> Any: ...
    def size(self, x: Any, /) -> int: ...


class TensorBackend(Backend, Protocol):
    """A backend of arrays or nodes: also what the structural rows (matmul, sums, broadcasts) call."""

    def ndim(self, x: Any, /) -> int: ...
    def shape(self, x: Any, /) -> tuple[int, ...]: ...
    def matmul(self, a: Any, b: Any, /) -> Any: ...
    def matmul_grads(self, g: Any, a: Any, b: Any, /) -> Any: ...
    def broadcast_to(self, x: Any, shape: Any, /) -> Any: ...
    def broadcast_like(self, g: Any, x: Any, /) -> Any: ...
    def sum_to(self, x: Any, shape: Any, /) -> Any: ...


def _scalar_sigmoid(x: float) -> float:
    # Two branches keep exp() from overflowing for large |x|.
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _scalar_softplus(x: float) -> float:
    return math.log1p(math.exp(-abs(x))) + (x if x > 0.0 else 0.0)


def _array_sigmoid(x: Any) -> Any:
    # 1/(1+e⁻ˣ) keeps full relative precision on both tails. In place: four passes over the array,
    # one buffer. Where −x is past log(max float) e⁻ˣ overflows to inf and the result is 0 (the true
    # value is below 5.6e−309, or 1.2e−38 in float32): that overflow is expected, so not reported.
    if type(x) is not np.ndarray or x.dtype not in _NATIVE_FLOATS:
        x = np.asarray(x)
        if x.dtype not in _NATIVE_FLOATS:
            x = x.astype(np.float64)
    if x.ndim == 0:
        return _scalar_sigmoid(float(x))
    t = np.negative(x)
    with np.errstate(over="ignore"):
        np.exp(t, out=t)
    t += 1.0
    return np.divide(1.0, t, out=t)


_NATIVE_FLOATS = frozenset((np.dtype(np.float32), np.dtype(np.float64)))


def sum_to_shape(g: Any, shape: tuple[int, ...]) -> Any:
    """Sum a broadcast gradient back down to ``shape`` (numpy's broadcasting rules in reverse)."""
    g_shape = np.shape(g)
    if g_shape == shape:
        return g
    if len(g_shape) == 2 and len(shape) == 1 and g_shape[1] == shape[0]:
        return _add_reduce(g, 0)  # a batch of rows summed to one row (a bias): the common case
    if shape == ():
        return float(np.sum(g))
    lead = len(g_shape) - len(shape)
    kept = tuple(lead + i for i, n in enumerate(shape) if n == 1 and g_shape[lead + i] != 1)
    if not kept:  # only leading axes to sum away (a bias row): one reduction, no reshape
        return _add_reduce(g, tuple(range(lead))) if lead else g
    out = _add_reduce(g, axis=tuple(range(lead)) + kept, keepdims=True)
    return out.reshape(shape) if lead else out


_add_reduce = np.add.reduce  # what np.sum calls, without its Python-level wrapper


# --- numpy vector-Jacobian products for the rows reverse mode meets most ------------------------
#
# The engine calls ``row.array_vjp`` (when a row has one) instead of evaluating the generic rule with
# the ARRAY backend: one Python call per operation, no thunks, and each result computed in at most one
# fresh buffer (never written into ``g`` or a node's value, which others may hold). Binary rules get
# ``need_a``/``need_b`` and return None for a side nobody needs (data X in X @ W); unary rules give
# the one gradient. Results may still need summing down to a broadcast argument's shape: the engine
# does that. Each gives exactly (bit for bit) what the generic rule gives.


def _same_buffer_ok(g: Any, out: np.ndarray) -> bool:
    """Whether ``out *= g`` gives what ``g * out`` would (no broadcasting up, no dtype promotion)."""
    return type(g) is np.ndarray and g.dtype == out.dtype and g.shape == out.shape


def _times_g(g: Any, out: np.ndarray) -> Any:
    """g * out, in out's buffer when that gives the same array (``out`` is ours to overwrite)."""
    if _same_buffer_ok(g, out):
        out *= g
        return out
    return g * out


def add_vjp(g: Any, ans: Any, a: Any, b: Any, need_a: bool, need_b: bool) -> tuple[Any, Any]:
    return g, g


def sub_vjp(g: Any, ans: Any, a: Any, b: Any, need_a: bool, need_b: bool) -> tuple[Any, Any]:
    return g, (-g if need_b else None)  # data minus a constant target: no −g


def mul_vjp(g: Any, ans: Any, a: Any, b: Any, need_a: bool, need_b: bool) -> tuple[Any, Any]:
    return (g * b if need_a else None), (g * a if need_b else None)


def matmul_vjp(g: Any, ans: Any, a: Any, b: Any, need_a: bool, need_b: bool) -> tuple[Any, Any]:
    if a.ndim == 2 and b.ndim == 2:
        return (np.matmul(g, b.T) if need_a else None), (np.matmul(a.T, g) if need_b else None)
    grad_a, grad_b = ArrayBackend.matmul_grads(g, a, b)
    return (grad_a() if need_a else None), (grad_b() if need_b else None)


def neg_vjp(g: Any, ans: Any, x: Any) -> Any:
    return -g


def exp_vjp(g: Any, ans: Any, x: Any) -> Any:
    return g * ans


def square_vjp(g: Any, ans: Any, x: Any) -> Any:
    return _times_g(g, np.multiply(x, 2.0))  # g·(2x), one buffer


def sigmoid_vjp(g: Any, ans: Any, x: Any) -> Any:
    out = np.subtract(1.0, ans)  # g·s(1−s), one buffer instead of three
    out *= ans
    return _times_g(g, out)


def tanh_vjp(g: Any, ans: Any, x: Any) -> Any:
    out = np.multiply(ans, ans)  # g·(1−t²), one buffer
    np.subtract(1.0, out, out=out)
    return _times_g(g, out)


def _uniform_like(value: Any, x: np.ndarray) -> np.ndarray:
    """A read-only array of x's shape and precision whose every entry is ``value`` (no copies)."""
    cell = np.array(value, x.dtype)
    out = np.ndarray(x.shape, x.dtype, cell, 0, (0,) * x.ndim)
    out.flags.writeable = False
    return out


def sum_vjp(g: Any, ans: Any, x: Any) -> Any:
    if type(x) is not np.ndarray or not isinstance(g, float):
        return ArrayBackend.broadcast_like(g, x)
    return _uniform_like(g, x)


def mean_vjp(g: Any, ans: Any, x: Any) -> Any:
    if type(x) is not np.ndarray or not isinstance(g, float):
        return ArrayBackend.broadcast_like(g * (1.0 / np.size(x)), x)
    return _uniform_like(g * (1.0 / x.size), x)


def transpose_vjp(g: Any, ans: Any, x: Any) -> Any:
    return ArrayBackend.transpose(g)


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
    def pow_da(a: float, b: float) -> float:
        """d(aᵇ)/da = b·aᵇ⁻¹, and 0 where b = 0 (a⁰ is the constant 1, also at a = 0)."""
        return b * math.pow(a, b - 1.0) if b != 0.0 else 0.0

    @staticmethod
    def pow_db(ans: float, a: float, b: float) -> float:
        """d(aᵇ)/db = aᵇ·ln a; 0 at a = 0 (the convention); NaN for a < 0."""
        if a > 0.0:
            return ans * math.log(a)
        return 0.0 if a == 0.0 else math.nan

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
    def pow_da(a: Any, b: Any) -> Any:
        """d(aᵇ)/da = b·aᵇ⁻¹, and 0 where b = 0 (the base is then replaced by 1, so no 0·∞)."""
        zero = np.equal(b, 0)
        if not zero.any():
            return b * np.power(a, b - 1.0)
        return np.where(zero, 0.0, b * np.power(np.where(zero, 1.0, a), b - 1.0))

    @staticmethod
    def pow_db(ans: Any, a: Any, b: Any) -> Any:
        """d(aᵇ)/db = aᵇ·ln a; 0 where a = 0 (the convention); NaN where a < 0."""
        positive = np.greater(a, 0)
        out = ans * np.where(positive, np.log(np.where(positive, a, 1.0)), np.nan)
        zero = np.equal(a, 0)
        return np.where(zero, 0.0, out) if zero.any() else out

    @staticmethod
    def lazy(thunk: Any) -> Any:
        """A partial worth computing only if needed: the engine calls the thunk when it is."""
        return thunk

    # Structural helpers for matmul and the reductions.
    ndim = staticmethod(np.ndim)
    matmul = staticmethod(np.matmul)
    size = staticmethod(np.size)

    @staticmethod
    def reduce_sum(x: Any) -> Any:
        """The sum of all elements: what np.sum computes, without its Python-level dispatch."""
        return _add_reduce(x, None) if type(x) is np.ndarray else np.sum(x)
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


SCALAR: Backend = ScalarBackend()
ARRAY: TensorBackend = ArrayBackend()
