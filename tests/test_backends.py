"""The numeric backends: SCALAR (math) and ARRAY (numpy) agree, stay stable and un-broadcast right."""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pytest

from pathgrad.backends import ARRAY, SCALAR, ArrayBackend, ScalarBackend, sum_to_shape
from pathgrad.engine import GRAPH, Const, Node, Var

SAMPLES = [-2.5, -1.0, -0.3, 0.0, 0.3, 1.0, 2.5]
POSITIVE_SAMPLES = [0.1, 0.5, 1.0, 2.5, 7.0]

ELEMENTWISE = ["exp", "sin", "cos", "tanh", "sigmoid", "softplus", "abs", "relu", "step", "sign"]


def _public(cls: type) -> set[str]:
    return {name for name in vars(cls) if not name.startswith("_")}


def test_every_scalar_function_exists_on_the_array_and_graph_backends() -> None:
    # A rule written once against F must run on all three backends.
    missing_array = _public(ScalarBackend) - _public(ArrayBackend)
    missing_graph = (_public(ScalarBackend) | _public(ArrayBackend)) - {
        name for name in dir(GRAPH) if not name.startswith("_")
    }
    assert not missing_array and not missing_graph


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_scalar_and_array_backends_agree(name: str) -> None:
    scalar = [getattr(SCALAR, name)(x) for x in SAMPLES]
    array = getattr(ARRAY, name)(np.array(SAMPLES))
    assert all(type(v) is float or isinstance(v, int) for v in scalar)
    np.testing.assert_allclose(array, scalar, rtol=1e-14, atol=1e-300)


@pytest.mark.parametrize("name", ["log", "sqrt"])
def test_scalar_and_array_backends_agree_on_positive_numbers(name: str) -> None:
    scalar = [getattr(SCALAR, name)(x) for x in POSITIVE_SAMPLES]
    np.testing.assert_allclose(getattr(ARRAY, name)(np.array(POSITIVE_SAMPLES)), scalar, rtol=1e-14)


def test_pow_agrees() -> None:
    bases, exponents = [0.5, 2.0, 3.0, -2.0], [-1.5, 0.5, 2.0, 3.0]
    scalar = [SCALAR.pow(a, b) for a, b in zip(bases, exponents, strict=True)]
    power: Any = ARRAY.pow
    np.testing.assert_allclose(power(np.array(bases), np.array(exponents)), scalar, rtol=1e-14)


@pytest.mark.parametrize("slope", [0.01, 0.2])
def test_leaky_functions_agree(slope: float) -> None:
    scalar = [SCALAR.leaky_relu(x, slope) for x in SAMPLES]
    np.testing.assert_allclose(ARRAY.leaky_relu(np.array(SAMPLES), slope), scalar, rtol=1e-15)
    steps = [SCALAR.leaky_step(x, slope) for x in SAMPLES]
    np.testing.assert_allclose(ARRAY.leaky_step(np.array(SAMPLES), slope), steps, rtol=1e-15)


@pytest.mark.parametrize(("F", "zero"), [(SCALAR, 0.0), (ARRAY, np.zeros(1))], ids=["scalar", "array"])
def test_kink_values_on_both_backends(F: Any, zero: Any) -> None:
    assert float(np.squeeze(F.relu(zero))) == 0.0
    assert float(np.squeeze(F.step(zero))) == 0.0  # relu'(0) = 0
    assert float(np.squeeze(F.sign(zero))) == 0.0  # abs'(0) = 0
    assert float(np.squeeze(F.leaky_step(zero, 0.3))) == 0.3  # leaky_relu'(0) = slope
    assert float(np.squeeze(F.leaky_relu(zero, 0.3))) == 0.0


POW_CASES = [(a, b) for a in (-2.0, 0.0, 0.5, 2.0) for b in (-1.0, 0.0, 0.5, 1.0, 2.0, 3.0)]


def test_pow_partials_agree_on_both_backends_with_the_base_zero_conventions() -> None:
    bases = np.array([a for a, _ in POW_CASES])
    exponents = np.array([b for _, b in POW_CASES])
    with np.errstate(all="ignore"):
        ans = np.power(bases, exponents)
        da, db = ARRAY.pow_da(bases, exponents), ARRAY.pow_db(ans, bases, exponents)
    for k, (a, b) in enumerate(POW_CASES):
        try:
            scalar_da = SCALAR.pow_da(a, b)
        except (ValueError, ZeroDivisionError):
            scalar_da = float(da[k])  # math raises where IEEE gives inf/nan: the engine falls back
        assert scalar_da == pytest.approx(da[k], rel=1e-15, nan_ok=True)
        try:
            scalar_db = SCALAR.pow_db(SCALAR.pow(a, b), a, b)
        except (ValueError, ZeroDivisionError):
            scalar_db = float(db[k])
        assert scalar_db == pytest.approx(db[k], rel=1e-15, nan_ok=True)
        if b == 0.0:
            assert da[k] == 0.0  # a⁰ is the constant 1
        if a == 0.0:
            assert db[k] == 0.0  # the convention at base 0
        if a < 0.0:
            assert math.isnan(db[k])  # ln of a negative base


