"""The engine: reverse mode, forward mode, higher order, replay and local derivatives.

Generated expressions check reverse mode = forward mode = finite differences on random DAGs of smooth
primitives, each applied inside its domain.
"""

from __future__ import annotations

import inspect
import math
import operator
import traceback
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pathgrad import (
    PRIMITIVES,
    Const,
    Group,
    Node,
    Var,
    apply,
    check_gradients,
    cos,
    count_paths,
    engine,
    evaluate,
    exp,
    expand_composites,
    grad,
    gradients,
    inv,
    local_derivative,
    log,
    matmul,
    mean,
    nonfinite_reason,
    numeric_gradient,
    paths,
    sigmoid,
    sin,
    softplus,
    sqrt,
    square,
    tangents,
    tanh,
    topological_order,
    transpose,
)
from pathgrad import sum as total
from pathgrad.engine.compiled import RuleNamesError, make_maker, rule_names
from pathgrad.engine.nodes import NODE_FIELDS, new_node
from pathgrad.engine.replay import replay_of
from pathgrad.language import LanguageError, build_program
from pathgrad.primitives import Primitive, rule
from test_values_view import array_programs, programs

# --- fan-out ----------------------------------------------------------------------------------------


def test_x_times_x_has_two_edges_and_gradient_2x() -> None:
    x = Var(3.0, name="x")
    y = x * x
    assert y.parents == (x, x)  # an ordered tuple, not a set
    assert local_derivative(y, 0) == (3.0, None)
    assert local_derivative(y, 1) == (3.0, None)
    assert grad(y, [x]) == [6.0]
    assert tangents([y], x)[y] == 6.0
    assert count_paths(y, x) == 2


def test_x_plus_x_has_gradient_2() -> None:
    x = Var(-1.5)
    y = x + x
    assert y.parents == (x, x)
    assert grad(y, [x]) == [2.0]
    assert tangents([y], x)[y] == 2.0


def test_fan_out_on_arrays() -> None:
    values = np.array([1.0, -2.0, 0.5])
    x = Var(values)
    (g,) = grad(total(x * x), [x])
    np.testing.assert_allclose(g, 2.0 * values, rtol=1e-15)
    (g,) = grad(total(x + x), [x])
    np.testing.assert_array_equal(g, [2.0, 2.0, 2.0])


def test_fan_out_through_several_ops_accumulates() -> None:
    x = Var(0.7)
    y = sin(x) * x + exp(x) / x
    expected = math.cos(0.7) * 0.7 + math.sin(0.7) + math.exp(0.7) / 0.7 - math.exp(0.7) / 0.49
    assert grad(y, [x])[0] == pytest.approx(expected, rel=1e-14)


# --- broadcasting -------------------------------------------------------------------------------------


def test_bias_gradient_is_the_column_sums() -> None:
    rng = np.random.default_rng(0)
    W = Var(rng.normal(size=(4, 3)))
    b = Var(rng.normal(size=(3,)))
    weights = rng.normal(size=(4, 3))
    y = total((W + b) * Const(weights))
    gW, gb = grad(y, [W, b])
    assert np.shape(gb) == (3,)
    np.testing.assert_allclose(gb, weights.sum(axis=0), rtol=1e-14)
    np.testing.assert_allclose(gW, weights, rtol=1e-14)


def test_bias_gradient_from_an_array_output() -> None:
    W = Var(np.zeros((4, 3)))
    b = Var(np.zeros(3))
    adjoints = gradients(W + b)  # seeded with ones
    np.testing.assert_array_equal(adjoints[b], [4.0, 4.0, 4.0])
    np.testing.assert_array_equal(adjoints[W], np.ones((4, 3)))


def test_column_and_row_broadcasting_gradients_have_their_shapes() -> None:
    rng = np.random.default_rng(1)
    col, row, s = Var(rng.normal(size=(3, 1))), Var(rng.normal(size=(4,))), Var(0.5)
    y = total(sin(col * row + s))
    gc, gr, gs = grad(y, [col, row, s])
    assert np.shape(gc) == (3, 1) and np.shape(gr) == (4,) and isinstance(gs, float)
    inner = np.cos(col.value * row.value + 0.5)
    np.testing.assert_allclose(gc, (inner * row.value).sum(axis=1, keepdims=True), rtol=1e-13)
    np.testing.assert_allclose(gr, (inner * col.value).sum(axis=0), rtol=1e-13)
    assert gs == pytest.approx(inner.sum(), rel=1e-13)


@pytest.mark.parametrize("reduce", [total, mean], ids=["sum", "mean"])
def test_float32_arrays_keep_float32(reduce: Callable[[Any], Node]) -> None:
    rng = np.random.default_rng(2)
    X = Const(rng.normal(size=(5, 4)).astype(np.float32))
    W = Var(rng.normal(size=(4, 3)).astype(np.float32))
    b = Var(np.zeros(3, dtype=np.float32))
    hidden = sigmoid(X @ W + b)
    assert W.value.dtype == np.float32 and b.value.dtype == np.float32
    assert hidden.value.dtype == np.float32
    gW, gb = grad(reduce(hidden), [W, b])
    assert gW.dtype == np.float32 and gb.dtype == np.float32
    assert gW.shape == (4, 3) and gb.shape == (3,)
    adjoints = gradients(hidden)
    assert adjoints[W].dtype == np.float32 and adjoints[b].dtype == np.float32


