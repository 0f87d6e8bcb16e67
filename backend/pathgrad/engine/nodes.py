"""Nodes: a value in the computation graph and the operation that made it, and the leaves.

Every node, leaf or operation, compiled fast path or generic code, is made by :func:`new_node`.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from types import FunctionType
from typing import TYPE_CHECKING, Any

import numpy as np

from pathgrad.primitives import Primitive

Value = Any  # float | np.ndarray

KINDS = ("input", "param", "const", "op")
FLOAT_DTYPES = frozenset((np.dtype(np.float32), np.dtype(np.float64)))

_new = object.__new__
next_serial = itertools.count().__next__
"""The next node's serial number: parents are always numbered before their children."""


@dataclass(frozen=True, eq=False)
class Group:
    """The nodes an expanded composite (sigmoid as 1/(1+exp(−z))) was recorded as."""

    op: str
    number: int


class Node:
    """A value in the computation graph and the operation that made it.

    ``parents`` is an ordered tuple: ``x*x`` has the same parent twice, and two edges.

    Every primitive takes one or two arguments, so the edges are stored inline (``p0``, ``p1`` and, on
    the scalar path, their local derivatives ``d0``, ``d1``) rather than as tuples: one object per
    operation instead of three is what keeps recording fast and the garbage collector quiet.
    Attributes that few nodes need (name, group, grad, params) live in the instance dictionary,
    which only the nodes that have one of them get. Nodes are made by :func:`Var`, :func:`Const`
    and the operations, never by calling ``Node()``.
    """

    __slots__ = ("__dict__", "_kind", "d0", "d1", "p0", "p1", "prim", "requires_grad", "serial", "value")
    value: Value
    p0: Node | None
    p1: Node | None
    d0: float | None  # None on an operation with an array argument (its derivative is lazy)
    d1: float | None
    prim: Primitive | None
    requires_grad: bool
    serial: int
    _kind: str
    # Defaults for the attributes that few nodes set (a set one goes to the instance dictionary).
    name: str | None = None
    group: Group | None = None
    grad: Value | None = None
    params: tuple[Any, ...] = ()
    # Make numpy hand mixed operations (np.float64 * node) to our reflected operators.
    __array_ufunc__ = None

    @property
    def parents(self) -> tuple[Node, ...]:
        """The arguments, in order (a leaf has none)."""
        p0 = self.p0
        if p0 is None:
            return ()
        p1 = self.p1
        return (p0,) if p1 is None else (p0, p1)

    @property
    def partials(self) -> tuple[float, ...] | None:
        """The edge-local derivatives on the scalar path; None for an operation on arrays."""
        if self.p0 is None:
            return ()
        d0 = self.d0
        if d0 is None:
            return None
        return (d0,) if self.p1 is None else (d0, self.d1)  # type: ignore[return-value]

    @property
    def kind(self) -> str:
        """"op", or for a leaf "input", "param" or "const"."""
        return self._kind

    @property
    def op(self) -> str:
        """The primitive's name, or ``"leaf"`` for a variable and ``"const"`` for a constant."""
        if self.prim is not None:
            return self.prim.name
        return "const" if self._kind == "const" else "leaf"

    @property
    def shape(self) -> tuple[int, ...]:
        return () if type(self.value) is float else tuple(np.shape(self.value))

    def backward(self) -> None:
        """Set ``.grad`` on every ancestor to d(self)/d(node); calling it twice changes nothing."""
        from pathgrad.engine.reverse import gradients  # reverse mode is built on nodes
        from pathgrad.engine.traversal import topological_order

        adjoints = gradients(self)
        for node in topological_order([self]):
            node.grad = adjoints.get(node)

    def __repr__(self) -> str:
        label = f" {self.name!r}" if self.name else ""
        return f"<Node{label} {self.op} value={self.value!r}>"

    # The operators of the table's rows (+ − × ÷ ^ @, their reflections and the sign) are attached
    # by pathgrad.engine.compiled; raw numbers on either side become constants.
    if TYPE_CHECKING:
        def __add__(self, other: Any) -> Node: ...
        def __radd__(self, other: Any) -> Node: ...
        def __sub__(self, other: Any) -> Node: ...
        def __rsub__(self, other: Any) -> Node: ...
        def __mul__(self, other: Any) -> Node: ...
        def __rmul__(self, other: Any) -> Node: ...
        def __truediv__(self, other: Any) -> Node: ...
        def __rtruediv__(self, other: Any) -> Node: ...
        def __pow__(self, other: Any) -> Node: ...
        def __rpow__(self, other: Any) -> Node: ...
        def __matmul__(self, other: Any) -> Node: ...
        def __rmatmul__(self, other: Any) -> Node: ...
        def __neg__(self) -> Node: ...

    def __pos__(self) -> Node:
        return self


