"""One finite-difference check per row of the primitive table, kinks on their own, and domain errors.

Every test that walks the table is parametrized over ``PRIMITIVES`` itself, so a new row without an
entry in ``DOMAINS`` fails here until it gets one.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest

import pathgrad
from pathgrad import (
    FUNCTIONS,
    PRIMITIVES,
    Const,
    Node,
    Primitive,
    Var,
    absolute,
    apply,
    check_gradients,
    evaluate,
    exp,
    grad,
    leaky_relu,
    log,
    nonfinite_reason,
    numeric_gradient,
    relu,
    service,
    sin,
    sqrt,
    tangents,
)
from pathgrad import sum as total
from pathgrad.language import parse, to_source
from pathgrad.primitives import ACTIVATIONS, INFIX, PRECEDENCE, PREFIX

Shape = tuple[int, ...]
Sampler = Callable[[np.random.Generator, Shape], Any]


def uniform(low: float, high: float) -> Sampler:
    """Values in [low, high]."""

    def sample(rng: np.random.Generator, shape: Shape) -> Any:
        values = rng.uniform(low, high, size=shape)
        return float(values) if shape == () else values

    return sample


def away_from_zero(low: float, high: float) -> Sampler:
    """Values with low <= |v| <= high and either sign: away from a pole or a kink at 0."""

    def sample(rng: np.random.Generator, shape: Shape) -> Any:
        values = rng.uniform(low, high, size=shape) * rng.choice([-1.0, 1.0], size=shape)
        return float(values) if shape == () else values

    return sample


@dataclass(frozen=True)
class Case:
    """Argument shapes (one per argument) and extra parameters for one check of a row."""

    shapes: tuple[Shape, ...]
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Domain:
    """Where a row is smooth (one sampler per argument) and the shapes to check it at.

    ``reference(mp, x)`` is, for a one-argument elementwise row, its formula in mpmath (``mp`` is
    mpmath's context): the independent reference of test_primitives_reference.py, which keeps the
    older rows' formulas itself, so that a new row's tests are this one entry.
    """

    args: tuple[Sampler, ...]
    scalar: Case
    array: Case
    reference: Callable[[Any, Any], Any] | None = None


def elementwise(
    *args: Sampler, reference: Callable[[Any, Any], Any] | None = None, **params: Any
) -> Domain:
    """Scalars, then arrays; binary rows broadcast (3, 1) against (4,)."""
    if len(args) == 1:
        return Domain(args, Case(((),), params), Case(((3, 4),), params), reference)
    return Domain(args, Case(((), ()), params), Case(((3, 1), (4,)), params), reference)


ANY = uniform(-2.0, 2.0)
WIDE = uniform(-3.0, 3.0)
POSITIVE = uniform(0.2, 3.0)
NONZERO = away_from_zero(0.5, 2.0)
OFF_KINK = away_from_zero(0.1, 2.0)

DOMAINS: dict[str, Domain] = {
    "add": elementwise(ANY, ANY),
    "sub": elementwise(ANY, ANY),
    "mul": elementwise(ANY, ANY),
    "div": elementwise(ANY, NONZERO),
    "neg": elementwise(ANY),
    "inv": elementwise(NONZERO),
    "pow": elementwise(uniform(0.5, 2.0), ANY),
    "square": elementwise(ANY),
    "sqrt": elementwise(POSITIVE),
    "exp": elementwise(WIDE),
    "log": elementwise(POSITIVE),
    "abs": elementwise(OFF_KINK),
    "sin": elementwise(WIDE),
    "cos": elementwise(WIDE),
    "tanh": elementwise(WIDE),
    "sigmoid": elementwise(WIDE),
    "relu": elementwise(OFF_KINK),
    "leaky_relu": elementwise(OFF_KINK, slope=0.1),
    "softplus": elementwise(WIDE),
    "silu": elementwise(WIDE, reference=lambda mp, x: x / (1 + mp.exp(-x))),
    # np.matmul takes no 0-d operands: the "scalar" check is a dot product of vectors.
    "matmul": Domain((ANY, ANY), Case(((3,), (3,))), Case(((3, 4), (4, 2)))),
    "sum": Domain((ANY,), Case(((),)), Case(((3, 4),))),
    "mean": Domain((ANY,), Case(((),)), Case(((3, 4),))),
    "transpose": Domain((ANY,), Case(((),)), Case(((3, 4),))),
    "sum_to": Domain((ANY,), Case(((),), {"shape": ()}), Case(((2, 3, 4),), {"shape": (3, 1)})),
    "broadcast_to": Domain(
        (ANY,), Case(((),), {"shape": (2, 3)}), Case(((3, 1),), {"shape": (2, 3, 4)})
    ),
}

ROWS = sorted(PRIMITIVES)
BINARY_ELEMENTWISE = [n for n in ROWS if PRIMITIVES[n].arity == 2 and PRIMITIVES[n].elementwise]


def sample_args(name: str, case: Case, seed: int = 0) -> list[Any]:
    rng = np.random.default_rng(seed)
    return [sampler(rng, shape) for sampler, shape in zip(DOMAINS[name].args, case.shapes, strict=True)]


def scalar_loss(name: str, params: dict[str, Any], seed: int = 1) -> Callable[..., Node]:
    """apply(row), reduced to a scalar with fixed random weights (so every entry's gradient differs)."""
    rng = np.random.default_rng(seed)

    def fn(*xs: Node) -> Node:
        out = apply(name, *xs, **params)
        if out.shape == ():
            return out
        return total(out * Const(rng.normal(size=out.shape)))

    return fn


# --- the table itself ----------------------------------------------------------------------------


def test_every_row_has_a_domain_and_every_domain_a_row() -> None:
    assert set(DOMAINS) == set(PRIMITIVES)


@pytest.mark.parametrize("name", ROWS)
def test_row_is_well_formed(name: str) -> None:
    row = PRIMITIVES[name]
    assert isinstance(row, Primitive)
    assert row.name == name
    assert row.arity in (1, 2)
    assert len(DOMAINS[name].args) == row.arity
    assert row.symbol and row.formula and row.doc
    if row.elementwise:
        assert row.partials is not None, f"{name}: elementwise rows give partials"
    else:
        assert row.vjp is not None and row.jvp is not None, f"{name}: structural rows give vjp and jvp"
    described = row.describe()
    assert described["name"] == name and described["arity"] == row.arity
    assert [p["name"] for p in described["params"]] == [p.name for p in row.params]


def test_functions_are_the_rows_callable_by_name() -> None:
    assert set(FUNCTIONS) == {n for n, row in PRIMITIVES.items() if row.function}
    assert {"sigmoid", "tanh", "relu", "leaky_relu", "exp", "log"} <= set(FUNCTIONS)
    assert not {"add", "sub", "mul", "div", "neg", "pow", "matmul"} & set(FUNCTIONS)


# --- finite differences, one row at a time ---------------------------------------------------------


@pytest.mark.parametrize("variant", ["scalar", "array"])
@pytest.mark.parametrize("name", ROWS)
def test_row_gradient_matches_finite_differences(name: str, variant: str) -> None:
    case: Case = getattr(DOMAINS[name], variant)
    args = sample_args(name, case)
    result = check_gradients(scalar_loss(name, case.params), *args)
    assert result.ok, f"{name} {variant}: analytic {result.analytic} vs numeric {result.numeric}"
    assert len(result.analytic) == PRIMITIVES[name].arity  # every argument is checked
    for arg, analytic in zip(args, result.analytic, strict=True):
        assert np.shape(analytic) == np.shape(arg)
        if np.ndim(arg):
            assert np.any(analytic != 0.0), f"{name} {variant}: a vanishing gradient checks nothing"


@pytest.mark.parametrize("variant", ["scalar", "array"])
@pytest.mark.parametrize("name", ROWS)
def test_row_forward_mode_matches_reverse_mode(name: str, variant: str) -> None:
    case: Case = getattr(DOMAINS[name], variant)
    args = sample_args(name, case)
    xs = [Var(a) for a in args]
    out = scalar_loss(name, case.params)(*xs)
    reverse = grad(out, xs)
    rng = np.random.default_rng(2)
    for x, g in zip(xs, reverse, strict=True):
        direction = rng.normal(size=x.shape)
        seed = float(direction) if x.shape == () else direction
        forward = tangents([out], x, seed=seed)[out]
        assert forward == pytest.approx(float(np.sum(g * direction)), rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("name", ROWS)
def test_row_keeps_float32_arrays_float32(name: str) -> None:
    case = DOMAINS[name].array
    xs = [Var(np.asarray(a, dtype=np.float32)) for a in sample_args(name, case)]
    out = apply(name, *xs, **case.params)
    if out.shape:
        assert out.value.dtype == np.float32
    weights = Const(np.random.default_rng(1).normal(size=out.shape).astype(np.float32))
    loss = total(out * weights) if out.shape else out
    for x, g in zip(xs, grad(loss, xs), strict=True):
        assert g.dtype == np.float32 and g.shape == x.shape
        if out.shape:
            assert tangents([out], x)[out].dtype == np.float32


@pytest.mark.parametrize(
    "shapes", [((), (2, 3)), ((2, 3), ()), ((2, 1, 3), (4, 1))], ids=["scalar-array", "array-scalar", "3d"]
)
@pytest.mark.parametrize("name", BINARY_ELEMENTWISE)
def test_binary_row_broadcasts_both_arguments(name: str, shapes: tuple[Shape, Shape]) -> None:
    case = Case(shapes)
    args = sample_args(name, case, seed=3)
    result = check_gradients(scalar_loss(name, {}), *args)
    assert result.ok, f"{name} {shapes}: analytic {result.analytic} vs numeric {result.numeric}"
    assert [np.shape(g) for g in result.analytic] == [np.shape(a) for a in args]


@pytest.mark.parametrize("name", [n for n in ROWS if PRIMITIVES[n].arity == 1])
def test_unary_row_value_matches_numpy_replay(name: str) -> None:
    # The scalar fast path (math) and the replay (numpy) compute the same function.
    case: Case = DOMAINS[name].scalar
    (arg,) = sample_args(name, case, seed=4)
    x = Var(arg)
    y = apply(name, x, **case.params)
    assert evaluate([y], {})[y] == pytest.approx(y.value, rel=1e-12, abs=1e-15)


# --- kinks, on their own -------------------------------------------------------------------------


def test_relu_derivative_at_zero_is_zero() -> None:
    x = Var(0.0)
    y = relu(x)
    assert y.value == 0.0
    assert grad(y, [x]) == [0.0]
    assert tangents([y], x)[y] == 0.0
    assert grad(apply("relu", x), [x]) == [0.0]


def test_relu_derivative_on_an_array_through_zero() -> None:
    x = Var(np.array([-1.0, 0.0, 2.0]))
    (g,) = grad(total(relu(x)), [x])
    np.testing.assert_array_equal(g, [0.0, 0.0, 1.0])


def test_leaky_relu_derivative_at_zero_is_the_slope() -> None:
    x = Var(0.0)
    assert grad(leaky_relu(x), [x]) == [0.01]  # the table's default slope
    assert grad(leaky_relu(x, 0.2), [x]) == [0.2]
    assert grad(apply("leaky_relu", x, slope=0.3), [x]) == [0.3]
    y = apply("leaky_relu", x, slope=0.3)
    assert tangents([y], x)[y] == 0.3


def test_leaky_relu_derivative_on_an_array_through_zero() -> None:
    x = Var(np.array([-1.0, 0.0, 2.0]))
    (g,) = grad(total(leaky_relu(x, 0.2)), [x])
    np.testing.assert_allclose(g, [0.2, 0.2, 1.0], rtol=0, atol=0)
    np.testing.assert_allclose(leaky_relu(x, 0.2).value, [-0.2, 0.0, 2.0])


def test_abs_derivative_at_zero_is_zero() -> None:
    x = Var(0.0)
    y = absolute(x)
    assert y.value == 0.0
    assert grad(y, [x]) == [0.0]
    assert tangents([y], x)[y] == 0.0
    xs = Var(np.array([-2.0, 0.0, 3.0]))
    (g,) = grad(total(absolute(xs)), [xs])
    np.testing.assert_array_equal(g, [-1.0, 0.0, 1.0])


def test_kinks_in_a_recorded_backward_pass() -> None:
    # With create_graph the step functions become constants: the same documented values.
    x = Var(0.0)
    for y, expected in [(relu(x), 0.0), (leaky_relu(x, 0.2), 0.2), (absolute(x), 0.0)]:
        (g,) = grad(y, [x], create_graph=True)
        assert isinstance(g, Node)
        assert g.value == expected
        assert grad(g, [x]) == [0.0]


# --- domain problems: inf/nan values with a reason, never an exception ------------------------------

DOMAIN_PROBLEMS: list[tuple[str, Callable[[], Node], str, str]] = [
    # (id, build, "nan" | "+inf" | "-inf", a word of the reason)
    ("log(-1)", lambda: log(Var(-1.0)), "nan", "log needs x > 0"),
    ("log(0)", lambda: log(Var(0.0)), "-inf", "log needs x > 0"),
    ("1/0", lambda: Var(1.0) / Var(0.0), "+inf", "division by zero"),
    ("1/0 literal", lambda: 1.0 / Var(0.0), "+inf", "division by zero"),
    ("inv(0)", lambda: apply("inv", Var(0.0)), "+inf", "x = 0"),
    ("exp(1000)", lambda: exp(Var(1000.0)), "+inf", "overflow"),
    ("sqrt(-1)", lambda: sqrt(Var(-1.0)), "nan", "sqrt needs x ≥ 0"),
    ("(-8)**(1/3)", lambda: Var(-8.0) ** (1.0 / 3.0), "nan", "negative base"),
    ("0**-1", lambda: Var(0.0) ** -1, "+inf", "0 to a negative power"),
    ("0**-1 both vars", lambda: Var(0.0) ** Var(-1.0), "+inf", "0 to a negative power"),
]


def _assert_kind(value: float, kind: str) -> None:
    if kind == "nan":
        assert math.isnan(value)
    else:
        assert math.isinf(value) and (value > 0) == (kind == "+inf")


@pytest.mark.parametrize(
    ("build", "kind", "word"), [p[1:] for p in DOMAIN_PROBLEMS], ids=[p[0] for p in DOMAIN_PROBLEMS]
)
def test_domain_problem_gives_a_nonfinite_value_and_a_reason(
    build: Callable[[], Node], kind: str, word: str
) -> None:
    y = build()
    _assert_kind(y.value, kind)
    reason = nonfinite_reason(y)
    assert isinstance(reason, str) and reason
    assert y.op in reason
    assert word in reason
    assert y.prim is not None and y.prim.domain in reason
    leaves = [p for p in y.parents if p.requires_grad]
    grads = grad(sin(y), leaves)  # does not raise, even one node further
    assert len(grads) == len(leaves)
    tangents([y], leaves[0])  # nor does forward mode
    _assert_kind(evaluate([y], {})[y], kind)  # nor a replay, which gives the same value


@pytest.mark.parametrize(
    ("name", "values", "kinds"),
    [
        ("log", [[-1.0, 0.0, 1.0]], ["nan", "-inf", None]),
        ("sqrt", [[-1.0, 4.0]], ["nan", None]),
        ("exp", [[1000.0, 0.0]], ["+inf", None]),
        ("inv", [[0.0, 2.0]], ["+inf", None]),
        ("div", [[1.0, 1.0], [0.0, 2.0]], ["+inf", None]),
        ("pow", [[-8.0, 0.0, 4.0], [1.0 / 3.0, -1.0, 0.5]], ["nan", "+inf", None]),
    ],
)
def test_domain_problems_on_arrays(name: str, values: list[list[float]], kinds: list[str | None]) -> None:
    xs = [Var(np.array(v)) for v in values]
    y = apply(name, *xs)
    for value, kind in zip(y.value, kinds, strict=True):
        if kind is None:
            assert math.isfinite(value)
        else:
            _assert_kind(float(value), kind)
    reason = nonfinite_reason(y)
    assert isinstance(reason, str) and name in reason and PRIMITIVES[name].domain in reason
    grads = grad(total(y), xs)
    assert [np.shape(g) for g in grads] == [np.shape(x.value) for x in xs]


def test_domain_problems_through_the_service_emit_no_runtime_warning() -> None:
    # The engine leaves numpy's warnings as they are for Python users (like numpy itself); the
    # service, which builds every program the API and the CLI see, flags them on nodes instead.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        program = service.build("x = [-1, 0, 1]\ny = log(x) + 1/(x - 1)\nz = sum(y)")
        graph = service.graph_for(program)
    assert graph["nodes"][-1]["nonfinite"]


def test_a_nonfinite_input_is_named_downstream() -> None:
    y = log(Var(-1.0))
    y.name = "bad"
    z = sin(y)
    reason = nonfinite_reason(z)
    assert reason is not None and "bad" in reason and "already not finite" in reason
    assert nonfinite_reason(Var(math.inf)) == "the value given is not a finite number"
    assert nonfinite_reason(sin(Var(1.0))) is None


# --- apply() --------------------------------------------------------------------------------------


def test_apply_unknown_name_raises_key_error_naming_it() -> None:
    with pytest.raises(KeyError, match="no_such_op"):
        apply("no_such_op", Var(1.0))


@pytest.mark.parametrize("name", ROWS)
def test_apply_wrong_arity_raises_type_error(name: str) -> None:
    arity = PRIMITIVES[name].arity
    with pytest.raises(TypeError, match=name):
        apply(name, *[Var(1.0)] * (arity + 1))
    with pytest.raises(TypeError, match=name):
        apply(name)


def test_apply_unknown_parameter_raises_type_error() -> None:
    with pytest.raises(TypeError, match="alpha"):
        apply("leaky_relu", Var(-1.0), alpha=0.5)
    with pytest.raises(TypeError):
        apply("sin", Var(1.0), slope=0.5)


def test_apply_accepts_a_row_and_raw_numbers() -> None:
    y = apply(PRIMITIVES["mul"], 2.0, Var(3.0))
    assert y.value == 6.0 and y.op == "mul"
    assert y.parents[0].kind == "const" and not y.parents[0].requires_grad
    assert apply("leaky_relu", -1.0).value == pytest.approx(-0.01)


# --- powers at base 0: exact derivatives, one convention for the exponent ---------------------------


def _x_to_the(exponent: float, x0: float = 0.0) -> tuple[Node, Node]:
    x = Var(x0)
    return x, x**exponent


@pytest.mark.parametrize(("exponent", "slope"), [(0.0, 0.0), (1.0, 1.0), (2.0, 0.0), (3.0, 0.0)])
def test_powers_at_zero_have_exact_first_derivatives(exponent: float, slope: float) -> None:
    # x⁰ is the constant 1: its derivative is 0 everywhere, also at 0 (not 0·0⁻¹ = 0·∞).
    x, y = _x_to_the(exponent)
    assert grad(y, [x]) == [slope]
    assert tangents([y], x)[y] == slope
    assert y.partials is not None and y.partials[0] == slope
    xs = Var(np.zeros(3))
    (g,) = grad(total(xs**exponent), [xs])
    np.testing.assert_array_equal(g, [slope] * 3)


@pytest.mark.parametrize(("exponent", "curvature"), [(0.0, 0.0), (1.0, 0.0), (2.0, 2.0), (3.0, 0.0)])
def test_powers_at_zero_have_exact_second_derivatives(exponent: float, curvature: float) -> None:
    x, y = _x_to_the(exponent)
    (g,) = grad(y, [x], create_graph=True)
    assert grad(g, [x]) == [curvature]
    xs = Var(np.zeros(3))
    (gs,) = grad(total(xs**exponent), [xs], create_graph=True)
    (hs,) = grad(total(gs), [xs])
    np.testing.assert_array_equal(hs, [curvature] * 3)


@pytest.mark.parametrize("exponent", [0.0, 0.5, 1.0, 2.5])
def test_the_exponents_derivative_at_base_zero_is_zero(exponent: float) -> None:
    # The documented convention: d(aᵇ)/db = 0 at a = 0 (exact for b > 0, where 0ᵇ is constantly 0).
    a, b = Var(0.0), Var(exponent)
    y = a**b
    assert grad(y, [b]) == [0.0]
    assert tangents([y], b)[y] == 0.0
    (g,) = grad(y, [b], create_graph=True)
    assert g.value == 0.0
    bs = Var(np.full(2, exponent))
    (gs,) = grad(total(Const(np.zeros(2)) ** bs), [bs])
    np.testing.assert_array_equal(gs, [0.0, 0.0])


def test_a_zero_power_of_a_zero_leaf_keeps_the_whole_gradient_finite() -> None:
    # The generated program of the issue: `… - s6^0.0` where s6 = 0 made the whole gradient NaN.
    program = service.build("s6 = 0; w = 0.3; y = sigmoid(w*2) * s6 - s6^0.0 + w*s6")
    x, w = program.leaves["s6"], program.leaves["w"]
    gx, gw = grad(program.output, [x, w])
    assert gx == pytest.approx(1 / (1 + math.exp(-0.6)) + 0.3, rel=1e-15)  # σ(2w) − 0 + w
    assert gw == 0.0


# --- the table is the only registry: every row reaches the Python API, the language and /api/ops ----


@pytest.mark.parametrize("name", ROWS)
def test_every_row_is_a_function_of_the_python_api(name: str) -> None:
    maker = getattr(pathgrad, name)
    assert name in pathgrad.__all__ and maker.__name__ == name
    case = DOMAINS[name].scalar
    args = sample_args(name, case, seed=5)
    fast = maker(*[Var(a) for a in args], **case.params)
    generic = apply(name, *[Var(a) for a in args], **case.params)
    assert fast.prim is generic.prim is PRIMITIVES[name]
    assert np.array_equal(fast.value, generic.value)
    assert fast.partials == generic.partials


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_every_function_row_parses_builds_and_differentiates_in_the_language(name: str) -> None:
    case = DOMAINS[name].scalar
    (x,) = sample_args(name, case, seed=6)
    params = "".join(f", {v!r}" for v in case.params.values())
    program = service.build(f"x = {x!r}\ny = {name}(x{params})")
    assert program.output.op == name
    leaf = program.leaves["x"]
    (g,) = grad(program.output, [leaf])  # float64 reverse mode on the program's own graph
    assert g == pytest.approx(numeric_gradient(program.output, leaf), rel=1e-6, abs=1e-9)


@pytest.mark.parametrize("token", sorted(INFIX))
def test_each_infix_token_builds_its_row(token: str) -> None:
    row = INFIX[token]
    program = service.build(f"a = 1.5\nb = 2.5\ny = a {token} b" if row.name != "matmul"
                            else f"a = [[1, 2]]\nb = [[3], [4]]\ny = a {token} b")
    assert program.output.op == row.name


def test_each_sign_builds_its_row_and_plus_records_nothing() -> None:
    for token, row in PREFIX.items():
        assert service.build(f"a = 1.5\ny = {token}a").output.op == row.name
    assert service.build("a = 1.5\ny = +a").output.op == "leaf"


@pytest.mark.parametrize("outer", sorted(PRECEDENCE))
@pytest.mark.parametrize("inner", sorted(PRECEDENCE))
def test_the_parser_groups_by_the_tables_precedence(outer: str, inner: str) -> None:
    # "a inner b outer c": grouped left when inner binds at least as tightly (and is not right-assoc).
    tree = parse(f"a = 1\nb = 2\nc = 3\ny = a {inner} b {outer} c", functions={})
    grouped = to_source(tree, full_parens=True).splitlines()[-1]
    inner_op, outer_op = INFIX[inner].operator, INFIX[outer].operator
    assert inner_op is not None and outer_op is not None
    tighter = inner_op.precedence > outer_op.precedence
    left = tighter or (inner_op.precedence == outer_op.precedence and not outer_op.right_associative)
    assert grouped == (f"y = ((a {inner} b) {outer} c)" if left else f"y = (a {inner} (b {outer} c))")


@pytest.mark.parametrize("name", ROWS)
def test_describe_sends_the_operator_and_activation_of_each_row(name: str) -> None:
    row = PRIMITIVES[name]
    described = row.describe()
    assert described["operator"] == (row.operator.token if row.operator else None)
    assert described["infix"] == (row.operator is not None and row.arity == 2)
    assert described["precedence"] == (row.operator.precedence if row.operator else None)
    assert described["activation"] is row.activation
    assert [p["default"] for p in described["params"]] == [p.default for p in row.params]
    assert (described["curve"] is not None) is row.activation


def test_the_activations_include_the_gallerys_classics() -> None:
    assert {"sigmoid", "tanh", "relu", "leaky_relu"} <= set(ACTIVATIONS)
    assert all(row.arity == 1 and row.function and row.elementwise for row in ACTIVATIONS.values())


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_an_activations_curve_is_the_engines_value_and_gradient(name: str) -> None:
    curve = PRIMITIVES[name].curve()
    x = np.array(curve["x"])
    assert x[0] == -5.0 and x[-1] == 5.0 and 0.0 in x and len(curve["f"]) == len(curve["df"]) == len(x)
    leaf = Var(x)
    y = apply(name, leaf)  # the table's default parameters
    np.testing.assert_array_equal(curve["f"], y.value)
    (g,) = grad(total(y), [leaf])
    np.testing.assert_array_equal(curve["df"], g)
    # and one point on the scalar path, as the legend's formula reads it
    point = Var(float(x[37]))
    assert grad(apply(name, point), [point])[0] == pytest.approx(curve["df"][37], rel=1e-12, abs=1e-15)


def test_api_ops_sends_each_rows_operator_activation_and_curve() -> None:
    from fastapi.testclient import TestClient

    from pathgrad.api.app import create_app
    from pathgrad.settings import Settings

    ops = TestClient(create_app(Settings())).get("/api/ops").json()
    assert [op["name"] for op in ops] == ROWS_IN_ORDER  # through the response model, unchanged
    by_name = {op["name"]: op for op in ops}
    for token, row in INFIX.items():
        if row.operator is not None and token == row.operator.token:
            op = by_name[row.name]
            assert (op["operator"], op["infix"], op["precedence"]) == (token, True, row.operator.precedence)
    assert (by_name["neg"]["operator"], by_name["neg"]["infix"]) == ("-", False)
    assert by_name["exp"]["operator"] is None and by_name["exp"]["curve"] is None
    assert [op["name"] for op in ops if op["activation"]] == list(ACTIVATIONS)
    for name in ACTIVATIONS:
        assert by_name[name]["curve"] == PRIMITIVES[name].curve()
    assert by_name["leaky_relu"]["params"] == [{"name": "slope", "default": 0.01}]


ROWS_IN_ORDER = list(PRIMITIVES)