def test_float32_gradient_values_match_float64() -> None:
    rng = np.random.default_rng(3)
    w64 = rng.normal(size=(3,))
    w32 = Var(w64.astype(np.float32))
    w = Var(w64)
    (g32,) = grad(total(tanh(w32) * w32), [w32])
    (g64,) = grad(total(tanh(w) * w), [w])
    np.testing.assert_allclose(g32, g64, rtol=1e-5)


# --- a deep chain -------------------------------------------------------------------------------------


def test_a_100000_deep_chain_has_no_recursion_error() -> None:
    x = Var(0.3)
    h = x
    for _ in range(100_000):
        h = sin(h)
    order = topological_order([h])
    assert len(order) == 100_001 and order[0] is x and order[-1] is h
    (g,) = grad(h, [x])
    assert math.isfinite(g) and 0.0 < g < 1.0
    assert tangents([h], x)[h] == pytest.approx(g, rel=1e-12)
    h.backward()
    assert x.grad == g
    assert count_paths(h, x) == 1


# --- the seed's neuron ------------------------------------------------------------------------------


def test_seed_neuron_with_sigmoid_as_one_node() -> None:
    x, w, b = Var(1.0, name="x"), Var(0.0, name="w", kind="param"), Var(0.0, name="b", kind="param")
    y = sigmoid(w * x + b)
    assert y.op == "sigmoid" and y.value == 0.5
    assert grad(y, [w, b]) == [0.25, 0.25]
    assert all(node.group is None for node in topological_order([y]))
    y.backward()
    assert (w.grad, b.grad, x.grad) == (0.25, 0.25, 0.0)


def test_seed_neuron_expanded_into_its_composition() -> None:
    x, w, b = Var(1.0, name="x"), Var(0.0, name="w"), Var(0.0, name="b")
    z = w * x + b
    with expand_composites(True):
        y = sigmoid(z)
    assert y.op != "sigmoid" and y.value == 0.5
    assert grad(y, [w, b]) == [0.25, 0.25]
    assert count_paths(y, w) == 1
    inside = [n for n in topological_order([y]) if n.group is not None]
    assert y in inside and z not in inside and len(inside) >= 3
    groups = {n.group for n in inside}
    assert len(groups) == 1
    (group,) = groups
    assert isinstance(group, Group) and group.op == "sigmoid"
    assert {n.op for n in inside if n.prim is not None} >= {"exp", "add"}
    # Everything recorded before the expansion stays outside the group.
    assert all(n.group is None for n in topological_order([z]))


def test_expansion_context_is_restored_and_groups_are_distinct() -> None:
    z = Var(0.3)
    with expand_composites(True):
        a = sigmoid(z)
        c = tanh(z)
        with expand_composites(False):
            d = sigmoid(z)
    e = sigmoid(z)
    assert d.op == "sigmoid" and e.op == "sigmoid"
    assert a.group is not None and c.group is not None and a.group != c.group
    assert (a.group.op, c.group.op) == ("sigmoid", "tanh")
    assert a.value == pytest.approx(d.value, rel=1e-15)
    assert c.value == pytest.approx(math.tanh(0.3), rel=1e-15)
    assert grad(c, [z])[0] == pytest.approx(1.0 - math.tanh(0.3) ** 2, rel=1e-14)


# --- idempotence --------------------------------------------------------------------------------------


def _diamond() -> tuple[Node, list[Node]]:
    a, b = Var(2.0), Var(np.array([1.0, -1.0, 0.5]))
    t = tanh(a * b)
    y = total(t * t + sin(b))
    return y, [a, b, t]


def test_gradients_twice_gives_identical_dicts() -> None:
    y, _ = _diamond()
    first = gradients(y)
    second = gradients(y)
    assert list(first) == list(second)
    for node in first:
        np.testing.assert_array_equal(first[node], second[node])


def test_gradients_is_pure() -> None:
    y, _ = _diamond()
    gradients(y)
    assert all(node.grad is None for node in topological_order([y]))


def test_backward_twice_gives_the_same_grad() -> None:
    y, leaves = _diamond()
    y.backward()
    first = [np.array(n.grad, copy=True) for n in leaves]
    assert all(n.grad is not None for n in leaves)
    y.backward()
    for node, before in zip(leaves, first, strict=True):
        np.testing.assert_array_equal(node.grad, before)
    expected = grad(y, leaves)
    for node, g in zip(leaves, expected, strict=True):
        np.testing.assert_array_equal(node.grad, g)


# --- gradients with respect to any set of nodes ---------------------------------------------------------


