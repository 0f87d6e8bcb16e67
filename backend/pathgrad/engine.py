"""The autodiff engine: nodes, reverse mode, forward mode, replay and local derivatives.

A :class:`Node` is created by applying a row of :data:`pathgrad.primitives.PRIMITIVES` to parent
nodes. Values are Python floats (the fast scalar path) or numpy arrays. On the scalar path each node
keeps its edge-local derivatives (``partials``), computed once in the forward pass; the reverse sweep
is then one multiply-add per edge. Array nodes compute their vector-Jacobian products lazily in the
backward pass, and only for parents that need a gradient.

Nodes are numbered when they are created. A parent always exists before its child, so sorting the
ancestors of an output by that serial number gives a topological order without recursion.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from operator import attrgetter
from types import FunctionType, SimpleNamespace
from typing import TYPE_CHECKING, Any

import numpy as np

from pathgrad import defaults
from pathgrad.backends import ARRAY, SCALAR, sum_to_shape
from pathgrad.primitives import PRIMITIVES, Primitive

Value = Any  # float | np.ndarray

_serials = itertools.count()
_next_serial = _serials.__next__
_new = object.__new__
_group_ids = itertools.count()
_EXPAND: ContextVar[bool] = ContextVar("pathgrad_expand_composites", default=False)
_DOMAIN_ERRORS = (ArithmeticError, ValueError)
_by_serial = attrgetter("serial")

KINDS = ("input", "param", "const", "op")
_FLOAT_DTYPES = frozenset((np.dtype(np.float32), np.dtype(np.float64)))



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
        return "op" if self.prim is not None else self._kind

    @property
    def op(self) -> str:
        """The primitive's name, or ``"leaf"`` for a variable and ``"const"`` for a constant."""
        if self.prim is not None:
            return self.prim.name
        return "const" if self.kind == "const" else "leaf"

    @property
    def shape(self) -> tuple[int, ...]:
        return () if type(self.value) is float else tuple(np.shape(self.value))

    def backward(self) -> None:
        """Set ``.grad`` on every ancestor to d(self)/d(node); calling it twice changes nothing."""
        adjoints = gradients(self)
        for node in topological_order([self]):
            node.grad = adjoints.get(node)

    def __repr__(self) -> str:
        label = f" {self.name!r}" if self.name else ""
        return f"<Node{label} {self.op} value={self.value!r}>"

    # Operators (+ − × ÷ ^ @ and their reflections) are attached below the class by _operator():
    # raw numbers on either side become constants.
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
        def __neg__(self) -> Node: ...  # the "neg" row's maker, attached below

    def __pos__(self) -> Node:
        return self


def as_value(value: Any) -> Value:
    """A float for anything scalar, else a float array (float32 arrays stay float32)."""
    if type(value) is float:
        return value
    if type(value) is np.ndarray and value.dtype in _FLOAT_DTYPES and value.ndim:
        return value  # already a float array (the common case for data and parameters)
    if isinstance(value, (int, float, np.number, bool)):
        return float(value)
    array = np.asarray(value)
    if array.dtype not in (np.float32, np.float64):
        array = array.astype(np.float64)
    if array.ndim == 0:
        return float(array)
    return array


def _leaf(value: Value, requires_grad: bool, kind: str) -> Node:
    node: Node = _new(Node)
    node.value = value
    node.p0 = node.p1 = node.d0 = node.prim = None
    node.requires_grad = requires_grad
    node._kind = kind
    node.serial = _next_serial()
    return node


def Var(value: Any, name: str | None = None, kind: str = "input") -> Node:
    """A leaf that gradients are taken with respect to (``kind`` is "input" or "param")."""
    if kind not in ("input", "param"):
        raise ValueError(f"a variable's kind is 'input' or 'param', not {kind!r}")
    node = _leaf(as_value(value), True, kind)
    if name is not None:
        node.name = name
    return node


def Const(value: Any, name: str | None = None) -> Node:
    """A leaf that needs no gradient (data, targets, literal numbers)."""
    node = _leaf(as_value(value), False, "const")
    if name is not None:
        node.name = name
    return node