def test_pow_db_evaluates_no_log_outside_its_domain() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = ARRAY.pow_db(np.array([1.0, 0.0, 1.0]), np.array([-1.0, 0.0, math.e]), np.array(1.0))
    assert math.isnan(out[0]) and out[1] == 0.0 and out[2] == pytest.approx(1.0)


@pytest.mark.parametrize("x", [-1000.0, -50.0, 50.0, 1000.0])
def test_sigmoid_and_softplus_never_overflow(x: float) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = SCALAR.sigmoid(x)
        a = float(ARRAY.sigmoid(np.array([x]))[0])
        sp = SCALAR.softplus(x)
        ap = float(ARRAY.softplus(np.array([x]))[0])
    assert 0.0 <= s <= 1.0 and 0.0 <= a <= 1.0
    assert s == pytest.approx(a, abs=1e-15)
    assert sp == pytest.approx(max(x, 0.0) + math.log1p(math.exp(-abs(x))), rel=1e-15)
    assert sp == pytest.approx(ap, rel=1e-15, abs=1e-300)


def test_array_sigmoid_keeps_its_relative_precision_far_left() -> None:
    xs = [-20.0, -30.0, -50.0, -700.0]
    expected = [SCALAR.sigmoid(x) for x in xs]  # e^x / (1 + e^x): full precision
    assert all(0.0 < e < 1e-8 for e in expected)
    np.testing.assert_allclose(ARRAY.sigmoid(np.array(xs)), expected, rtol=1e-12)


def test_step_keeps_float32() -> None:
    assert ARRAY.step(np.array([1.0, -1.0], dtype=np.float32)).dtype == np.float32
    assert ARRAY.leaky_step(np.array([1.0, -1.0], dtype=np.float32), 0.1).dtype == np.float32
    assert ARRAY.step(np.array([1.0, -1.0])).dtype == np.float64


def test_transpose_swaps_the_last_two_axes() -> None:
    v = np.arange(3.0)
    assert ARRAY.transpose(v) is v
    m = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(ARRAY.transpose(m), m.T)
    t = np.arange(24.0).reshape(2, 3, 4)
    assert ARRAY.transpose(t).shape == (2, 4, 3)


def test_broadcast_like_takes_the_target_shape_and_precision() -> None:
    target = np.zeros((2, 3), dtype=np.float32)
    out = ARRAY.broadcast_like(1.0, target)
    assert out.shape == (2, 3) and out.dtype == np.float32
    np.testing.assert_array_equal(out, np.ones((2, 3)))
    assert ARRAY.broadcast_like(2.0, np.zeros(4)).dtype == np.float64


# --- un-broadcasting -----------------------------------------------------------------------------------

SUM_TO_CASES = [
    ((3, 4), (4,)),
    ((3, 4), (3, 1)),
    ((3, 4), (1, 4)),
    ((3, 4), ()),
    ((2, 3, 4), (3, 1)),
    ((2, 3, 4), (1, 3, 1)),
    ((2, 3, 4), (4,)),
    ((2, 1, 4), (1, 4)),
    ((5,), (1,)),
]


@pytest.mark.parametrize(("big", "small"), SUM_TO_CASES, ids=[f"{b}->{s}" for b, s in SUM_TO_CASES])
def test_sum_to_shape_is_the_adjoint_of_broadcasting(big: tuple[int, ...], small: tuple[int, ...]) -> None:
    rng = np.random.default_rng(0)
    g = rng.normal(size=big)
    v = rng.normal(size=small)
    out = sum_to_shape(g, small)
    assert np.shape(out) == small
    # <sum_to(g), v> = <g, broadcast(v)>
    assert float(np.sum(out * v)) == pytest.approx(float(np.sum(g * np.broadcast_to(v, big))), rel=1e-12)
    np.testing.assert_allclose(ARRAY.sum_to(g, small), out)


def test_sum_to_shape_edge_cases() -> None:
    g = np.ones((2, 3))
    assert sum_to_shape(g, (2, 3)) is g
    total = sum_to_shape(g, ())
    assert type(total) is float and total == 6.0


# --- the graph backend, used by recorded backward passes ------------------------------------------------


def test_graph_backend_records_nodes() -> None:
    x = Var(np.array([[1.0], [2.0]]))
    wide = GRAPH.broadcast_to(x, (2, 3))
    assert isinstance(wide, Node) and wide.op == "broadcast_to" and wide.shape == (2, 3)
    assert GRAPH.broadcast_to(x, (2, 1)) is x
    back = GRAPH.sum_to(wide, (2, 1))
    assert back.op == "sum_to"
    np.testing.assert_array_equal(back.value, [[3.0], [6.0]])
    assert GRAPH.sum_to(x, (2, 1)) is x
    step: Any = GRAPH.step(Var(np.array([-1.0, 0.0, 1.0])))
    assert step.op == "const" and not step.requires_grad
    np.testing.assert_array_equal(step.value, [0.0, 0.0, 1.0])
    assert GRAPH.sign(Const(-2.0)).value == -1.0
    assert (GRAPH.ndim(x), GRAPH.size(x), GRAPH.shape(x)) == (2, 2, (2, 1))