def test_grad_with_respect_to_leaves_intermediates_and_unrelated_nodes() -> None:
    a, b, c = Var(0.5), Var(-1.2), Var(7.0)
    unrelated_array = Var(np.ones((2, 2)))
    k = Const(3.0)
    t = a * b
    y = sin(t) + b * k
    ga, gb, gt, gc, gk, gy, gu = grad(y, [a, b, t, c, k, y, unrelated_array])
    assert ga == pytest.approx(math.cos(-0.6) * -1.2, rel=1e-15)
    assert gb == pytest.approx(math.cos(-0.6) * 0.5 + 3.0, rel=1e-15)
    assert gt == pytest.approx(math.cos(-0.6), rel=1e-15)
    assert (gc, gk, gy) == (0.0, 0.0, 1.0)
    np.testing.assert_array_equal(gu, np.zeros((2, 2)))
    assert grad(y, []) == []


def test_grad_order_follows_wrt_and_repeats_are_allowed() -> None:
    a, b = Var(2.0), Var(3.0)
    y = a * b
    assert grad(y, [b, a, b]) == [2.0, 3.0, 2.0]


def test_create_graph_gives_nodes_even_where_the_gradient_is_zero() -> None:
    a, c = Var(0.5), Var(1.0)
    ga, gc = grad(a * a, [a, c], create_graph=True)
    assert isinstance(ga, Node) and isinstance(gc, Node)
    assert ga.value == 1.0 and gc.value == 0.0


# --- second derivatives ---------------------------------------------------------------------------------


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


SECOND_DERIVATIVES: dict[str, tuple[Callable[[Node], Node], Callable[[float], float]]] = {
    "tanh": (tanh, lambda x: -2.0 * math.tanh(x) * (1.0 - math.tanh(x) ** 2)),
    "sigmoid": (sigmoid, lambda x: _sigmoid(x) * (1 - _sigmoid(x)) * (1 - 2 * _sigmoid(x))),
    "x**3": (lambda x: x**3, lambda x: 6.0 * x),
    "exp(sin x)": (
        lambda x: exp(sin(x)),
        lambda x: math.exp(math.sin(x)) * (math.cos(x) ** 2 - math.sin(x)),
    ),
}


@pytest.mark.parametrize("expand", [False, True], ids=["primitive", "expanded"])
@pytest.mark.parametrize("at", [-1.3, 0.4, 2.1])
@pytest.mark.parametrize("name", sorted(SECOND_DERIVATIVES))
def test_second_derivative_matches_closed_form(name: str, at: float, expand: bool) -> None:
    f, d2 = SECOND_DERIVATIVES[name]
    with expand_composites(expand):
        x = Var(at)
        y = f(x)
        (dx,) = grad(y, [x], create_graph=True)
        (ddx,) = grad(dx, [x])
    assert isinstance(dx, Node)
    assert dx.value == pytest.approx(grad(y, [x])[0], rel=1e-14)
    assert ddx == pytest.approx(d2(at), rel=1e-12, abs=1e-14)


def test_first_derivative_recorded_as_a_graph_equals_reverse_mode() -> None:
    x = Var(0.8)
    y = exp(sin(x)) * tanh(x) / (1.0 + square(x))
    (dx,) = grad(y, [x], create_graph=True)
    assert dx.value == pytest.approx(grad(y, [x])[0], rel=1e-14)


def test_mixed_second_derivative() -> None:
    x, y = Var(0.3), Var(-0.7)
    f = sin(x * y) + x * x * y
    (dx,) = grad(f, [x], create_graph=True)
    (dxy,) = grad(dx, [y])
    expected = math.cos(-0.21) - 0.3 * -0.7 * math.sin(-0.21) + 2 * 0.3
    assert dxy == pytest.approx(expected, rel=1e-13)


def test_third_derivative() -> None:
    x = Var(0.5)
    (d1,) = grad(x**4, [x], create_graph=True)
    (d2,) = grad(d1, [x], create_graph=True)
    (d3,) = grad(d2, [x])
    assert (d1.value, d2.value, d3) == pytest.approx((4 * 0.125, 12 * 0.25, 24 * 0.5))


def test_hessian_vector_product_on_arrays_matches_finite_differences() -> None:
    rng = np.random.default_rng(4)
    A = Var(rng.normal(size=(3, 4)))
    B = Var(rng.normal(size=(4, 2)))
    b = Var(rng.normal(size=(2,)))
    loss = mean(tanh(A @ B + b) ** 2.0)
    gA, gB, gb = grad(loss, [A, B, b], create_graph=True)
    assert gA.shape == (3, 4) and gB.shape == (4, 2) and gb.shape == (2,)
    for recorded, plain in zip([gA, gB, gb], grad(loss, [A, B, b]), strict=True):
        np.testing.assert_allclose(recorded.value, plain, rtol=1e-13)
    v = Const(rng.normal(size=(3, 4)))
    hv = total(gA * v)  # d/dB of <dloss/dA, v>
    (analytic,) = grad(hv, [B])
    np.testing.assert_allclose(analytic, numeric_gradient(hv, B), rtol=1e-6, atol=1e-9)
    (analytic_b,) = grad(hv, [b])
    np.testing.assert_allclose(analytic_b, numeric_gradient(hv, b), rtol=1e-6, atol=1e-9)


# --- forward mode = reverse mode -------------------------------------------------------------------------

MATMUL_SHAPES = [
    ((3, 4), (4, 2)),
    ((4,), (4, 2)),
    ((3, 4), (4,)),
    ((4,), (4,)),
    ((2, 3, 4), (2, 4, 5)),
    ((2, 3, 4), (4, 5)),
    ((1, 3, 4), (2, 4, 5)),
]