def _const(value: Any) -> Node:
    if isinstance(value, Node):
        return value
    return _leaf(value if type(value) is float else as_value(value), False, "const")


@contextmanager
def expand_composites(expand: bool = True) -> Iterator[None]:
    """Record sigmoid and tanh as their compositions (the seed's 1/(1+exp(−z))) inside the block."""
    token = _EXPAND.set(expand)
    try:
        yield
    finally:
        _EXPAND.reset(token)


def _normalize(value: Any) -> Value:
    if type(value) is float:
        return value
    if isinstance(value, np.ndarray):
        return float(value) if value.ndim == 0 else value
    return float(value)


def _scalar_fallback(
    row: Primitive, values: tuple[float, ...], params: tuple[Any, ...]
) -> tuple[float, tuple[float, ...]]:
    # math raises where IEEE arithmetic gives inf or nan; numpy gives the IEEE answer.
    xs = [np.float64(v) for v in values]
    with np.errstate(all="ignore"):
        value = row.forward(ARRAY, *xs, *params)
        assert row.partials is not None
        partials = row.partials(ARRAY, value, *xs, *params)
    return float(value), tuple(float(_resolve(d)) for d in partials)


def _resolve(d: Any) -> Any:
    """A partial derivative, computing it now if its rule left it lazy."""
    return d() if type(d) is FunctionType else d


def _scalar_node(
    row: Primitive, x: Node, y: Node | None, values: tuple[float, ...], params: tuple[Any, ...]
) -> Node:
    """An operation on numbers: its value and its edge-local derivatives, computed now."""
    assert row.partials is not None
    try:
        value = row.forward(SCALAR, *values, *params)
        partials = row.partials(SCALAR, value, *values, *params)
    except _DOMAIN_ERRORS:
        value, partials = _scalar_fallback(row, values, params)
    return _op_node(row, x, y, params, value, partials)


def _op_node(
    row: Primitive, x: Node, y: Node | None, params: tuple[Any, ...], value: Value,
    partials: tuple[float, ...] | None,
) -> Node:
    """A new operation node (``partials`` on numbers; None on arrays, whose derivatives are lazy)."""
    node: Node = _new(Node)
    node.value = value
    node.p0 = x
    node.p1 = y
    node.d0 = None if partials is None else partials[0]
    if y is not None and partials is not None:
        node.d1 = partials[1]
    node.prim = row
    if params:
        node.params = params
    node.requires_grad = x.requires_grad or (y is not None and y.requires_grad)
    node.serial = _next_serial()
    return node


def _unary(row: Primitive, x: Any, params: tuple[Any, ...] = ()) -> Node:
    if type(x) is not Node:
        x = _const(x)
    if row.expansion is not None and _EXPAND.get():
        return _expand(row, (x,), params)
    xv = x.value
    if type(xv) is float and row.partials is not None:
        return _scalar_node(row, x, None, (xv,), params)
    return _array_node(row, x, None, params)


def _binary(row: Primitive, a: Any, b: Any) -> Node:
    if type(a) is not Node:
        a = _const(a)
    if type(b) is not Node:
        b = _const(b)
    av = a.value
    bv = b.value
    if type(av) is float and type(bv) is float and row.partials is not None:
        return _scalar_node(row, a, b, (av, bv), ())
    return _array_node(row, a, b, ())


def _array_node(row: Primitive, x: Node, y: Node | None, params: tuple[Any, ...]) -> Node:
    """An operation with an array among its arguments: the value now, derivatives in reverse mode."""
    values = (x.value,) if y is None else (x.value, y.value)
    try:
        value = row.forward(ARRAY, *values, *params)
    except FloatingPointError:  # the caller's np.seterr asked numpy to raise
        with np.errstate(all="ignore"):
            value = row.forward(ARRAY, *values, *params)
    if type(value) is not np.ndarray or value.ndim == 0:
        value = float(value)
    return _op_node(row, x, y, params, value, None)


def _expand(row: Primitive, args: tuple[Node, ...], params: tuple[Any, ...]) -> Node:
    assert row.expansion is not None
    first_new = _next_serial()
    out: Node = row.expansion(GRAPH, *args, *params)
    group = Group(row.name, next(_group_ids))
    stack = [out]
    while stack:
        node = stack.pop()
        if node.serial > first_new and node.group is None:
            node.group = group
            stack.extend(node.parents)
    return out


