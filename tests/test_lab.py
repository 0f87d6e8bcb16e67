"""The broken-backprop lab: each classic mistake on the case that exposes it, with exact numbers."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pathgrad.engine import Node, gradients
from pathgrad.graph_json import GraphIds
from pathgrad.lab import VARIANTS, lab_to_dict, path_walk_visits, run_lab
from pathgrad.language import Program, build_program


def lab_of(source: str) -> tuple[Program, dict[str, dict[str, float] | None]]:
    """The program and, per variant, its gradients of the output for every leaf by name."""
    program = build_program(source)
    result = run_lab(program.output)
    grads: dict[str, dict[str, float] | None] = {}
    for name, sweep in result.sweeps.items():
        adjoints = sweep.adjoints
        grads[name] = None if adjoints is None else {
            leaf: adjoints.get(node, 0.0) for leaf, node in program.leaves.items()
        }
    return program, grads


def ladder(rungs: int) -> str:
    """``rungs`` diamonds in a row: 2**rungs paths from x0 to the last node."""
    lines = ["x0 = 1"]
    lines += [f"a{i} = x{i}*2; b{i} = x{i}*3; x{i + 1} = a{i} + b{i}" for i in range(rungs)]
    return "\n".join(lines)


def test_assign_instead_of_accumulate_loses_every_fan_out() -> None:
    _, grads = lab_of("a = 3; b = a + a; c = b + b")
    assert grads["correct"] == {"a": 4.0}
    assert grads["assign-not-accumulate"] == {"a": 1.0}


def test_parents_kept_by_node_make_the_two_edges_of_x_times_x_one() -> None:
    _, grads = lab_of("x = 3; y = x*x")
    assert grads["correct"] == {"x": 6.0}
    assert grads["parents-by-node"] == {"x": 3.0}
    assert grads["assign-not-accumulate"] == {"x": 3.0}  # the second edge overwrites the first
    assert grads["recursive-no-topo"] == {"x": 6.0}  # a leaf pushes nothing: recursion is harmless here


def test_naive_recursion_double_counts_a_reused_non_leaf() -> None:
    program, grads = lab_of("a = 1; b = a*2; c = b*3; d = b + c")
    assert grads["correct"] == {"a": 8.0}
    # d pushes 1 to b and c; b pushes 1·2 to a; c pushes 3 to b (b = 4); b, reached again, pushes 4·2.
    assert grads["recursive-no-topo"] == {"a": 10.0}
    result = run_lab(program.output)
    b = program.names["b"]
    # b's own total ends right (4): the harm is that it was pushed on twice, once too early.
    assert result.sweeps["recursive-no-topo"].differs == (program.leaves["a"],)
    assert result.sweeps["recursive-no-topo"].adjoints[b] == 4.0  # type: ignore[index]
    assert result.sweeps["correct"].adjoints[b] == 4.0  # type: ignore[index]
    # a, b, c, d and the constants 2 and 3: b, a and the constant 2 are entered twice.
    assert result.sweeps["recursive-no-topo"].visits == 9
    assert result.sweeps["correct"].visits == 6


def test_a_second_backward_without_zeroing_doubles_every_leaf() -> None:
    program, grads = lab_of("x = 1; w = 0.5; b = 0; y = sigmoid(w*x + b)")
    correct = grads["correct"]
    assert correct is not None
    assert grads["no-zero-grad"] == {name: 2 * g for name, g in correct.items()}
    sweep = run_lab(program.output).sweeps["no-zero-grad"]
    assert set(sweep.differs) == set(program.leaves.values())
    assert sweep.visits == 2 * run_lab(program.output).sweeps["correct"].visits


def test_the_path_walk_is_right_and_visits_once_per_path() -> None:
    program, grads = lab_of(ladder(3))
    assert grads["path-walk"] == grads["correct"] == {"x0": 125.0}
    sweep = run_lab(program.output).sweeps["path-walk"]
    assert sweep.differs == ()
    # Paths from the output: 2**(n-i) to x_i, 2**(n-i-1) to each of a_i, b_i and their two constants.
    assert sweep.visits == 6 * 2**3 - 5


def test_a_twenty_diamond_ladder_counts_its_path_walk_without_walking() -> None:
    program = build_program(ladder(20))
    result = run_lab(program.output)
    walk = result.sweeps["path-walk"]
    assert walk.visits == 6 * 2**20 - 5 >= 2**20
    assert walk.adjoints is None and walk.skipped is not None and "6,291,451" in walk.skipped
    assert result.sweeps["recursive-no-topo"].adjoints is None
    assert result.sweeps["correct"].visits == len(result.order) == 1 + 5 * 20
    # That the walk was counted, not walked, is the `skipped` above (no wall-clock margin needed).


def test_the_bound_decides_whether_the_walks_run() -> None:
    program = build_program(ladder(4))
    visits = path_walk_visits(program.output, run_lab(program.output, ["correct"]).order)
    assert run_lab(program.output, max_visits=visits).sweeps["path-walk"].adjoints is not None
    assert run_lab(program.output, max_visits=visits - 1).sweeps["path-walk"].adjoints is None


def test_unknown_variants_are_refused_by_name() -> None:
    program = build_program("x = 3; y = x*x")
    with pytest.raises(ValueError, match="no lab variant named 'backwards'"):
        run_lab(program.output, ["backwards"])


# --- arrays: the same mistakes, element by element ------------------------------------------------


def array_lab(source: str) -> tuple[Program, dict[str, dict[str, list[float]] | None]]:
    """Like :func:`lab_of`, the leaves' gradients as lists (every leaf here is an array)."""
    program = build_program(source)
    result = run_lab(program.output)
    grads: dict[str, dict[str, list[float]] | None] = {}
    for name, sweep in result.sweeps.items():
        adjoints = sweep.adjoints
        grads[name] = None if adjoints is None else {
            leaf: np.asarray(adjoints[node]).tolist() for leaf, node in program.leaves.items()
        }
    return program, grads