def _forward_equals_reverse(loss: Node, wrt: list[Node], seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    reverse = grad(loss, wrt)
    for x, g in zip(wrt, reverse, strict=True):
        direction = rng.normal(size=x.shape)
        forward = tangents([loss], x, seed=direction if x.shape else float(direction))[loss]
        assert forward == pytest.approx(float(np.sum(g * direction)), rel=1e-10, abs=1e-12)


@pytest.mark.parametrize(("sa", "sb"), MATMUL_SHAPES, ids=[f"{a}@{b}" for a, b in MATMUL_SHAPES])
def test_matmul_forward_reverse_and_finite_differences_agree(sa: tuple, sb: tuple) -> None:
    rng = np.random.default_rng(5)
    a, b = rng.normal(size=sa), rng.normal(size=sb)
    weights = rng.normal(size=np.matmul(a, b).shape)
    A, B = Var(a), Var(b)
    loss = total(sin(A @ B) * Const(weights))
    _forward_equals_reverse(loss, [A, B])
    result = check_gradients(lambda p, q: total(sin(p @ q) * Const(weights)), a, b)
    assert result.ok, result


@pytest.mark.parametrize(("sa", "sb"), [((2, 3, 4), (4,)), ((4,), (2, 4, 5))], ids=["batch@vec", "vec@batch"])
def test_batched_matmul_with_a_vector(sa: tuple, sb: tuple) -> None:
    rng = np.random.default_rng(6)
    a, b = rng.normal(size=sa), rng.normal(size=sb)
    A, B = Var(a), Var(b)
    loss = total(sin(A @ B))  # the forward pass works, as np.matmul does
    result = check_gradients(lambda p, q: total(sin(p @ q)), a, b)
    assert result.ok
    _forward_equals_reverse(loss, [A, B])


def test_forward_mode_on_reductions_and_transpose() -> None:
    rng = np.random.default_rng(7)
    X = Var(rng.normal(size=(3, 4)))
    w = Var(rng.normal(size=(3,)))
    loss = mean(transpose(X) @ w) + total(exp(X) * 0.1) * mean(w)
    _forward_equals_reverse(loss, [X, w])


def test_forward_mode_on_array_outputs_is_a_jacobian_vector_product() -> None:
    # tangents(out) = J v, reverse mode of <u, out> = Jᵀ u, so <u, J v> = <Jᵀ u, v>.
    rng = np.random.default_rng(8)
    X = Var(rng.normal(size=(3, 4)))
    W = Var(rng.normal(size=(4, 2)))
    out = tanh(X @ W) * 1.5
    u, v = rng.normal(size=out.shape), rng.normal(size=X.shape)
    jv = tangents([out], X, seed=v)[out]
    assert np.shape(jv) == out.shape
    (jtu,) = grad(total(out * Const(u)), [X])
    assert float(np.sum(u * jv)) == pytest.approx(float(np.sum(jtu * v)), rel=1e-12)


def test_forward_mode_with_broadcasting() -> None:
    rng = np.random.default_rng(9)
    col, row = Var(rng.normal(size=(3, 1))), Var(rng.normal(size=(4,)))
    s = Var(0.3)
    loss = total(sigmoid(col * row) / (2.0 + cos(row + s)))
    _forward_equals_reverse(loss, [col, row, s])


def test_tangents_only_cover_nodes_downstream_of_wrt() -> None:
    a, b = Var(1.0), Var(2.0)
    t = a * b
    u = sin(b)
    y = t + u
    tans = tangents([y], a)
    assert set(tans) == {a, t, y}
    assert tans[y] == 2.0
    assert y not in tangents([y], Var(5.0))


# --- local derivatives ---------------------------------------------------------------------------------


def _numeric_local(child: Node, index: int, eps: float = 1e-6) -> Any:
    """d(child)/d(parents[index]) by central differences on a replay of the child alone."""
    parent = child.parents[index]
    base = np.array(parent.value, dtype=np.float64)
    columns = []
    for j in range(base.size):
        step = np.zeros(base.size)
        step[j] = eps
        plus = evaluate([child], {parent: (base.ravel() + step).reshape(base.shape)})[child]
        minus = evaluate([child], {parent: (base.ravel() - step).reshape(base.shape)})[child]
        columns.append(np.ravel((np.asarray(plus) - np.asarray(minus)) / (2 * eps)))
    return np.stack(columns, axis=-1).reshape(child.shape + parent.shape)


def test_local_derivative_on_scalar_edges_is_the_partial() -> None:
    a, b = Var(1.3), Var(-0.4)
    children = [a * b, a / b, (a + 1.0) ** b, sin(a), sigmoid(b), a - b, log(a)]
    for child in children:
        assert child.partials is not None
        for index in range(len(child.parents)):
            value, reason = local_derivative(child, index)
            assert reason is None and isinstance(value, float)
            assert value == child.partials[index]
            assert value == pytest.approx(float(_numeric_local(child, index)), rel=1e-7)


JACOBIAN_CASES: dict[str, Callable[[np.random.Generator], Node]] = {
    "matrix@vector": lambda r: Var(r.normal(size=(2, 3))) @ Var(r.normal(size=(3,))),
    "matrix@matrix": lambda r: Var(r.normal(size=(2, 3))) @ Var(r.normal(size=(3, 2))),
    "broadcast mul": lambda r: Var(r.normal(size=(3, 1))) * Var(r.normal(size=(4,))),
    "scalar * array": lambda r: Var(0.7) * Var(r.normal(size=(3,))),
    "sigmoid": lambda r: sigmoid(Var(r.normal(size=(3,)))),
    "sum": lambda r: total(Var(r.normal(size=(2, 3)))),
    "mean": lambda r: mean(Var(r.normal(size=(2, 3)))),
    "transpose": lambda r: transpose(Var(r.normal(size=(2, 3)))),
    "sum_to": lambda r: apply("sum_to", Var(r.normal(size=(2, 3))), shape=(3,)),
    "broadcast_to": lambda r: apply("broadcast_to", Var(r.normal(size=(3, 1))), shape=(2, 3, 2)),
}


@pytest.mark.parametrize("case", sorted(JACOBIAN_CASES))
def test_local_derivative_on_tensor_edges_is_the_jacobian(case: str) -> None:
    child = JACOBIAN_CASES[case](np.random.default_rng(10))
    for index, parent in enumerate(child.parents):
        jacobian, reason = local_derivative(child, index)
        assert reason is None and jacobian is not None
        assert np.shape(jacobian) == child.shape + parent.shape
        np.testing.assert_allclose(jacobian, _numeric_local(child, index), rtol=1e-7, atol=1e-9)


def test_local_derivative_above_max_entries_gives_a_reason() -> None:
    x = Var(np.ones((3, 4)))
    y = sin(x)  # a 12 x 12 Jacobian: 144 entries
    value, reason = local_derivative(y, 0, max_entries=143)
    assert value is None
    assert isinstance(reason, str) and "144" in reason and "143" in reason
    value, reason = local_derivative(y, 0, max_entries=144)
    assert reason is None and value is not None and np.shape(value) == (3, 4, 3, 4)
    big = sin(Var(np.zeros(100)))  # 10,000 entries, above the default limit
    assert local_derivative(big, 0)[0] is None


# --- evaluate: replay with overrides ------------------------------------------------------------------


def test_evaluate_with_overrides_recomputes_without_new_nodes() -> None:
    x = Var(1.0)
    y = x * x + sin(x)
    before = Const(0.0).serial
    values = evaluate([y], {x: 2.0})
    after = Const(0.0).serial
    assert after == before + 1  # nothing was created in between
    assert values[y] == pytest.approx(4.0 + math.sin(2.0), rel=1e-15)
    assert set(values) == set(topological_order([y]))
    assert y.value == pytest.approx(1.0 + math.sin(1.0)) and x.value == 1.0


def test_evaluate_without_overrides_reproduces_the_values() -> None:
    rng = np.random.default_rng(11)
    x = Var(rng.normal(size=(3,)))
    s = Var(0.4)
    y = total(softplus(x) * s + sqrt(1.0 + square(x)) - inv(2.0 + cos(x)))
    values = evaluate([y], {})
    for node in topological_order([y]):
        np.testing.assert_allclose(values[node], node.value, rtol=1e-14)


def test_evaluate_overrides_an_intermediate_node_and_arrays() -> None:
    x = Var(np.array([1.0, 2.0]))
    t = exp(x)
    y = total(t * x)
    values = evaluate([y], {t: np.array([10, 20])})  # ints become floats
    assert values[y] == 10.0 * 1.0 + 20.0 * 2.0
    assert isinstance(values[y], float)
    np.testing.assert_array_equal(evaluate([y], {x: [0.0, 0.0]})[t], [1.0, 1.0])


REPLAYED = st.sampled_from([0.0, -1.0, 0.5, 2.0, 710.0, -1e-310, 1e200, math.inf, math.nan])


@settings(derandomize=True, max_examples=150, deadline=None, database=None)
@given(source=st.one_of(programs(), array_programs()), values=st.lists(REPLAYED, min_size=3, max_size=3))
def test_a_compiled_replay_gives_evaluate_s_numbers(source: str, values: list[float]) -> None:
    # Finite differences replay the graph through replay_of: the very numbers evaluate gives (NaN and
    # infinities, the math module's and numpy's paths, arrays), for each leaf replaced.
    try:
        program = build_program(source)
    except LanguageError:
        return  # a program the language refuses has no graph
    output = program.output
    for name, value in zip(("a", "b", "c"), values, strict=True):
        leaf = program.names[name]
        replaced: Any = value if type(leaf.value) is float else np.full(np.shape(leaf.value), value)
        expected = evaluate([output], {leaf: replaced})[output]
        got = replay_of(output, leaf)(replaced)
        assert type(got) is type(expected)
        np.testing.assert_array_equal(got, expected)  # NaN equals NaN here, bit for bit otherwise


# --- operators, leaves ---------------------------------------------------------------------------------


def test_raw_numbers_on_either_side_become_constants() -> None:
    x = Var(2.0)
    cases = {
        "add": (3.0 + x, 5.0),
        "sub": (3.0 - x, 1.0),
        "mul": (np.float64(3.0) * x, 6.0),
        "div": (3.0 / x, 1.5),
        "pow": (3.0**x, 9.0),
        "neg": (-x, -2.0),
    }
    for op, (node, value) in cases.items():
        assert node.op == op and node.value == pytest.approx(value)
        assert isinstance(node.value, float)
    assert (+x) is x
    y = 3.0**x
    assert grad(y, [x])[0] == pytest.approx(9.0 * math.log(3.0), rel=1e-15)
    assert np.shape((np.ones(2) @ Var(np.ones((2, 3)))).value) == (3,)
    assert matmul(np.ones(2), Var(np.ones(2))).value == 2.0


def test_leaves() -> None:
    x = Var(3, name="x")
    assert x.value == 3.0 and isinstance(x.value, float)
    assert (x.kind, x.op, x.name, x.parents, x.requires_grad) == ("input", "leaf", "x", (), True)
    p = Var(np.array([1, 2]), kind="param")
    assert p.kind == "param" and p.value.dtype == np.float64
    c = Const(2.0, name="two")
    assert (c.kind, c.op, c.requires_grad) == ("const", "const", False)
    assert not (c * c).requires_grad and (c * x).requires_grad
    with pytest.raises(ValueError, match="kind"):
        Var(1.0, kind="const")


def test_topological_order_puts_parents_first() -> None:
    a, b = Var(1.0), Var(2.0)
    t = a * b
    y = sin(t) + cos(b) * t
    order = topological_order([y])
    position = {node: i for i, node in enumerate(order)}
    assert len(order) == len(set(order))
    for node in order:
        for parent in node.parents:
            assert position[parent] < position[node]
    assert order[-1] is y and {a, b, t} <= set(order)


# --- generated expressions: reverse = forward = finite differences ----------------------------------

BOUND = 4.0


def _bounded(node: Node) -> Node:
    """Keep values moderate (finite differences stay accurate) with a smooth squash when needed."""
    if float(np.max(np.abs(node.value))) > BOUND:
        return BOUND * tanh(node * (1.0 / BOUND))
    return node


# Each op keeps its primitive inside the primitive's domain, whatever the (bounded) arguments.
SMOOTH_OPS: dict[str, Callable[[Node, Node], Node]] = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / (1.5 + cos(b)),
    "pow": lambda a, b: (0.5 + sigmoid(a)) ** b,
    "neg": lambda a, b: -a,
    "square": lambda a, b: square(a),
    "sin": lambda a, b: sin(a),
    "cos": lambda a, b: cos(a),
    "tanh": lambda a, b: tanh(a),
    "sigmoid": lambda a, b: sigmoid(a),
    "softplus": lambda a, b: softplus(a),
    "exp": lambda a, b: exp(a),
    "log": lambda a, b: log(1.0 + a * a),
    "sqrt": lambda a, b: sqrt(0.5 + a * a),
    "inv": lambda a, b: inv(1.5 + sin(a)),
}

