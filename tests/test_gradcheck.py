"""Finite differences: numeric_gradient and check_gradients, on scalars and arrays."""

from __future__ import annotations

import math

import numpy as np
import pytest

from pathgrad import (
    Const,
    FiniteDifference,
    GradCheck,
    Var,
    check_gradients,
    exp,
    finite_difference,
    grad,
    leaky_relu,
    mean,
    numeric_gradient,
    relu,
    sigmoid,
    sin,
    sqrt,
    tanh,
)
from pathgrad import sum as total
from pathgrad.presets import PRESETS
from pathgrad.service import build


def test_numeric_gradient_of_a_scalar_is_a_float() -> None:
    x = Var(0.6)
    y = sin(x) * exp(x)
    g = numeric_gradient(y, x)
    assert isinstance(g, float)
    assert g == pytest.approx(math.exp(0.6) * (math.cos(0.6) + math.sin(0.6)), rel=1e-8)


def test_numeric_gradient_replays_without_touching_the_graph() -> None:
    x = Var(0.6)
    y = tanh(x * 2.0)
    value_before = y.value
    before = Const(0.0).serial
    numeric_gradient(y, x)
    assert Const(0.0).serial == before + 1  # no node was created
    assert x.value == 0.6 and y.value == value_before


def test_numeric_gradient_uses_eps() -> None:
    # Central differences of x³ are exactly 3x² + eps².
    x = Var(1.0)
    y = x**3
    assert numeric_gradient(y, x, eps=1e-2) == pytest.approx(3.0 + 1e-4, rel=1e-10)


def test_numeric_gradient_of_an_array_has_its_shape() -> None:
    rng = np.random.default_rng(0)
    values = rng.normal(size=(3, 2))
    x = Var(values)
    y = total(sin(x) * x)
    g = numeric_gradient(y, x)
    assert np.shape(g) == (3, 2)
    np.testing.assert_allclose(g, np.cos(values) * values + np.sin(values), rtol=1e-8)
    np.testing.assert_array_equal(x.value, values)


def test_numeric_gradient_with_respect_to_an_intermediate_or_unrelated_node() -> None:
    x = Var(0.3)
    t = x * 2.0
    y = sin(t)
    assert numeric_gradient(y, t) == pytest.approx(math.cos(0.6), rel=1e-8)
    assert numeric_gradient(y, Var(1.0)) == 0.0


def test_numeric_gradient_of_a_float32_leaf() -> None:
    values = np.array([0.1, -0.4], dtype=np.float32)
    x = Var(values)
    g = numeric_gradient(mean(x * x), x)
    assert np.shape(g) == (2,)
    np.testing.assert_allclose(g, values.astype(np.float64), rtol=1e-6)


def test_check_gradients_on_scalars() -> None:
    result = check_gradients(lambda w, b: sigmoid(w * 1.0 + b), 0.0, 0.0)
    assert isinstance(result, GradCheck)
    assert result.ok and result.max_error <= 1.0
    assert result.analytic == [0.25, 0.25]
    assert result.numeric == pytest.approx([0.25, 0.25], rel=1e-8)


def test_check_gradients_on_arrays_and_scalars_together() -> None:
    rng = np.random.default_rng(1)
    W, x, s = rng.normal(size=(2, 3)), rng.normal(size=(3,)), 0.7
    result = check_gradients(lambda W, x, s: total(tanh(W @ x) * s), W, x, s)
    assert result.ok
    assert [np.shape(g) for g in result.analytic] == [(2, 3), (3,), ()]
    assert [np.shape(g) for g in result.numeric] == [(2, 3), (3,), ()]


def test_check_gradients_accepts_ints_lists_and_float32() -> None:
    result = check_gradients(lambda a, b: total(a * b), 2, [1, 2, 3])
    assert result.ok
    assert result.analytic[0] == 6.0
    np.testing.assert_array_equal(result.analytic[1], [2.0, 2.0, 2.0])
    result = check_gradients(lambda a: total(sin(a)), np.array([0.1, 0.2], dtype=np.float32))
    assert result.ok and result.analytic[0].dtype == np.float64  # checked in float64