def test_on_arrays_x_times_x_keeps_its_two_edges_and_each_mistake_loses_one() -> None:
    _, grads = array_lab("x = [1, 2, 3]; y = sum(x*x)")
    assert grads["correct"] == grads["path-walk"] == grads["recursive-no-topo"] == {"x": [2.0, 4.0, 6.0]}
    assert grads["parents-by-node"] == grads["assign-not-accumulate"] == {"x": [1.0, 2.0, 3.0]}
    assert grads["no-zero-grad"] == {"x": [4.0, 8.0, 12.0]}


def test_on_arrays_assign_and_the_naive_recursion_fail_as_on_numbers() -> None:
    _, grads = array_lab("a = [3, -1]; b = a + a; c = b + b; y = sum(c)")
    assert (grads["correct"], grads["assign-not-accumulate"]) == ({"a": [4.0, 4.0]}, {"a": [1.0, 1.0]})
    program, grads = array_lab("a = [1, 2]; b = a*2; c = b*3; d = sum(b + c)")
    assert (grads["correct"], grads["recursive-no-topo"]) == ({"a": [8.0, 8.0]}, {"a": [10.0, 10.0]})
    sweep = run_lab(program.output).sweeps["recursive-no-topo"]
    assert sweep.differs == (program.leaves["a"],)
    assert sweep.visits == 10  # a, b, c, d, the sum and the constants 2, 3: b, a and 2 twice


def test_on_a_matrix_product_every_variant_shapes_its_gradients_like_the_leaves() -> None:
    source = "W = [[1, 2], [3, 4]]; x = [1, -1]; h = W @ x; y = sum(h*h)"
    program = build_program(source)
    result = run_lab(program.output)
    engine = gradients(program.output)
    for name in VARIANTS:
        adjoints = result.sweeps[name].adjoints
        assert adjoints is not None, name
        for leaf in program.leaves.values():
            assert np.shape(adjoints[leaf]) == np.shape(leaf.value), name
    correct = result.sweeps["correct"].adjoints
    assert correct is not None
    for leaf in program.leaves.values():
        np.testing.assert_allclose(correct[leaf], engine[leaf], rtol=1e-12)
    # h*h fans h out: parents-by-node and assign keep one of its two edges, so everything below halves.
    for name in ("parents-by-node", "assign-not-accumulate"):
        wrong = result.sweeps[name].adjoints
        assert wrong is not None
        np.testing.assert_allclose(wrong[program.leaves["W"]], engine[program.leaves["W"]] / 2, rtol=1e-12)
        assert set(result.sweeps[name].differs) >= set(program.leaves.values())


def test_on_arrays_the_walks_count_their_visits_from_the_paths_and_run_below_the_bounds() -> None:
    lines = ["x0 = [1, 2, 3, 4]"] + [f"x{i + 1} = x{i}*2 + x{i}*3" for i in range(6)] + ["y = sum(x6)"]
    program = build_program("\n".join(lines))
    order = run_lab(program.output, ["correct"]).order
    visits = path_walk_visits(program.output, order)
    ran = run_lab(program.output, ["path-walk"]).sweeps["path-walk"]
    assert ran.visits == visits and ran.adjoints is not None and ran.differs == ()
    assert ran.adjoints[program.leaves["x0"]].tolist() == [5.0**6] * 4
    by_elements = run_lab(program.output, ["path-walk"], max_elements=visits * 4 - 1).sweeps["path-walk"]
    assert by_elements.adjoints is None and by_elements.visits == visits
    assert by_elements.skipped is not None and "element operations" in by_elements.skipped


def test_the_lab_json_sends_array_gradients_as_lists() -> None:
    program = build_program("x = [1, 2]; y = sum(x*x)")
    result = run_lab(program.output, ["correct", "parents-by-node"])
    ids = GraphIds(result.order).node
    data = lab_to_dict(result, program.leaves, ids)
    wrong = data["variants"]["parents-by-node"]
    assert wrong["gradients"] == {"x": [1.0, 2.0]}
    assert data["variants"]["correct"]["adjoints"][ids[program.leaves["x"]]] == [2.0, 4.0]
    assert wrong["differs_leaves"] == ["x"]