STEPS = st.lists(
    st.tuples(st.sampled_from(sorted(SMOOTH_OPS)), st.integers(0, 15), st.integers(0, 15)),
    min_size=2,
    max_size=12,
)


def add_sinks(nodes: list[Node]) -> Node:
    """The sum of the nodes nothing else uses, so that every node reaches the output."""
    used = {id(parent) for node in topological_order(nodes) for parent in node.parents}
    sinks = [node for node in nodes if id(node) not in used]
    out = sinks[0]
    for sink in sinks[1:]:
        out = out + sink
    return out


def build_dag(inputs: list[Node], steps: list[tuple[str, int, int]]) -> Node:
    """Each step applies an op to earlier nodes (index 0 is the newest): trees and shared DAGs."""
    nodes = list(inputs)
    for op, i, j in steps:
        a = nodes[-1 - i % len(nodes)]
        b = nodes[-1 - j % len(nodes)]
        nodes.append(_bounded(SMOOTH_OPS[op](a, b)))
    return _bounded(add_sinks(nodes))


@settings(derandomize=True, max_examples=150, deadline=None, database=None)
@given(
    steps=STEPS, values=st.lists(st.floats(-2.0, 2.0), min_size=3, max_size=3), expand=st.booleans()
)
def test_generated_scalar_expressions_reverse_forward_and_numeric_agree(
    steps: list[tuple[str, int, int]], values: list[float], expand: bool
) -> None:
    xs = [Var(v) for v in values]
    with expand_composites(expand):  # sigmoid and tanh as one node each, or as their compositions
        y = build_dag(xs, steps)
    reverse = grad(y, xs)
    recorded = grad(y, xs, create_graph=True)
    for x, g, g_node in zip(xs, reverse, recorded, strict=True):
        forward = tangents([y], x).get(y, 0.0)
        assert forward == pytest.approx(g, rel=1e-9, abs=1e-10)
        assert g_node.value == pytest.approx(g, rel=1e-9, abs=1e-10)
        assert numeric_gradient(y, x) == pytest.approx(g, rel=1e-5, abs=1e-6)


