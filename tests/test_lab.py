"""The broken-backprop lab: each classic mistake on the case that exposes it, with exact numbers."""

from __future__ import annotations

import math

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


def test_unknown_variants_and_arrays_are_refused_by_name() -> None:
    program = build_program("x = 3; y = x*x")
    with pytest.raises(ValueError, match="no lab variant named 'backwards'"):
        run_lab(program.output, ["backwards"])
    vector = build_program("x = [1, 2]; y = sum(x*x)")
    with pytest.raises(ValueError, match="the lab runs on numbers"):
        run_lab(vector.output)


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