@st.composite
def array_programs(draw: st.DrawFn) -> str:
    """A random program of element-wise operations on length-3 arrays, summed at the end."""
    scalar = draw(programs())
    lines = scalar.split("\n")
    out = []
    for line in lines:
        name, expr = line.split(" = ", 1)
        if name.startswith("v"):
            extra = [draw(st.floats(-1.5, 1.5, allow_nan=False)) for _ in range(2)]
            expr = f"[{expr}, {extra[0]:.3f}, {extra[1]:.3f}]"
        out.append(f"{name} = {expr}")
    last = out[-1].split(" = ", 1)[0]
    return "\n".join([*out, f"total = sum({last})"])


@settings(derandomize=True, max_examples=60, deadline=None, database=None)
@given(source=array_programs())
def test_on_arrays_correct_is_the_engines_gradient_and_the_path_walk_agrees(source: str) -> None:
    program = build_program(source)
    result = run_lab(program.output)
    engine = gradients(program.output)
    correct = result.sweeps["correct"].adjoints
    assert correct is not None
    for node in result.order:
        if node.requires_grad and node in engine:
            np.testing.assert_allclose(correct[node], engine[node], rtol=1e-12, atol=1e-15)
    walk = result.sweeps["path-walk"]
    if walk.adjoints is not None:
        assert walk.differs == ()
    twice = result.sweeps["no-zero-grad"].adjoints
    assert twice is not None
    for leaf in program.leaves.values():
        if leaf in correct:  # (a leaf the output does not use has no adjoint in any sweep)
            np.testing.assert_allclose(twice[leaf], 2 * np.asarray(correct[leaf]), rtol=1e-12, atol=1e-15)
        else:
            assert leaf not in twice


def test_the_lab_json_names_leaves_and_graph_ids() -> None:
    program = build_program("x = 3; y = x*x")
    result = run_lab(program.output, ["correct", "parents-by-node"])
    ids = GraphIds(result.order).node
    data = lab_to_dict(result, program.leaves, ids)
    assert data["output"] == ids[program.output]
    wrong = data["variants"]["parents-by-node"]
    assert wrong["gradients"] == {"x": 3.0}
    assert wrong["differs"] == [ids[program.leaves["x"]]]
    assert wrong["differs_leaves"] == ["x"]
    assert wrong["visits"] == "2"
    x, y = ids[program.leaves["x"]], ids[program.output]
    assert data["variants"]["correct"]["adjoints"] == {x: 6.0, y: 1.0}
    assert list(data["variants"]) == ["correct", "parents-by-node"]


# --- generated programs --------------------------------------------------------------------------

UNARY = ("sigmoid", "tanh", "exp", "relu", "sin")
BINARY = ("+", "-", "*")


@st.composite
def programs(draw: st.DrawFn) -> str:
    """A random program of 2–3 leaves and up to 9 statements that reuse earlier names freely."""
    leaves = draw(st.integers(2, 3))
    names = [f"v{i}" for i in range(leaves)]
    lines = [f"{name} = {draw(st.floats(-1.5, 1.5, allow_nan=False)):.3f}" for name in names]
    for k in range(draw(st.integers(1, 9))):
        left = draw(st.sampled_from(names))
        right = draw(st.sampled_from(names))
        if draw(st.booleans()):
            expr = f"{draw(st.sampled_from(UNARY))}({left} {draw(st.sampled_from(BINARY))} {right})"
        else:
            expr = f"{left} {draw(st.sampled_from(BINARY))} {right}"
        name = f"s{k}"
        lines.append(f"{name} = {expr}")
        names.append(name)
    return "\n".join(lines)


@settings(derandomize=True, max_examples=150, deadline=None, database=None)
@given(source=programs())
def test_correct_is_the_engines_gradient_and_the_path_walk_agrees(source: str) -> None:
    program = build_program(source)
    result = run_lab(program.output)
    engine = gradients(program.output)
    correct = result.sweeps["correct"].adjoints
    assert correct is not None
    for node in result.order:
        if node.requires_grad:
            assert correct.get(node, 0.0) == pytest.approx(engine.get(node, 0.0), rel=1e-12, abs=1e-15)
    walk = result.sweeps["path-walk"]
    if walk.adjoints is not None:
        assert walk.differs == ()
    twice = result.sweeps["no-zero-grad"].adjoints
    assert twice is not None
    for leaf in program.leaves.values():
        doubled, once = twice.get(leaf, 0.0), correct.get(leaf, 0.0)
        assert doubled == pytest.approx(2 * once, rel=1e-12, abs=1e-15) or math.isnan(doubled)
    # Without fan-out every variant is right: a mistake shows only where the graph reuses a value.
    if all(len(set(n.parents)) == len(n.parents) for n in result.order) and not _reused(result.order):
        for name in VARIANTS:
            if name != "no-zero-grad":
                assert result.sweeps[name].differs == ()


def _reused(order: list[Node]) -> bool:
    seen: set[int] = set()
    for node in order:
        for parent in node.parents:
            if id(parent) in seen and parent.requires_grad:
                return True
            seen.add(id(parent))
    return False