@settings(derandomize=True, max_examples=60, deadline=None, database=None)
@given(steps=STEPS, seed=st.integers(0, 2**16), reduce=st.sampled_from(["sum", "mean"]))
def test_generated_array_expressions_reverse_forward_and_numeric_agree(
    steps: list[tuple[str, int, int]], seed: int, reduce: str
) -> None:
    rng = np.random.default_rng(seed)
    xs = [
        Var(rng.uniform(-2, 2, size=(3, 1))),
        Var(rng.uniform(-2, 2, size=(4,))),
        Var(rng.uniform(-2, 2, size=(3, 4))),
        Var(float(rng.uniform(-2, 2))),
    ]
    out = build_dag(xs, steps)
    weighted = out * Const(rng.normal(size=out.shape)) if out.shape else out
    y = total(weighted) if reduce == "sum" else mean(weighted)
    reverse = grad(y, xs)
    for x, g in zip(xs, reverse, strict=True):
        assert np.shape(g) == x.shape
        direction = rng.normal(size=x.shape)
        forward = tangents([y], x, seed=direction if x.shape else float(direction)).get(y, 0.0)
        assert forward == pytest.approx(float(np.sum(g * direction)), rel=1e-9, abs=1e-10)
        np.testing.assert_allclose(numeric_gradient(y, x), g, rtol=1e-5, atol=1e-6)


