"""pathgrad.from_micrograd on a Value class that behaves like micrograd's (notebook/micrograd_value.py)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from notebook.micrograd_value import Value, readme_example
from pathgrad import from_micrograd, grad, paths, topological_order


def test_readme_example_gives_micrograd_readme_numbers() -> None:
    a, b, g = readme_example()
    y = from_micrograd(g)
    leaves = {n.name: n for n in topological_order([y]) if n.kind == "input"}
    assert set(leaves) == {"a", "b"}  # the literals micrograd wrapped (1, 2, 3, 10, -1) are constants
    assert y.name == "g"
    assert f"{y.value:.4f}" == "24.7041"
    dg_da, dg_db = grad(y, [leaves["a"], leaves["b"]])
    assert f"{dg_da:.4f}" == "138.8338"
    assert f"{dg_db:.4f}" == "645.5773"
    # ... and micrograd's own backward agrees to float64 rounding.
    g.backward()
    assert math.isclose(dg_da, a.grad, rel_tol=1e-12)
    assert math.isclose(dg_db, b.grad, rel_tol=1e-12)
    # The paths add up to the gradient.
    report = paths(y, leaves["a"], limit=10_000)
    assert not report.truncated
    assert math.isclose(report.listed_sum, dg_da, rel_tol=1e-9)


def test_every_operation_maps() -> None:
    x = Value(0.5, label="x")
    w = Value(-1.5, label="w")
    out = ((x * w).tanh() + x.exp() + (w * -2).relu() + x**3 - w / x)
    out.label = "out"
    y = from_micrograd(out)
    ops = {n.op for n in topological_order([y])}
    assert {"add", "mul", "tanh", "exp", "relu", "pow"} <= ops
    assert math.isclose(y.value, out.data, rel_tol=1e-12)
    out.backward()
    leaves = {n.name: n for n in topological_order([y]) if n.kind == "input"}
    got = grad(y, [leaves["x"], leaves["w"]])
    assert got == pytest.approx([x.grad, w.grad], rel=1e-12)


def test_an_operand_used_twice_is_two_edges() -> None:
    a = Value(3.0, label="a")
    square = a * a  # micrograd's _prev is the set {a}
    assert len(square._prev) == 1
    y = from_micrograd(square + a)
    (dy_da,) = grad(y, [next(n for n in topological_order([y]) if n.name == "a")])
    assert dy_da == 7.0  # 2a + 1


def test_names_and_unlabeled_leaves() -> None:
    a, b = Value(2.0), Value(5.0)
    y = from_micrograd(a * b + 1, names={"a": a})
    named = {n.name: n.kind for n in topological_order([y]) if n.prim is None}
    assert named == {"a": "input", None: "const"}  # b and 1 are constants
    y = from_micrograd(a * b + 1, unlabeled="var")
    kinds = sorted((n.name or "", n.kind) for n in topological_order([y]) if n.prim is None)
    assert kinds == [("v1", "input"), ("v2", "input"), ("v3", "input")]


def test_what_is_not_imported_says_what() -> None:
    a = Value(1.0, label="a")
    with pytest.raises(ValueError, match=r"'sigmoid' is not one pathgrad imports"):
        from_micrograd(Value(0.7, (a,), "sigmoid"))
    with pytest.raises(ValueError, match="no numeric exponent"):
        from_micrograd(Value(1.0, (a,), "**x"))
    with pytest.raises(TypeError, match="not a micrograd value"):
        from_micrograd(object())
    with pytest.raises(ValueError, match="unlabeled is"):
        from_micrograd(a, unlabeled="weights")  # type: ignore[arg-type]


def test_a_deep_chain_needs_no_recursion() -> None:
    x = Value(0.1, label="x")
    y = x
    for _ in range(5000):
        y = (y * 0.5).tanh()
    node = from_micrograd(y)
    assert math.isclose(node.value, y.data, rel_tol=1e-12)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.floats(-3, 3), st.floats(-3, 3))
def test_gradients_match_micrograd(xv: float, wv: float) -> None:
    x, w = Value(xv, label="x"), Value(wv, label="w")
    out = (x * w + w**2).tanh() * (x + 1).exp() + (x - w).relu()
    y = from_micrograd(out)
    out.backward()
    leaves = {n.name: n for n in topological_order([y]) if n.kind == "input"}
    assert grad(y, [leaves["x"], leaves["w"]]) == pytest.approx([x.grad, w.grad], rel=1e-9, abs=1e-12)
