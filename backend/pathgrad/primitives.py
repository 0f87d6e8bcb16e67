"""The table of primitives: one row per operation, forward and derivative together.

This table drives everything: the engine evaluates and differentiates with it and makes each row a
function (``pathgrad.exp``), the expression language reads its functions, operators and precedence
from it, ``GET /api/ops`` lists it and the page's legend and activation gallery show it. Adding a
primitive is one row here plus its entry in ``DOMAINS`` of tests/test_primitives.py.

Rules are written once against a backend ``F`` (see :mod:`pathgrad.backends`), so the same row serves
Python floats, numpy arrays and graph nodes (for higher-order derivatives).

Most rules are given as the text of one lambda, ``rule("F, x: F.exp(x)")``: it is compiled once into
the function the array and graph backends call, and the engine also inlines the same text into its
fast path for Python floats (one function call per operation instead of three).

* ``forward(F, *xs, *params)`` gives the value.
* ``partials(F, ans, *xs, *params)`` gives, for an *elementwise* row (and for any row on numbers),
  d(ans)/d(x_i) for each argument (broadcastable to ``ans``). On scalar graphs these are the
  edge-local derivatives that the path picture multiplies along.
* ``vjp(F, g, ans, *xs, *params)`` (each entry a value, or a thunk computed only when needed) and
  ``jvp(F, tangents, ans, *xs, *params)`` are given for structural
  rows (matmul, reductions); elementwise rows may give ``vjp`` to skip a multiplication by one.
* ``array_vjp`` (optional) is the same vector-Jacobian product written for numpy alone, for reverse
  mode's hot path on arrays: ``(g, ans, a, b, need_a, need_b) -> (ga, gb)`` for a binary row,
  ``(g, ans, x, *params) -> gx`` for a unary one. It must agree with the generic rule.

Kinks have fixed, documented values: relu'(0) = 0, leaky_relu'(0) = slope, abs'(0) = 0; powers at
base 0 too: d(a⁰)/da = 0 and d(aᵇ)/db = 0 at a = 0.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from pathgrad import backends

Rule = Callable[..., Any]


def rule(text: str) -> Rule:
    """A rule from the text of a lambda ("F, ans, x: (ans,)"), keeping the text as ``.text``.

    The text is this module's own source, never user input.
    """
    arguments, _, body = text.partition(":")
    # This module's name as the globals' __name__: warnings and tracebacks point here.
    function: Any = eval(f"lambda {arguments}: {body.strip()}", {"__name__": __name__})
    function.arguments = tuple(name.strip() for name in arguments.split(","))
    function.text = body.strip()
    return function


@dataclass(frozen=True)
class Param:
    """An extra, non-differentiable argument of a primitive (leaky_relu's slope)."""

    name: str
    default: float


@dataclass(frozen=True)
class Operator:
    """How a row is written as an operator, in the expression language and on Python nodes."""

    token: str  # the language's token: "+", "^"; a one-argument row's is a prefix sign ("-x")
    precedence: int  # higher binds tighter: + − 1, × ÷ @ 2, a sign 3, ^ 4
    method: str  # the Node method: "__add__" (a two-argument row gets its reflection "__radd__" too)
    right_associative: bool = False  # 2^3^2 is 2^(3^2)
    aliases: tuple[str, ...] = ()  # other tokens read as this one ("**" for "^")

    @property
    def reflected_method(self) -> str:
        """``__radd__`` for ``__add__``: the method Python calls for ``2 + x``."""
        return "__r" + self.method[2:]


@dataclass(frozen=True)
class Primitive:
    """One row of the table."""

    name: str
    arity: int
    symbol: str
    formula: str
    doc: str
    forward: Rule
    partials: Rule | None = None
    vjp: Rule | None = None
    jvp: Rule | None = None
    params: tuple[Param, ...] = ()
    function: bool = True  # callable by name in the expression language
    elementwise: bool = True
    expansion: Rule | None = None  # expansion(E, *xs): the composite built from other rows
    domain: str = ""  # why this row can give a non-finite value
    # The same VJP written for numpy alone (see pathgrad.backends): reverse mode's fast path on arrays.
    array_vjp: Rule | None = None
    # Per argument: why that edge-local derivative can be infinite or NaN where the value is finite.
    derivative_domain: tuple[str, ...] = ()
    operator: Operator | None = None  # written between (or before) its arguments: a + b, −x
    activation: bool = False  # a neuron's nonlinearity: the legend and the activation gallery show it

    def describe(self) -> dict[str, Any]:
        """The row as plain data, for ``/api/ops`` and the legend."""
        return {
            "name": self.name,
            "arity": self.arity,
            "symbol": self.symbol,
            "formula": self.formula,
            "doc": self.doc,
            "params": [{"name": p.name, "default": p.default} for p in self.params],
            "function": self.function,
            "elementwise": self.elementwise,
            "expandable": self.expansion is not None,
            "operator": None if self.operator is None else self.operator.token,
            "infix": self.operator is not None and self.arity == 2,
            "precedence": None if self.operator is None else self.operator.precedence,
            "activation": self.activation,
            "curve": self.curve() if self.activation else None,
        }

    def curve(self, low: float = -5.0, high: float = 5.0, points: int = 101) -> dict[str, list[float]]:
        """f and f′ of a one-argument row sampled over [low, high] at the default parameters.

        Computed with the row's own rules on numpy (what the engine computes on arrays), so the
        activation gallery draws the engine's numbers and a new row needs no formula on the page.
        """
        x = np.linspace(low, high, points)
        params = tuple(p.default for p in self.params)
        with np.errstate(all="ignore"):
            f = np.asarray(self.forward(backends.ARRAY, x, *params), dtype=np.float64)
            assert self.partials is not None, f"{self.name}: a plotted row gives partials"
            (d,) = self.partials(backends.ARRAY, f, x, *params)
            df = np.broadcast_to(d() if callable(d) else d, x.shape)
        return {"x": x.tolist(), "f": f.tolist(), "df": np.asarray(df, dtype=np.float64).tolist()}


# --- helpers for structural rows (numpy or graph backends) -------------------------------------


def _matmul_vjp(F: Any, g: Any, ans: Any, a: Any, b: Any) -> tuple[Any, Any]:
    # Lazy: the engine calls a side only if that parent needs a gradient (data X does not).
    if F.ndim(a) == 2 and F.ndim(b) == 2:
        return (lambda: F.matmul(g, F.transpose(b))), (lambda: F.matmul(F.transpose(a), g))
    return F.matmul_grads(g, a, b)


def _matmul_jvp(F: Any, t: tuple[Any, Any], ans: Any, a: Any, b: Any) -> Any:
    ta, tb = t
    out = None
    if ta is not None:
        out = F.matmul(ta, b)
    if tb is not None:
        term = F.matmul(a, tb)
        out = term if out is None else out + term
    return out


def _tanh_composition(e: Any) -> Any:
    # tanh(z) = (1 − e⁻²ᶻ) / (1 + e⁻²ᶻ), with e⁻²ᶻ recorded once.
    return (1.0 - e) / (1.0 + e)


def _sum_forward(F: Any, x: Any) -> Any:
    return F.reduce_sum(x)


def _mean_forward(F: Any, x: Any) -> Any:
    return F.reduce_sum(x) * (1.0 / F.size(x))


_ROWS: list[Primitive] = [
    Primitive(
        "add", 2, "+", "d(a+b)/da = 1, d(a+b)/db = 1", "a + b",
        forward=rule("F, a, b: a + b"),
        partials=rule("F, ans, a, b: (1.0, 1.0)"),
        vjp=lambda F, g, ans, a, b: (g, g),
        operator=Operator("+", 1, "__add__"),
        function=False,
        array_vjp=backends.add_vjp,
    ),
    Primitive(
        "sub", 2, "−", "d(a−b)/da = 1, d(a−b)/db = −1", "a − b",
        forward=rule("F, a, b: a - b"),
        partials=rule("F, ans, a, b: (1.0, -1.0)"),
        vjp=lambda F, g, ans, a, b: (g, F.lazy(lambda: -g)),  # data minus target: no −g needed
        operator=Operator("-", 1, "__sub__"),
        function=False,
        array_vjp=backends.sub_vjp,
    ),
    Primitive(
        "mul", 2, "×", "d(ab)/da = b, d(ab)/db = a", "a × b",
        forward=rule("F, a, b: a * b"),
        partials=rule("F, ans, a, b: (b, a)"),
        operator=Operator("*", 2, "__mul__"),
        function=False,
        array_vjp=backends.mul_vjp,
    ),
    Primitive(
        "div", 2, "÷", "d(a/b)/da = 1/b, d(a/b)/db = −a/b²", "a / b",
        forward=rule("F, a, b: a / b"),
        partials=rule("F, ans, a, b: (1.0 / b, -ans / b)"),
        operator=Operator("/", 2, "__truediv__"),
        function=False,
        domain="division by zero (or a quotient past ±1.8e308)",
    ),
    Primitive(
        "neg", 1, "−", "d(−x)/dx = −1", "−x",
        forward=rule("F, x: -x"),
        partials=rule("F, ans, x: (-1.0,)"),
        vjp=lambda F, g, ans, x: (-g,),
        operator=Operator("-", 3, "__neg__"),
        function=False,
        array_vjp=backends.neg_vjp,
    ),
    Primitive(
        "inv", 1, "1/x", "inv'(x) = −1/x²", "1 / x",
        forward=rule("F, x: 1.0 / x"),
        partials=rule("F, ans, x: (-(ans * ans),)"),
        domain="1/x is undefined at x = 0",
    ),
    Primitive(
        "pow", 2, "^",
        "d(aᵇ)/da = b·aᵇ⁻¹ (0 where b = 0: a⁰ is the constant 1), d(aᵇ)/db = aᵇ·ln a (0 where a = 0)",
        "a to the power b",
        forward=rule("F, a, b: F.pow(a, b)"),
        # Base 0 is exact: d(a⁰)/da = 0, not 0·0⁻¹ = NaN, so x^1's second derivative at 0 is 0 too.
        # The exponent's partial at a = 0 is 0 by convention (exact for b > 0, where 0ᵇ is constantly
        # 0), as relu'(0) = 0. It is lazy: x^2 with a constant 2 never needs a log of x. Each backend
        # implements pow_da/pow_db with these conventions (numbers, numpy, recorded graphs).
        partials=rule("F, ans, a, b: (F.pow_da(a, b), F.lazy(lambda: F.pow_db(ans, a, b)))"),
        operator=Operator("^", 4, "__pow__", right_associative=True, aliases=("**",)),
        function=False,
        domain="aᵇ overflows past ±1.8e308; a negative base needs an integer exponent; "
        "0 to a negative power is infinite",
        derivative_domain=(
            "b·aᵇ⁻¹ is infinite at a = 0 when b < 1, and undefined for a negative base unless b is an "
            "integer",
            "aᵇ·ln a is undefined for a negative base a (ln a needs a ≥ 0; at a = 0 it is taken as 0)",
        ),
    ),
    Primitive(
        "square", 1, "x²", "square'(x) = 2x", "x²",
        forward=rule("F, x: x * x"),
        partials=rule("F, ans, x: (2.0 * x,)"),
        array_vjp=backends.square_vjp,
    ),
    Primitive(
        "sqrt", 1, "√", "sqrt'(x) = 1/(2√x)", "square root",
        forward=rule("F, x: F.sqrt(x)"),
        partials=rule("F, ans, x: (0.5 / ans,)"),
        domain="sqrt needs x ≥ 0 (and its derivative x > 0)",
    ),
    Primitive(
        "exp", 1, "exp", "exp'(x) = exp(x)", "eˣ",
        forward=rule("F, x: F.exp(x)"),
        partials=rule("F, ans, x: (ans,)"),
        domain="exp overflows above x ≈ 709.78",
        array_vjp=backends.exp_vjp,
    ),
    Primitive(
        "log", 1, "ln", "log'(x) = 1/x", "natural logarithm",
        forward=rule("F, x: F.log(x)"),
        partials=rule("F, ans, x: (1.0 / x,)"),
        domain="log needs x > 0",
    ),
    Primitive(
        "abs", 1, "|x|", "abs'(x) = sign(x), abs'(0) = 0", "absolute value",
        forward=rule("F, x: F.abs(x)"),
        partials=rule("F, ans, x: (F.sign(x),)"),
    ),
    Primitive(
        "sin", 1, "sin", "sin'(x) = cos(x)", "sine",
        forward=rule("F, x: F.sin(x)"),
        partials=rule("F, ans, x: (F.cos(x),)"),
    ),
    Primitive(
        "cos", 1, "cos", "cos'(x) = −sin(x)", "cosine",
        forward=rule("F, x: F.cos(x)"),
        partials=rule("F, ans, x: (-F.sin(x),)"),
    ),
    Primitive(
        "sigmoid", 1, "σ", "sigmoid'(x) = s(1−s), at most 0.25", "1 / (1 + e⁻ˣ), range (0, 1)",
        forward=rule("F, x: F.sigmoid(x)"),
        partials=rule("F, ans, x: (ans * (1.0 - ans),)"),
        expansion=lambda E, z: E.inv(1.0 + E.exp(-z)),
        array_vjp=backends.sigmoid_vjp,
        activation=True,
    ),
    Primitive(
        "tanh", 1, "tanh", "tanh'(x) = 1 − tanh(x)²", "hyperbolic tangent, range (−1, 1)",
        forward=rule("F, x: F.tanh(x)"),
        partials=rule("F, ans, x: (1.0 - ans * ans,)"),
        expansion=lambda E, z: _tanh_composition(E.exp(-2.0 * z)),
        array_vjp=backends.tanh_vjp,
        activation=True,
    ),
    Primitive(
        "relu", 1, "ReLU", "relu'(x) = 1 for x > 0, else 0 (relu'(0) = 0)", "max(0, x)",
        forward=rule("F, x: F.relu(x)"),
        partials=rule("F, ans, x: (F.step(x),)"),
        activation=True,
    ),
    Primitive(
        "leaky_relu", 1, "LReLU",
        "leaky_relu'(x) = 1 for x > 0, else slope (leaky_relu'(0) = slope)",
        "x for x > 0, slope·x otherwise",
        forward=rule("F, x, slope: F.leaky_relu(x, slope)"),
        partials=rule("F, ans, x, slope: (F.leaky_step(x, slope),)"),
        params=(Param("slope", 0.01),),
        activation=True,
    ),
    Primitive(
        "softplus", 1, "softplus", "softplus'(x) = sigmoid(x)", "ln(1 + eˣ), a smooth ReLU",
        forward=rule("F, x: F.softplus(x)"),
        partials=rule("F, ans, x: (F.sigmoid(x),)"),
    ),
    Primitive(
        "silu", 1, "SiLU", "silu'(x) = σ(x) + silu(x)·(1 − σ(x))",
        "x·σ(x), the sigmoid-weighted linear unit (swish)",
        forward=rule("F, x: x * F.sigmoid(x)"),
        partials=rule("F, ans, x: (F.sigmoid(x) * (1.0 - ans) + ans,)"),
        activation=True,
    ),
    Primitive(
        "matmul", 2, "@", "d(A@B) = dA@B + A@dB; grads g@Bᵀ and Aᵀ@g", "matrix product",
        forward=rule("F, a, b: F.matmul(a, b)"),
        vjp=_matmul_vjp,
        jvp=_matmul_jvp,
        operator=Operator("@", 2, "__matmul__"),
        function=False,
        elementwise=False,
        array_vjp=backends.matmul_vjp,
    ),
    Primitive(
        "sum", 1, "Σ", "d(Σx)/dxᵢ = 1", "sum of all elements",
        forward=_sum_forward,
        partials=rule("F, ans, x: (1.0,)"),  # only used on a number, where sum is the identity
        vjp=lambda F, g, ans, x: (F.broadcast_like(g, x),),
        jvp=lambda F, t, ans, x: F.reduce_sum(t[0]),
        elementwise=False,
        array_vjp=backends.sum_vjp,
    ),
    Primitive(
        "mean", 1, "mean", "d(mean x)/dxᵢ = 1/n", "mean of all elements",
        forward=_mean_forward,
        partials=rule("F, ans, x: (1.0,)"),  # only used on a number, where mean is the identity
        vjp=lambda F, g, ans, x: (F.broadcast_like(g * (1.0 / F.size(x)), x),),
        jvp=lambda F, t, ans, x: F.reduce_sum(t[0]) * (1.0 / F.size(x)),
        elementwise=False,
        array_vjp=backends.mean_vjp,
    ),
    Primitive(
        "transpose", 1, "ᵀ", "d(xᵀ) = (dx)ᵀ", "matrix transpose",
        forward=rule("F, x: F.transpose(x)"),
        partials=rule("F, ans, x: (1.0,)"),  # only used on a number, where transpose is the identity
        vjp=lambda F, g, ans, x: (F.transpose(g),),
        jvp=lambda F, t, ans, x: F.transpose(t[0]),
        elementwise=False,
        array_vjp=backends.transpose_vjp,
    ),
    # Broadcasting's own rows: un-broadcasting a gradient is a sum_to, and its adjoint a broadcast_to.
    # The engine needs them only when it records a backward pass as a graph.
    Primitive(
        "sum_to", 1, "Σ→", "adjoint of broadcasting", "sums x down to a shape",
        forward=rule("F, x, shape: F.sum_to(x, shape)"),
        vjp=lambda F, g, ans, x, shape: (F.broadcast_to(g, F.shape(x)),),
        jvp=lambda F, t, ans, x, shape: F.sum_to(t[0], shape),
        params=(Param("shape", 0.0),),
        function=False,
        elementwise=False,
    ),
    Primitive(
        "broadcast_to", 1, "⇉", "adjoint of sum_to", "repeats x to a shape",
        forward=rule("F, x, shape: F.broadcast_to(x, shape)"),
        vjp=lambda F, g, ans, x, shape: (F.sum_to(g, F.shape(x)),),
        jvp=lambda F, t, ans, x, shape: F.broadcast_to(t[0], shape),
        params=(Param("shape", 0.0),),
        function=False,
        elementwise=False,
    ),
]

PRIMITIVES: dict[str, Primitive] = {row.name: row for row in _ROWS}
"""Every primitive by name."""

FUNCTIONS: dict[str, Primitive] = {name: row for name, row in PRIMITIVES.items() if row.function}
"""The rows the expression language may call by name."""


INFIX: dict[str, Primitive] = {
    token: row
    for row in _ROWS
    if row.operator is not None and row.arity == 2
    for token in (row.operator.token, *row.operator.aliases)
}
"""The two-argument rows written between their arguments, by the language's token ("**" too)."""

PREFIX: dict[str, Primitive] = {
    row.operator.token: row for row in _ROWS if row.operator is not None and row.arity == 1
}
"""The one-argument rows written before their argument ("-" is neg; a "+" sign records nothing)."""

PRECEDENCE: dict[str, int] = {
    row.operator.token: row.operator.precedence
    for row in _ROWS
    if row.operator is not None and row.arity == 2
}
"""How tightly each infix token binds (higher binds tighter)."""

ACTIVATIONS: dict[str, Primitive] = {name: row for name, row in PRIMITIVES.items() if row.activation}
"""The rows the legend and the activation gallery show as neurons' nonlinearities."""