@settings(derandomize=True, max_examples=60, deadline=None, database=None)
@given(steps=STEPS, values=st.lists(st.floats(-2.0, 2.0), min_size=3, max_size=3))
def test_generated_second_derivatives_match_finite_differences_of_the_first(
    steps: list[tuple[str, int, int]], values: list[float]
) -> None:
    xs = [Var(v) for v in values]
    y = build_dag(xs, steps)
    for first in grad(y, xs, create_graph=True):
        hessian_row = grad(first, xs)
        for x, second in zip(xs, hessian_row, strict=True):
            assert second == pytest.approx(numeric_gradient(first, x), rel=1e-5, abs=1e-6)


@settings(derandomize=True, max_examples=30, deadline=None, database=None)
@given(steps=STEPS, seed=st.integers(0, 2**16))
def test_generated_array_hessian_vector_products_match_finite_differences(
    steps: list[tuple[str, int, int]], seed: int
) -> None:
    rng = np.random.default_rng(seed)
    xs = [Var(rng.uniform(-2, 2, size=(3, 1))), Var(rng.uniform(-2, 2, size=(4,))), Var(0.5)]
    out = build_dag(xs, steps)
    y = total(out * Const(rng.normal(size=out.shape))) if out.shape else out
    for x, first, plain in zip(xs, grad(y, xs, create_graph=True), grad(y, xs), strict=True):
        assert first.shape == x.shape
        np.testing.assert_allclose(first.value, plain, rtol=1e-10, atol=1e-12)
        directional = total(first * Const(rng.normal(size=x.shape))) if x.shape else first
        for w, second in zip(xs, grad(directional, xs), strict=True):
            np.testing.assert_allclose(second, numeric_gradient(directional, w), rtol=1e-5, atol=1e-6)


# --- paths agree with the engine on the seed example -----------------------------------------------


def test_paths_report_gradient_is_reverse_mode() -> None:
    x = Var(0.9)
    y = tanh(x) * sin(x) + x
    report = paths(y, x)
    assert report.gradient == grad(y, [x])[0]


# --- the compiled scalar fast path ------------------------------------------------------------------

# Driven from the table: every row whose rules are texts gets a compiled maker (or operator).
_COMPILED = [name for name, row in PRIMITIVES.items() if rule_names(row) is not None]
_UNARY_MAKERS = {name: getattr(engine, name) for name in _COMPILED if PRIMITIVES[name].arity == 1}
_OPERATORS = {
    name: getattr(operator, row.operator.method)
    for name, row in PRIMITIVES.items()
    if name in _COMPILED and row.arity == 2 and row.operator is not None
}
# Points inside, on the edge of and outside each row's domain (the fallback path gives inf or nan).
_POINTS = [-3.5, -1.0, -0.25, 0.0, 0.5, 2.0, 800.0, -800.0]


def test_the_hot_rows_have_compiled_makers() -> None:
    # The lists above come from the table; this says they are not empty by accident.
    assert {"neg", "exp", "log", "sigmoid", "tanh", "relu", "inv", "square"} <= set(_UNARY_MAKERS)
    assert {"add", "sub", "mul", "div", "pow"} <= set(_OPERATORS)
    assert engine.neg is Node.__neg__


@pytest.mark.parametrize("name", sorted(_UNARY_MAKERS))
def test_compiled_unary_maker_matches_the_rows_rules(name: str) -> None:
    maker = _UNARY_MAKERS[name]
    assert maker.__code__.co_filename == f"<pathgrad maker for {name}>"  # the fast path exists
    for v in _POINTS:
        fast, generic = maker(Var(v)), apply(name, Var(v))  # apply takes the generic code path
        assert fast.prim is generic.prim is PRIMITIVES[name]
        assert _same(fast.value, generic.value) and _same(fast.d0, generic.d0), (name, v)
        assert fast.parents == (fast.p0,) and fast.requires_grad
        assert nonfinite_reason(fast) == nonfinite_reason(generic)


