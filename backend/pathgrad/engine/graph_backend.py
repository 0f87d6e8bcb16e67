"""The graph backend: the table's rules evaluated on nodes, so that evaluating a rule records nodes.

Expansions (sigmoid as 1/(1+exp(−z))) and recorded backward passes (``create_graph=True``, for
higher-order derivatives) evaluate rules with it. It implements
:class:`pathgrad.backends.TensorBackend`, as the array backend does.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from pathgrad.backends import ARRAY, SCALAR, TensorBackend
from pathgrad.engine.compiled import MAKERS
from pathgrad.engine.nodes import Const, Node, Value, constant
from pathgrad.engine.recording import binary, unary
from pathgrad.primitives import PRIMITIVES

_POW, _BROADCAST_TO, _SUM_TO = PRIMITIVES["pow"], PRIMITIVES["broadcast_to"], PRIMITIVES["sum_to"]
_log = MAKERS["log"]


class GraphBackend:
    """The backend of rules evaluated on nodes: used for expansions and recorded backward passes."""

    exp = staticmethod(MAKERS["exp"])
    log = staticmethod(_log)
    sin = staticmethod(MAKERS["sin"])
    cos = staticmethod(MAKERS["cos"])
    tanh = staticmethod(MAKERS["tanh"])
    sqrt = staticmethod(MAKERS["sqrt"])
    sigmoid = staticmethod(MAKERS["sigmoid"])
    softplus = staticmethod(MAKERS["softplus"])
    abs = staticmethod(MAKERS["abs"])
    relu = staticmethod(MAKERS["relu"])
    leaky_relu = staticmethod(MAKERS["leaky_relu"])
    inv = staticmethod(MAKERS["inv"])
    matmul = staticmethod(MAKERS["matmul"])
    transpose = staticmethod(MAKERS["transpose"])
    reduce_sum = staticmethod(MAKERS["sum"])

    @staticmethod
    def lazy(thunk: Any) -> Any:
        return thunk()

    @staticmethod
    def pow(a: Any, b: Any) -> Node:
        return binary(_POW, a, b)

    # pow's partials with the table's conventions at b = 0 and a = 0, recorded as nodes. Where a
    # convention applies, the base is replaced by 1 (a·0 + 1, a constant mask), so the recorded
    # expression and all its derivatives are 0 there instead of 0·∞.
    @staticmethod
    def pow_da(a: Node, b: Node) -> Node:
        zero = np.equal(b.value, 0)
        if not zero.any():
            return b * GraphBackend.pow(a, b - 1.0)
        if zero.ndim == 0:
            return Const(0.0)
        return b * GraphBackend.pow(_masked_to_one(a, zero), b - 1.0)

    @staticmethod
    def pow_db(ans: Node, a: Node, b: Node) -> Node:
        zero = np.equal(a.value, 0)
        if not zero.any():
            return ans * _log(a)
        if zero.ndim == 0:
            return Const(0.0)
        safe = _masked_to_one(a, zero)
        return GraphBackend.pow(safe, b) * _log(safe)

    # Derivatives of steps are zero almost everywhere: constants in a recorded graph.
    @staticmethod
    def step(x: Node) -> Node:
        return Const(_raw(x, "step"))

    @staticmethod
    def leaky_step(x: Node, slope: float) -> Node:
        return Const(_raw(x, "leaky_step", slope))

    @staticmethod
    def sign(x: Node) -> Node:
        return Const(_raw(x, "sign"))

    @staticmethod
    def ndim(x: Node) -> int:
        return len(x.shape)

    @staticmethod
    def size(x: Node) -> int:
        return int(np.prod(x.shape))

    @staticmethod
    def shape(x: Node) -> tuple[int, ...]:
        return x.shape

    @staticmethod
    def broadcast_to(x: Node, shape: tuple[int, ...]) -> Node:
        return x if x.shape == tuple(shape) else unary(_BROADCAST_TO, x, (tuple(shape),))

    @staticmethod
    def broadcast_like(g: Node, x: Node) -> Node:
        return GraphBackend.broadcast_to(constant(g), x.shape)

    @staticmethod
    def sum_to(x: Node, shape: tuple[int, ...]) -> Node:
        return x if x.shape == tuple(shape) else unary(_SUM_TO, x, (tuple(shape),))

    @staticmethod
    def matmul_grads(g: Node, a: Node, b: Node) -> Any:
        raise NotImplementedError(
            "matmul: second derivatives are supported for matrix @ matrix only, not vectors or batches"
        )


def _masked_to_one(a: Node, where: np.ndarray) -> Node:
    """a with the entries at ``where`` replaced by 1, as a differentiable node (zero slope there)."""
    keep = np.where(where, 0.0, 1.0)
    return a * Const(keep) + Const(1.0 - keep)


def _raw(x: Node, fn: str, *args: Any) -> Value:
    backend = SCALAR if type(x.value) is float else ARRAY
    return getattr(backend, fn)(x.value, *args)


GRAPH: TensorBackend = GraphBackend()