def apply(name: str | Primitive, *args: Any, **params: Any) -> Node:
    """Apply a primitive by name: ``apply("leaky_relu", x, slope=0.1)``.

    Missing extra parameters take the table's defaults; an unknown name raises ``KeyError`` naming it.
    """
    row = name if isinstance(name, Primitive) else PRIMITIVES.get(name)
    if row is None:
        raise KeyError(f"no primitive named {name!r}")
    if len(args) != row.arity:
        raise TypeError(f"{row.name} takes {row.arity} argument(s), got {len(args)}")
    unknown = set(params) - {p.name for p in row.params}
    if unknown:
        raise TypeError(f"{row.name} has no parameter {sorted(unknown)[0]!r}")
    extra = tuple(params.get(p.name, p.default) for p in row.params)
    if row.arity == 1:
        return _unary(row, args[0], extra)
    if extra:
        raise TypeError(f"{row.name}: binary primitives take no extra parameters")
    return _binary(row, args[0], args[1])


_ADD, _SUB, _MUL, _DIV = PRIMITIVES["add"], PRIMITIVES["sub"], PRIMITIVES["mul"], PRIMITIVES["div"]
_POW, _MATMUL = PRIMITIVES["pow"], PRIMITIVES["matmul"]


# --- the scalar fast path: each row's rule text inlined into its own maker -----------------------
#
# Recording a graph of numbers is the hot loop of the scalar path. A generic maker pays three Python
# calls per operation (itself, the row's forward, the row's partials); the makers below are compiled
# from the row's rule texts (see primitives.rule) so the value and its edge-local derivatives are
# computed inline, in one call. Rows whose rules are not texts, take extra parameters or have no
# partials use the generic code (_unary, _binary, _array_node).

_SCALAR_F = SimpleNamespace(
    **{name: getattr(SCALAR, name) for name in dir(SCALAR) if not name.startswith("_")}
)

_NEW_NODE = """
    _node = _new(Node)
    _node.value = {ans}
    _node.p0 = {p0}
    _node.p1 = {p1}
    _node.d0 = _d0
    {set_d1}
    _node.prim = row
    _node.requires_grad = {requires_grad}
    _node.serial = _next_serial()
    return _node
"""

_UNARY_TEMPLATE = """
def {name}(_arg):
    if type(_arg) is not Node:
        _arg = _const(_arg)
    {x} = _arg.value
    if type({x}) is not float{or_expanding}:
        return _unary(row, _arg, ())
    try:
        {ans} = {forward}
        (_d0,) = {partials}
    except _DOMAIN_ERRORS:
        {ans}, (_d0,) = _scalar_fallback(row, ({x},), ())
""" + _NEW_NODE

_BINARY_TEMPLATE = """
def operator(_self, _other):
    if type(_other) is not Node:
        if type(_other) is float:  # a literal number: a constant leaf, made inline
            _const_node = _new(Node)
            _const_node.value = _other
            _const_node.p0 = _const_node.p1 = _const_node.d0 = _const_node.prim = None
            _const_node.requires_grad = False
            _const_node._kind = "const"
            _const_node.serial = _next_serial()
            _other = _const_node
        else:
            _other = _const(_other)
    {left}, {right} = {order}
    {a} = {left}.value
    {b} = {right}.value
    if type({a}) is not float or type({b}) is not float:
        return _array_node(row, {left}, {right}, ())
    try:
        {ans} = {forward}
        _d0, _d1 = {partials}
    except _DOMAIN_ERRORS:
        {ans}, (_d0, _d1) = _scalar_fallback(row, ({a}, {b}), ())
""" + _NEW_NODE


def _rule_names(row: Primitive) -> tuple[str, tuple[str, ...]] | None:
    """(result name, argument names) when both of the row's rules are texts that agree on names."""
    forward, partials = row.forward, row.partials
    if row.params or not hasattr(forward, "text") or not hasattr(partials, "text"):
        return None
    arguments = forward.arguments[1:]  # type: ignore[attr-defined]
    ans, *rest = partials.arguments[1:]  # type: ignore[union-attr]
    return (ans, arguments) if tuple(rest) == arguments and len(arguments) == row.arity else None