def test_check_gradients_reports_a_mismatch() -> None:
    # At a kink the one-sided derivatives differ: central differences see their mean.
    result = check_gradients(relu, 0.0)
    assert not result.ok and result.max_error > 1.0
    assert result.analytic == [0.0] and result.numeric == pytest.approx([0.5])
    result = check_gradients(lambda x: leaky_relu(x, 0.2), 0.0)
    assert not result.ok and result.numeric == pytest.approx([0.6])


def test_check_gradients_with_no_inputs() -> None:
    result = check_gradients(lambda: Const(1.0) * 2.0)
    assert result.ok and result.analytic == [] and result.max_error == 0.0


def test_check_gradients_tolerances() -> None:
    # A coarse eps makes the x³ estimate off by eps²; the tolerances decide whether that passes.
    assert not check_gradients(lambda x: x**3, 1.0, eps=1e-2).ok
    assert check_gradients(lambda x: x**3, 1.0, eps=1e-2, rtol=1e-3).ok
    x = Var(1.0)
    assert grad(x**3, [x]) == [3.0]


# --- the honest witness: Richardson extrapolation with its own error estimate ---------------------------


def test_finite_difference_estimates_its_own_error() -> None:
    x = Var(0.6)
    y = sin(x) * exp(x)
    fd = finite_difference(y, x)
    exact = math.exp(0.6) * (math.cos(0.6) + math.sin(0.6))
    assert isinstance(fd, FiniteDifference) and fd.resolves
    assert abs(fd.value - exact) <= fd.error  # the estimate's error bounds its real error
    assert 0.0 < fd.error < 1e-9 * exact  # and it is far tighter than one central difference
    assert fd.verdict(exact) == "agrees"


def test_a_vanishing_gradient_is_resolved_and_compared_relatively() -> None:
    # The sigmoid chain's −3.62e-9: one central difference gave −3.11e-9 (14% off) and passed the
    # absolute floor of 1e-8. The extrapolated estimate resolves it and tells 14% apart.
    program = build(PRESETS["sigmoid-chain"].source())
    w1 = program.leaves["w1"]
    (gradient,) = grad(program.output, [w1])
    fd = finite_difference(program.output, w1)
    assert fd.resolves and fd.error < 1e-3 * abs(gradient)
    assert fd.value == pytest.approx(gradient, rel=1e-4, abs=0.0)
    assert fd.verdict(gradient) == "agrees"
    assert fd.verdict(gradient * 0.86) == "differs"


def test_a_gradient_below_the_rounding_of_the_output_cannot_be_resolved() -> None:
    # 1 + 1e-19·x rounds to 1 for every x near 1: differences see 0, the gradient is 1e-19.
    x = Var(1.0)
    y = 1.0 + 1e-19 * x
    (gradient,) = grad(y, [x])
    fd = finite_difference(y, x)
    assert fd.value == 0.0 and not fd.resolves
    assert 1e-17 < fd.error < 1e-12  # "cannot resolve below ~1e-14"
    assert fd.verdict(gradient) == "unresolved"
    assert fd.verdict(0.0) == "unresolved"
    assert fd.verdict(5.0) == "differs"  # far outside the estimate's error: a real disagreement


def test_finite_difference_of_a_nonfinite_output() -> None:
    x = Var(1000.0)
    fd = finite_difference(exp(x), x)
    assert not fd.resolves and fd.verdict(math.inf) == "nonfinite"


def test_finite_difference_near_a_domain_edge_shrinks_its_step() -> None:
    x = Var(1e-4)
    fd = finite_difference(sqrt(x), x)
    assert fd.resolves and fd.value == pytest.approx(0.5 / math.sqrt(1e-4), rel=1e-8)


def test_check_gradients_is_relative_and_says_when_it_cannot_resolve() -> None:
    result = check_gradients(lambda x: 1.0 + 1e-19 * x, 1.0)
    assert result.ok and result.unresolved == 1  # consistent, but no witness to the value
    assert check_gradients(lambda x: sin(x), 0.3).unresolved == 0