@pytest.mark.parametrize("name", sorted(_OPERATORS))
def test_compiled_operator_matches_the_rows_rules(name: str) -> None:
    op = _OPERATORS[name]
    method = PRIMITIVES[name].operator.method  # type: ignore[union-attr]
    assert getattr(Node, method).__code__.co_filename == f"<pathgrad maker for {name}>"
    for a in _POINTS:
        for b in _POINTS:
            generic = apply(name, Var(a), Const(b))
            for fast in (op(Var(a), Const(b)), op(Var(a), b), op(a, Const(b))):
                assert _same(fast.value, generic.value), (name, a, b)
                assert _same(fast.d0, generic.d0) and _same(fast.d1, generic.d1), (name, a, b)
                assert [p.value for p in fast.parents] == [a, b]
            assert op(Var(a), b).p1.kind == "const"  # type: ignore[union-attr]
            assert op(a, Var(b)).p0.kind == "const"  # type: ignore[union-attr]


def _same(x: float | None, y: float | None) -> bool:
    """Equal, or both NaN."""
    return x == y or (x is not None and y is not None and math.isnan(x) and math.isnan(y))


def test_second_order_through_a_vector_matmul_raises_as_documented() -> None:
    # The README's limit: a recorded backward pass (create_graph) goes through @ of matrices only.
    W = Var(np.array([[1.0, 2.0], [3.0, 4.0]]))
    v = Var(np.array([0.5, -1.0]))
    with pytest.raises(NotImplementedError, match="matrix @ matrix only"):
        grad(total(W @ v), [W, v], create_graph=True)
    column = Var(np.array([[0.5], [-1.0]]))
    gW, _ = grad(total(sin(W @ column)), [W, column], create_graph=True)
    (h,) = grad(total(gW), [column])  # matrix @ matrix: fine
    assert np.shape(h) == (2, 1)


# --- the compiled source is readable, and a mistake in a rule text is an error -----------------------


def test_inspect_getsource_shows_a_compiled_makers_rule() -> None:
    source = inspect.getsource(engine.sigmoid)
    assert source.startswith("def sigmoid(")
    assert PRIMITIVES["sigmoid"].forward.text in source  # type: ignore[attr-defined]
    assert PRIMITIVES["sigmoid"].partials.text in source  # type: ignore[union-attr]
    operator_source = inspect.getsource(Node.__truediv__)
    assert PRIMITIVES["div"].partials.text in operator_source  # type: ignore[union-attr]
    assert "_other, _self" in inspect.getsource(Node.__rtruediv__)  # the reflection's own lines


def test_a_traceback_through_a_compiled_maker_shows_the_rules_line() -> None:
    # A rule text calling a function no backend has: the error is raised by the inlined text.
    broken = make_maker(_row_with_texts("F, x: F.no_such_function(x)", "F, ans, x: (2.0,)"))
    with pytest.raises(AttributeError) as caught:
        broken(Var(1.0))
    frames = [f for f in traceback.extract_tb(caught.tb) if f.filename == "<pathgrad maker for twice>"]
    assert [f.line for f in frames] == ["ans = F.no_such_function(x)"]
    assert "ans = F.no_such_function(x)" in "".join(traceback.format_exception(caught.value))


def _row_with_texts(forward: str, partials: str) -> Primitive:
    return Primitive(
        "twice", 1, "2x", "d(2x)/dx = 2", "twice x", forward=rule(forward), partials=rule(partials)
    )


def test_rule_texts_that_disagree_on_names_are_an_error_not_a_slow_path() -> None:
    with pytest.raises(RuleNamesError, match=r"twice.*\(F, x\).*\(F, ans, y\)"):
        make_maker(_row_with_texts("F, x: 2.0 * x", "F, ans, y: (2.0,)"))
    with pytest.raises(RuleNamesError, match="backend as F"):
        make_maker(_row_with_texts("B, x: 2.0 * x", "B, ans, x: (2.0,)"))
    good = make_maker(_row_with_texts("F, x: 2.0 * x", "F, ans, x: (2.0,)"))
    assert good.__code__.co_filename == "<pathgrad maker for twice>"  # the fast path
    y = good(Var(3.0))
    assert (y.value, y.d0) == (6.0, 2.0)


def test_the_compiled_makers_build_nodes_as_the_one_constructor_does() -> None:
    # The makers inline new_node's statements (generated from NODE_FIELDS): the same fields, set alike.
    x = Var(0.3)
    for fast in (engine.exp(x), x * 2.0, 2.0 - x, -x):
        made = new_node(fast.value, fast.prim, fast.p0, fast.p1, fast.d0, fast.d1, fast.requires_grad, "op")
        assert [getattr(fast, f) for f in NODE_FIELDS] == [getattr(made, f) for f in NODE_FIELDS]
        assert fast.serial > x.serial and fast.kind == "op"
    literal = (x * 2.0).p1
    assert literal is not None
    leaf = new_node(2.0, None, None, None, None, None, False, "const")
    assert [getattr(literal, f) for f in NODE_FIELDS] == [getattr(leaf, f) for f in NODE_FIELDS]
    assert set(NODE_FIELDS) | {"serial", "__dict__"} == set(Node.__slots__)  # every slot is set