def _compile_maker(row: Primitive, source: str, name: str) -> Any:
    namespace: dict[str, Any] = {
        "F": _SCALAR_F, "Node": Node, "row": row, "_new": _new, "_next_serial": _next_serial,
        "_const": _const, "_unary": _unary, "_array_node": _array_node,
        "_scalar_fallback": _scalar_fallback, "_DOMAIN_ERRORS": _DOMAIN_ERRORS, "_EXPAND": _EXPAND,
        "__name__": __name__,
    }
    exec(compile(source, f"<pathgrad maker for {row.name}>", "exec"), namespace)
    return namespace[name]


def _maker(row_name: str) -> Any:
    """The public function of a unary row (``exp(x)``)."""
    row = PRIMITIVES[row_name]
    defaults = tuple(p.default for p in row.params)
    names = _rule_names(row)
    if names is None:

        def make(x: Any, *params: Any) -> Node:
            return _unary(row, x, params or defaults)

    else:
        ans, (x,) = names
        source = _UNARY_TEMPLATE.format(
            name=row_name, x=x, ans=ans, forward=row.forward.text,  # type: ignore[attr-defined]
            partials=row.partials.text,  # type: ignore[union-attr]
            or_expanding=" or _EXPAND.get()" if row.expansion is not None else "",
            p0="_arg", p1="None", set_d1="", requires_grad="_arg.requires_grad",
        )
        make = _compile_maker(row, source, row_name)
    make.__name__ = row_name
    make.__qualname__ = row_name
    make.__doc__ = f"{row.doc}. Derivative: {row.formula}."
    return make


def _operator(row: Primitive, reflected: bool) -> Any:
    """A Node operator method for a binary row (raw numbers on either side become constants)."""
    names = _rule_names(row)
    if names is None:

        def operator(self: Node, other: Any) -> Node:
            return _binary(row, other, self) if reflected else _binary(row, self, other)

    else:
        ans, (a, b) = names
        source = _BINARY_TEMPLATE.format(
            left="_left", right="_right", order="(_other, _self)" if reflected else "(_self, _other)",
            a=a, b=b, ans=ans, forward=row.forward.text,  # type: ignore[attr-defined]
            partials=row.partials.text,  # type: ignore[union-attr]
            p0="_left", p1="_right", set_d1="_node.d1 = _d1",
            requires_grad="_left.requires_grad or _right.requires_grad",
        )
        operator = _compile_maker(row, source, "operator")
    operator.__doc__ = f"{row.doc}; derivative: {row.formula}."
    return operator


for _name, _row in (("add", _ADD), ("sub", _SUB), ("mul", _MUL), ("truediv", _DIV), ("pow", _POW),
                    ("matmul", _MATMUL)):
    setattr(Node, f"__{_name}__", _operator(_row, reflected=False))
    setattr(Node, f"__r{_name}__", _operator(_row, reflected=True))


_negate = _maker("neg")
Node.__neg__ = _negate  # type: ignore[method-assign]
inv = _maker("inv")
square = _maker("square")
sqrt = _maker("sqrt")
exp = _maker("exp")
log = _maker("log")
absolute = _maker("abs")
sin = _maker("sin")
cos = _maker("cos")
tanh = _maker("tanh")
sigmoid = _maker("sigmoid")
relu = _maker("relu")
softplus = _maker("softplus")
transpose = _maker("transpose")
sum = _maker("sum")
mean = _maker("mean")


def leaky_relu(x: Any, slope: float = 0.01) -> Node:
    """x for x > 0, slope·x otherwise; its derivative is 1 or slope (slope at 0)."""
    return _unary(PRIMITIVES["leaky_relu"], x, (float(slope),))


def matmul(a: Any, b: Any) -> Node:
    """The matrix product ``a @ b``."""
    return _binary(_MATMUL, a, b)