NODE_FIELDS = ("value", "prim", "p0", "p1", "d0", "d1", "requires_grad", "_kind")
"""What :func:`new_node` sets, in its arguments' order (then the serial number)."""


def new_node(
    value: Value, prim: Primitive | None, p0: Node | None, p1: Node | None, d0: float | None,
    d1: float | None, requires_grad: bool, kind: str,
) -> Node:
    """The one constructor of nodes: leaves (``prim`` None) and operations alike.

    ``d0``/``d1`` are the edge-local derivatives on numbers, None on arrays (computed lazily by
    reverse mode). Every field is set, so no node reads a missing slot. The compiled makers
    (:mod:`pathgrad.engine.compiled`) inline these same statements, generated from
    :data:`NODE_FIELDS`, rather than call this function.
    """
    node: Node = _new(Node)
    node.value = value
    node.prim = prim
    node.p0 = p0
    node.p1 = p1
    node.d0 = d0
    node.d1 = d1
    node.requires_grad = requires_grad
    node._kind = kind
    node.serial = next_serial()
    return node


def as_value(value: Any) -> Value:
    """A float for anything scalar, else a float array (float32 arrays stay float32)."""
    if type(value) is float:
        return value
    if type(value) is np.ndarray and value.dtype in FLOAT_DTYPES and value.ndim:
        return value  # already a float array (the common case for data and parameters)
    if isinstance(value, (int, float, np.number, bool)):
        return float(value)
    array = np.asarray(value)
    if array.dtype not in (np.float32, np.float64):
        array = array.astype(np.float64)
    if array.ndim == 0:
        return float(array)
    return array


def Var(value: Any, name: str | None = None, kind: str = "input") -> Node:
    """A leaf that gradients are taken with respect to (``kind`` is "input" or "param")."""
    if kind not in ("input", "param"):
        raise ValueError(f"a variable's kind is 'input' or 'param', not {kind!r}")
    node = new_node(as_value(value), None, None, None, None, None, True, kind)
    if name is not None:
        node.name = name
    return node


def Const(value: Any, name: str | None = None) -> Node:
    """A leaf that needs no gradient (data, targets, literal numbers)."""
    node = new_node(as_value(value), None, None, None, None, None, False, "const")
    if name is not None:
        node.name = name
    return node


def constant(value: Any) -> Node:
    """``value`` itself if it is a node, else a new constant leaf holding it."""
    if isinstance(value, Node):
        return value
    return new_node(
        value if type(value) is float else as_value(value), None, None, None, None, None, False, "const"
    )


def normalize(value: Any) -> Value:
    """A float for a 0-d result, an array otherwise."""
    if type(value) is float:
        return value
    if isinstance(value, np.ndarray):
        return float(value) if value.ndim == 0 else value
    return float(value)


def resolve(d: Any) -> Any:
    """A partial derivative, computing it now if its rule left it lazy."""
    return d() if type(d) is FunctionType else d


def array_operands(node: Node) -> tuple[Value, list[Value]]:
    """A node's value and its parents' values for a rule on arrays, numbers as numpy scalars.

    A number beside an array (``sum(a / b)`` with ``b = 0``) must divide as numpy does (to ∞, as the
    forward pass did), not as a Python float (which raises ZeroDivisionError).
    """
    value = node.value
    return (
        np.float64(value) if type(value) is float else value,
        [np.float64(p.value) if type(p.value) is float else p.value for p in node.parents],
    )