class GraphBackend:
    """The backend of rules evaluated on nodes: used for expansions and recorded backward passes."""

    exp = staticmethod(exp)
    log = staticmethod(log)

    @staticmethod
    def lazy(thunk: Any) -> Any:
        return thunk()
    sin = staticmethod(sin)
    cos = staticmethod(cos)
    tanh = staticmethod(tanh)
    sqrt = staticmethod(sqrt)
    sigmoid = staticmethod(sigmoid)
    softplus = staticmethod(softplus)
    abs = staticmethod(absolute)
    relu = staticmethod(relu)
    leaky_relu = staticmethod(leaky_relu)
    inv = staticmethod(inv)
    matmul = staticmethod(matmul)
    transpose = staticmethod(transpose)
    reduce_sum = staticmethod(sum)

    @staticmethod
    def pow(a: Any, b: Any) -> Node:
        return _binary(_POW, a, b)

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
            return ans * log(a)
        if zero.ndim == 0:
            return Const(0.0)
        safe = _masked_to_one(a, zero)
        return GraphBackend.pow(safe, b) * log(safe)

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
        return x if x.shape == tuple(shape) else _unary(_BROADCAST_TO, x, (tuple(shape),))

    @staticmethod
    def broadcast_like(g: Node, x: Node) -> Node:
        return GraphBackend.broadcast_to(_const(g), x.shape)

    @staticmethod
    def sum_to(x: Node, shape: tuple[int, ...]) -> Node:
        return x if x.shape == tuple(shape) else _unary(_SUM_TO, x, (tuple(shape),))

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


_BROADCAST_TO, _SUM_TO = PRIMITIVES["broadcast_to"], PRIMITIVES["sum_to"]
GRAPH = GraphBackend()


# --- traversal ---------------------------------------------------------------------------------


def topological_order(outputs: Iterable[Node]) -> list[Node]:
    """Every ancestor of ``outputs`` (included), parents before children. Iterative, linear."""
    stack = list(outputs)
    seen = set(stack)
    add = seen.add
    push = stack.append
    pop = stack.pop
    while stack:
        node = pop()
        parent = node.p0
        if parent is None:
            continue
        if parent not in seen:
            add(parent)
            push(parent)
        parent = node.p1
        if parent is not None and parent not in seen:
            add(parent)
            push(parent)
    return sorted(seen, key=_by_serial)


def _sweep_order(output: Node) -> list[Node]:
    """The operations reverse mode must visit, parents first: the ancestors of ``output`` that need a
    gradient and have arguments (leaves receive adjoints but pass nothing on)."""
    found = [output]
    if output.p0 is None:
        return found
    seen = {output: None}
    keep = found.append
    for node in found:  # breadth first: the loop also visits what it appends
        parent: Any = node.p0
        if parent.requires_grad and parent.p0 is not None and parent not in seen:
            seen[parent] = None
            keep(parent)
        parent = node.p1
        if parent is not None and parent.requires_grad and parent.p0 is not None and parent not in seen:
            seen[parent] = None
            keep(parent)
    found.sort(key=_by_serial)
    return found


def _ones_like(value: Value) -> Value:
    return 1.0 if type(value) is float else np.ones_like(value)


def _zeros_like(value: Value) -> Value:
    return 0.0 if type(value) is float else np.zeros_like(value)


# --- reverse mode -------------------------------------------------------------------------------


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
        order = _sweep_order(output)
    adjoints: dict[Node, Any] = {output: _ones_like(output.value)}
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
    if row.vjp is not None:
        grads = row.vjp(ARRAY, g, node.value, *xs, *node.params)
    else:
        assert row.partials is not None
        partials = row.partials(ARRAY, node.value, *xs, *node.params)
        grads = [g * _resolve(d) if p.requires_grad else None for p, d in zip(parents, partials)]  # noqa: B905
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


def _vjp(node: Node, g: Any, F: Any) -> list[tuple[Node, Any]]:
    """(parent, contribution) for each parent of ``node`` that needs a gradient."""
    row = node.prim
    assert row is not None
    graph = F is GRAPH
    parents = node.parents
    ans = node if graph else node.value
    xs = parents if graph else [p.value for p in parents]
    if row.vjp is not None:
        grads = row.vjp(F, g, ans, *xs, *node.params)
    elif row.partials is not None:
        partials = row.partials(F, ans, *xs, *node.params)
        grads = [g * _resolve(d) if p.requires_grad else None for p, d in zip(parents, partials)]  # noqa: B905
    else:
        raise NotImplementedError(f"{row.name} has no derivative rule")
    out = []
    for parent, grad in zip(parents, grads):  # noqa: B905 (hot loop; the rule gives one per parent)
        if grad is None or not parent.requires_grad:
            continue
        if type(grad) is FunctionType:  # a lazy rule: only now that this parent needs it
            grad = grad()
        if graph:
            grad = GRAPH.sum_to(_const(grad), parent.shape)
        elif type(parent.value) is float:
            if type(grad) is not float:
                grad = float(np.sum(grad))
        elif getattr(grad, "shape", ()) != parent.value.shape:
            grad = sum_to_shape(grad, parent.value.shape)
        out.append((parent, grad))
    return out


def _gradients_graph(output: Node, order: Sequence[Node]) -> dict[Node, Any]:
    adjoints: dict[Node, Any] = {output: Const(_ones_like(output.value))}
    with np.errstate(all="ignore"):
        for node in reversed(order):
            g = adjoints.get(node)
            if g is None or not node.parents:
                continue
            for parent, contribution in _vjp(node, g, GRAPH):
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
            g = Const(_zeros_like(w.value)) if create_graph else _zeros_like(w.value)
        out.append(g)
    return out


# --- forward mode -------------------------------------------------------------------------------


def tangents(
    outputs: Sequence[Node], wrt: Node, seed: Value | None = None
) -> dict[Node, Any]:
    """Forward mode: d(node)/d(wrt) for every node between ``wrt`` and ``outputs``.

    ``seed`` is the direction (default: ones, so for a scalar input the tangents are derivatives).
    """
    order = topological_order(outputs)
    tans: dict[Node, Any] = {wrt: _ones_like(wrt.value) if seed is None else as_value(seed)}
    with np.errstate(all="ignore"):
        for node in order:
            if not node.parents or node is wrt:
                continue
            ts = [tans.get(p) for p in node.parents]
            if all(t is None for t in ts):
                continue
            tans[node] = _jvp(node, ts)
    return tans


def _jvp(node: Node, ts: list[Any]) -> Any:
    row = node.prim
    assert row is not None
    if node.partials is not None:
        total = 0.0
        for d, t in zip(node.partials, ts, strict=True):
            if t is not None:
                total += d * t
        return total
    values = [p.value for p in node.parents]
    if row.jvp is not None:
        out = row.jvp(ARRAY, tuple(ts), node.value, *values, *node.params)
    else:
        assert row.partials is not None
        partials = row.partials(ARRAY, node.value, *values, *node.params)
        out = None
        for d, t in zip(partials, ts, strict=True):
            if t is not None:
                term = _resolve(d) * t
                out = term if out is None else out + term
    shape = node.shape
    if np.shape(out) != shape:
        out = np.broadcast_to(out, shape).copy()
    return _normalize(out)


# --- replay, local derivatives, non-finite reasons ----------------------------------------------


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
                except _DOMAIN_ERRORS:
                    pass
            xs = [np.float64(x) if type(x) is float else x for x in ((a,) if b is None else (a, b))]
            values[node] = _normalize(row.forward(ARRAY, *xs, *node.params))
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
                xs = tuple(p.value for p in node.parents)
                try:
                    value = row.forward(SCALAR, *xs, *node.params)
                    partials = row.partials(SCALAR, value, *xs, *node.params)  # type: ignore[misc]
                except _DOMAIN_ERRORS:
                    value, partials = _scalar_fallback(row, xs, node.params)
                node.value = value
                node.d0 = partials[0]
                if node.p1 is not None:
                    node.d1 = partials[1]
            else:
                node.value = _normalize(row.forward(ARRAY, *[p.value for p in node.parents], *node.params))


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
        ts[index] = _normalize(basis.reshape(parent.shape))
        with np.errstate(all="ignore"):
            columns.append(np.ravel(_jvp(child, ts)))
    jacobian = np.stack(columns, axis=-1).reshape(child.shape + parent.shape)
    return _normalize(jacobian), None


def is_finite(value: Value) -> bool:
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
