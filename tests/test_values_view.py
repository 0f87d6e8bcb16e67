"""The values view: one node per statement; the chain rule between named values.

Every local derivative is the engine's (on the statement re-recorded); these tests check it against
the operations graph: the restricted sums over its paths, reverse mode, forward mode and finite
differences, on every preset and on random programs.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from pathgrad import service
from pathgrad.engine import gradients, is_finite, tangents, topological_order
from pathgrad.graph_json import GraphIds
from pathgrad.language import LanguageError, build, function_table
from pathgrad.language.syntax import Assign, Binary, Name, Number, ProgramAST
from pathgrad.presets import PRESETS
from pathgrad.values_view import (
    ValueNode,
    ValuesGraph,
    value_gradients,
    value_numeric_gradient,
    value_path_counts,
    value_paths,
    value_tangents,
    values_graph,
    values_to_dict,
)

SCALAR_PRESETS = [name for name in PRESETS if name != "xor-batched"]


def graph_of(source: str, **kwargs: Any) -> ValuesGraph:
    return values_graph(service.build(source, **kwargs))


def as_dict(graph: ValuesGraph, **kwargs: Any) -> dict[str, Any]:
    ids = GraphIds(topological_order([graph.program.output]))
    return values_to_dict(graph, ids, **kwargs)


def preset_graph(name: str, seed: int | None = None) -> ValuesGraph:
    preset = PRESETS[name]
    return graph_of(preset.source(seed), output=preset.view_output)


def close(a: float, b: float, magnitude: float) -> bool:
    return abs(a - b) <= 1e-300 + 1e-12 * magnitude


def check_paths_add_up(graph: ValuesGraph) -> int:
    """For every leaf: the listed paths are all the paths, and their products add up to reverse mode
    of the operations graph. Returns how many leaves were checked."""
    op_adjoints = gradients(graph.program.output)
    checked = 0
    for value in graph.nodes:
        if not value.is_leaf:
            continue
        count = value_path_counts(graph)[value]
        report = value_paths(graph, value, limit=count + 1)
        assert report.count == count == len(report.paths) >= 1
        magnitude = math.fsum(abs(p.product) for p in report.paths)
        truth = float(op_adjoints.get(value.node, 0.0))
        assert close(report.listed_sum, truth, magnitude), (value, report.listed_sum, truth)
        assert close(report.gradient, truth, magnitude), (value, report.gradient, truth)
        for path in report.paths:
            assert path.nodes[0] is value and path.nodes[-1] is graph.output
            assert path.product == pytest.approx(math.prod(path.factors), rel=1e-12)
            for (child, index), parent in zip(path.edges, path.nodes, strict=False):
                assert child.parents[index] is parent
        checked += 1
    return checked


# --- the examples of the brief ------------------------------------------------------------------


def test_a_square_is_one_edge_with_local_2x() -> None:
    graph = graph_of("x = 3; y = x*x")
    x, y = graph.nodes
    assert (x.name, y.name, y.parents, y.occurrences) == ("x", "y", (x,), (2,))
    assert y.partials == (6.0,)
    result = as_dict(graph)
    assert result["edges"] == [
        {"id": "u0", "source": "v0", "target": "v1", "arg": 0, "local": 6.0, "local_kind": None,
         "local_needed": True, "local_reason": None, "occurrences": 2}
    ]
    assert result["stats"] == {"nodes": 2, "edges": 1, "path_counts": {"v0": "1"}}


def test_the_diamond_has_a_local_2_and_b_local_5() -> None:
    graph = graph_of("a = 2; b = 1; e = (a+b)*(b+1)")
    result = as_dict(graph)
    a, b, e = result["nodes"]
    assert [n["name"] for n in result["nodes"]] == ["a", "b", "e"]
    assert [(x["source"], x["target"], x["local"], x["occurrences"]) for x in result["edges"]] == [
        ("v0", "v2", 2.0, 1), ("v1", "v2", 5.0, 2),
    ]
    assert (a["grad"], b["grad"], e["grad"]) == (2.0, 5.0, 1.0)
    assert e["expr"] == "(a+b)*(b+1)" and e["op"] == "mul" and e["kind"] == "op"
    assert (a["expr"], a["op"], a["kind"], a["members"]) == ("2", "leaf", "input", [])
    # One path per leaf at this level; the five paths of the operations view are inside e.
    assert value_paths(graph, graph.nodes[1]).count == 1


def test_a_reassigned_name_gives_one_node_per_assignment() -> None:
    # The language refuses a second value for a name, so the tree is built by hand here: the values
    # view keys values by statement, not by name.
    tree = ProgramAST((
        Assign("x", Number(1.5)),
        Assign("x", Binary("*", Name("x"), Number(2.0))),
        Assign("y", Binary("*", Name("x"), Name("x"))),
    ))
    program = build(tree)
    graph = values_graph(program)
    first, second, y = graph.nodes
    assert [v.name for v in graph.nodes] == ["x", "x", "y"]
    assert second.parents == (first,) and y.parents == (second,)
    assert (second.partials, y.partials) == ((2.0,), (6.0,))
    assert (second.expr, y.expr) == ("x * 2", "x * x")
    assert value_gradients(graph)[first] == gradients(program.output)[first.node] == 12.0
    assert check_paths_add_up(graph) == 1


def test_an_alias_is_its_own_value_with_local_1() -> None:
    graph = graph_of("x = 1; h = 2*x; y = h; z = y*h")
    x, h, y, z = graph.nodes
    assert (y.op, y.kind, y.parents, y.partials, y.node is h.node) == ("alias", "op", (h,), (1.0,), True)
    assert z.parents == (y, h) and z.partials == (2.0, 2.0)
    adjoints = value_gradients(graph)
    # dz/dy holds h fixed; dz/dh moves y with it.
    assert (adjoints[y], adjoints[h], adjoints[x]) == (2.0, 4.0, 8.0)
    assert value_numeric_gradient(graph, y) == pytest.approx(2.0, rel=1e-6)
    assert value_numeric_gradient(graph, h) == pytest.approx(4.0, rel=1e-6)
    result = as_dict(graph)
    assert result["nodes"][2]["node"] == result["nodes"][1]["node"]
    assert result["nodes"][2]["members"] == []
    assert check_paths_add_up(graph) == 1


def test_an_unnamed_last_expression_is_the_output_node() -> None:
    result = as_dict(graph_of("x = 2\nx*x + 1"))
    out = result["nodes"][-1]
    assert result["output"] == out["id"] == "v1"
    shown = (out["name"], out["label"], out["expr"], out["line"], out["value"])
    assert shown == (None, "x*x + 1", "x*x + 1", 2, 5.0)
    assert result["edges"][0]["local"] == 4.0


def test_expr_is_the_text_as_written_with_whitespace_and_comments_normalised() -> None:
    source = (
        "x = 1; w = 0.5\nb = -2\ny = sigmoid(  w*x\t+ b )\n"
        "v = [1,\n  2]  # a vector\nz = sum(v * (y + # the value\n 1))"
    )
    result = as_dict(graph_of(source))
    shown = {n["name"]: (n["expr"], n["line"]) for n in result["nodes"]}
    assert shown == {
        "x": ("1", 1), "w": ("0.5", 1), "b": ("-2", 2), "y": ("sigmoid( w*x + b )", 3),
        "v": ("[1, 2]", 4), "z": ("sum(v * (y + 1))", 6),
    }


def test_only_the_values_the_output_depends_on_are_drawn() -> None:
    graph = graph_of("x = 1; unused = 3; y = 2*x; z = y + 1", output="y")
    assert [v.name for v in graph.nodes] == ["x", "y"]
    assert graph.output.name == "y"


def test_statement_with_no_leaf_gets_no_gradient_like_a_constant() -> None:
    result = as_dict(graph_of("x = 2; c = 3*4; y = c*x"))
    nodes = {n["name"]: n for n in result["nodes"]}
    assert nodes["c"]["grad"] is None and nodes["c"]["kind"] == "op"
    assert nodes["x"]["grad"] == 12.0
    # y's parents in order of first appearance: c, then x (local c = 12). No gradient flows to c, a
    # statement of constants alone, so its edge carries no derivative (as from a literal).
    assert [(e["source"], e["local"], e["local_needed"]) for e in result["edges"]] == [
        ("v1", None, False), ("v0", 12.0, True)
    ]


# --- the presets --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", SCALAR_PRESETS)
def test_every_presets_value_paths_add_up_to_the_gradient(name: str) -> None:
    for seed in (None, 1):
        graph = preset_graph(name, seed)
        assert check_paths_add_up(graph) == sum(1 for v in graph.nodes if v.is_leaf)


@pytest.mark.parametrize("name", list(PRESETS))
def test_every_presets_value_names_are_the_programs_names(name: str) -> None:
    preset = PRESETS[name]
    program = service.build(preset.source(), output=preset.view_output)
    graph = values_graph(program)
    names = [v.name for v in graph.nodes]
    assert names == [n for n in program.names if n in names]
    assert len(set(names)) == len(names)
    if preset.view_output is None:
        assert names == list(program.names)


def test_the_sigmoid_chains_values_are_its_names() -> None:
    graph = preset_graph("sigmoid-chain")
    expected = ["x", "Y", *(f"w{i}" for i in range(1, 11)), *(f"h{i}" for i in range(1, 12)), "y", "C"]
    assert [v.name for v in graph.nodes] == expected
    counts = value_path_counts(graph)
    shown = {v.name: counts[v] for v in graph.nodes if v.name in ("w1", "w2", "x")}
    assert shown == {"w1": 2, "w2": 1, "x": 1}
    y = graph.nodes[-2]
    assert (y.op, y.expr, y.partials) == ("alias", "h11", (1.0,))


@pytest.mark.parametrize("name", list(PRESETS))
def test_locals_are_the_operations_paths_inside_the_statement(name: str) -> None:
    # d(child)/d(parent) summed over the op-graph paths whose interior nodes the statement made:
    # reverse mode on the operations graph, swept over the statement's members only.
    graph = preset_graph(name)
    for value in graph.nodes:
        if not value.members or len({id(p.node) for p in value.parents}) < len(value.parents):
            continue
        order = sorted(value.members, key=lambda n: n.serial)
        restricted = gradients(value.node, order=order)
        for index, parent in enumerate(value.parents):
            local, why = value.local(index, 10**6)
            assert why is None
            np.testing.assert_allclose(
                np.asarray(local), _jacobian_from(restricted, value, parent, order), rtol=1e-12, atol=1e-300
            )


def _jacobian_from(restricted: dict[Any, Any], value: ValueNode, parent: ValueNode, order: list[Any]) -> Any:
    if not value.shape:
        return np.asarray(restricted.get(parent.node, 0.0))
    rows = []
    from pathgrad import engine

    for k in range(math.prod(value.shape)):
        basis = np.zeros(math.prod(value.shape))
        basis[k] = 1.0
        seeded = engine.sum(value.node * basis.reshape(value.shape))
        adjoints = gradients(seeded, order=[*order, seeded.p0, seeded])
        rows.append(np.ravel(adjoints.get(parent.node, np.zeros(parent.shape))))
    return np.stack(rows).reshape(value.shape + parent.shape)


@pytest.mark.parametrize("name", list(PRESETS))
def test_reverse_and_forward_mode_through_values_match_the_operations_graph(name: str) -> None:
    graph = preset_graph(name)
    output = graph.program.output
    op_adjoints = gradients(output)
    adjoints = value_gradients(graph)
    aliased = {id(v.node) for v in graph.nodes if v.op == "alias"}
    for value in graph.nodes:
        if id(value.node) in aliased and value.op != "alias":
            continue  # an aliased value's adjoint also counts its alias's uses
        expected = op_adjoints.get(value.node)
        if expected is None:
            assert value not in adjoints
        else:
            np.testing.assert_allclose(adjoints[value], expected, rtol=1e-12, atol=1e-300)
    for leaf in [v for v in graph.nodes if v.is_leaf][:3]:
        op_tangents = tangents([output], leaf.node)
        for value, tangent in value_tangents(graph, leaf).items():
            np.testing.assert_allclose(tangent, op_tangents[value.node], rtol=1e-12, atol=1e-300)


def test_xor_batched_works_with_jacobians() -> None:
    graph = preset_graph("xor-batched")
    assert [v.name for v in graph.nodes] == ["X", "T", "W1", "b1", "W2", "b2", "H", "F", "C"]
    result = as_dict(graph)
    by_id = {n["id"]: n for n in result["nodes"]}
    for edge in result["edges"]:
        source, target = by_id[edge["source"]], by_id[edge["target"]]
        assert edge["local_reason"] is None
        assert np.shape(edge["local"]) == tuple(target["shape"] + source["shape"])
    # The chain rule with Jacobians: contract them along each path, add across paths.
    op_adjoints = gradients(graph.program.output)
    for leaf in (v for v in graph.nodes if v.is_leaf):
        total = _sum_over_paths(graph, leaf)
        np.testing.assert_allclose(total, op_adjoints[leaf.node], rtol=1e-12, atol=1e-15)
        through_values = value_gradients(graph)[leaf]
        np.testing.assert_allclose(through_values, op_adjoints[leaf.node], rtol=1e-12, atol=1e-15)
    with pytest.raises(ValueError, match="path listing needs numbers on every edge"):
        value_paths(graph, graph.nodes[2])


def _sum_over_paths(graph: ValuesGraph, source: ValueNode) -> Any:
    """Σ over paths of the contracted Jacobians, d(output)/d(source), by brute force."""
    size = math.prod(source.shape)
    start = np.eye(size).reshape(source.shape + source.shape) if source.shape else np.asarray(1.0)
    total = np.zeros(source.shape)
    stack = [(source, start)]
    while stack:
        value, carried = stack.pop()
        if value is graph.output:
            total = total + carried
            continue
        for child in graph.nodes[value.index + 1 :]:
            for index, parent in enumerate(child.parents):
                if parent is value:
                    local, _ = child.local(index, 10**6)
                    axes = len(value.shape)
                    stack.append((child, np.tensordot(np.asarray(local), carried, axes=axes)))
    return total


def test_array_edges_honour_the_jacobian_limits() -> None:
    graph = preset_graph("xor-batched")
    none = as_dict(graph, max_jacobian_entries=0)
    assert all(e["local"] is None and "above the limit" in e["local_reason"] for e in none["edges"])
    some = as_dict(graph, max_jacobian_total=40)
    reasons = [e["local_reason"] for e in some["edges"]]
    assert any(r and "max_jacobian_total" in r for r in reasons) and None in reasons
    mixed = as_dict(graph_of("x = 2; v = [1, 2, 3]; y = sum(v*x)"), max_jacobian_entries=1)
    assert [e["local"] for e in mixed["edges"]] == [None, 6.0]  # v (3 entries), then x


def test_nonfinite_values_and_locals_are_flagged() -> None:
    result = as_dict(graph_of("x = 0; y = log(x); z = y*2"))
    x, y, _ = result["nodes"]
    assert y["nonfinite"] and y["value"] is None and "log" in y["reason"]
    first, second = result["edges"]
    assert first["local"] is None and first["local_reason"] == "the local derivative is not finite here"
    assert second["local"] == 2.0
    assert x["grad"] is None and x["grad_nonfinite"]


def test_members_partition_the_operations_graph() -> None:
    preset = PRESETS["leaky-relu-wide"]
    program = service.build(preset.source())
    op_graph = service.graph_for(program)
    result = service.graph_for(program, view="values")
    owned = [m for n in result["nodes"] for m in n["members"]]
    leaves = [n["node"] for n in result["nodes"] if n["op"] == "leaf"]
    assert sorted(owned + leaves) == sorted(n["id"] for n in op_graph["nodes"])
    names = {n["id"]: n["name"] for n in op_graph["nodes"]}
    for node in result["nodes"]:
        assert names[node["node"]] == node["name"]
        if node["members"]:
            assert node["node"] in node["members"]


def test_tangents_through_values_in_the_json() -> None:
    graph = graph_of("x = 2; w = 3; h = w*x; y = h*h")
    result = as_dict(graph, forward_input=graph.nodes[0])
    assert [n["tangent"] for n in result["nodes"]] == [1.0, None, 3.0, 36.0]


def test_expanded_composites_give_the_same_values_view() -> None:
    source = "x = 0.5; w = -1; h = tanh(w*x); y = sigmoid(h) * h"
    plain, expanded = graph_of(source), graph_of(source, expand=True)
    assert len(expanded.nodes) == len(plain.nodes)
    assert len(expanded.nodes[-1].members) > len(plain.nodes[-1].members)
    for a, b in zip(plain.nodes, expanded.nodes, strict=True):
        assert b.partials == pytest.approx(a.partials, rel=1e-12)


# --- random programs ----------------------------------------------------------------------------

UNARY = [*function_table(), "neg", "plus"]  # every function of the table, and the two signs
BINARY = ["+", "-", "*", "/", "^"]
LEAVES = ["a", "b", "c"]


@st.composite
def programs(draw: st.DrawFn) -> str:
    values = draw(st.lists(st.floats(-2.0, 2.0).map(lambda v: round(v, 3)), min_size=3, max_size=3))
    lines = [f"{n} = {v!r}" for n, v in zip(LEAVES, values, strict=True)]
    names = list(LEAVES)

    def expression(depth: int) -> str:
        # The top of a statement is an operation; deeper down, names and numbers are likelier.
        choice = draw(st.integers(4 if depth == 0 else 0, 9 if depth < 3 else 3))
        if choice <= 2:
            return draw(st.sampled_from(names))
        if choice == 3:
            return repr(draw(st.sampled_from([0.5, 1.0, 2.0, 3.0])))
        if choice <= 6:
            op = draw(st.sampled_from(UNARY))
            inner = expression(depth + 1)
            if op == "neg":
                return f"-({inner})"
            if op == "plus":
                return f"+({inner})"
            if op == "leaky_relu" and draw(st.booleans()):
                return f"leaky_relu({inner}, 0.2)"
            return f"{op}({inner})"
        op = draw(st.sampled_from(BINARY))
        if op == "^":
            return f"({expression(depth + 1)}) ^ {draw(st.sampled_from(['2', '3', 'a']))}"
        return f"({expression(depth + 1)}) {op} ({expression(depth + 1)})"

    for k in range(draw(st.integers(1, 5))):
        if names[-1] != LEAVES[-1] and draw(st.integers(0, 5)) == 0:
            text = draw(st.sampled_from(names[3:]))  # an alias
        else:
            text = expression(0)
        name = f"s{k}"
        lines.append(f"{name} = {text}")
        names.append(name)
    # The output uses several values, so that paths fan out and meet again.
    used = [names[-1], *draw(st.lists(st.sampled_from(names), max_size=3))]
    last = " + ".join(f"{draw(st.sampled_from(['', '2*', 'sin']))}({n})" for n in used)
    lines.append(last if draw(st.booleans()) else f"out = {last}")
    return "\n".join(lines)


@settings(derandomize=True, max_examples=300, deadline=None, database=None,
          suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
@given(source=programs(), expand=st.booleans())
def test_value_paths_multiply_and_add_up_to_reverse_mode_on_random_programs(
    source: str, expand: bool
) -> None:
    try:
        program = service.build(source, expand=expand)
    except LanguageError:  # a constant sub-expression that is not finite (sqrt(cos(2)) ...)
        assume(False)
        raise
    output = program.output
    order = topological_order([output])
    assume(all(is_finite(n.value) for n in order))
    op_adjoints = gradients(output, order=order)
    assume(all(is_finite(g) for g in op_adjoints.values()))
    graph = values_graph(program)
    assert [v.node for v in graph.nodes if v.is_leaf] == [n for n in order if n.op == "leaf"]
    counts = value_path_counts(graph)
    for leaf in (v for v in graph.nodes if v.is_leaf):
        report = value_paths(graph, leaf, limit=counts[leaf] + 1)
        assert report.count == len(report.paths) == counts[leaf]
        magnitude = math.fsum(abs(p.product) for p in report.paths)
        truth = float(op_adjoints.get(leaf.node, 0.0))
        tolerance = 1e-12 + 1e-9 * magnitude
        assert abs(report.listed_sum - truth) <= tolerance, (leaf, report.listed_sum, truth)
        assert abs(report.gradient - truth) <= tolerance
        for path in report.paths:
            assert path.product == pytest.approx(math.prod(path.factors), rel=1e-12, abs=1e-300)


@st.composite
def array_programs(draw: st.DrawFn) -> str:
    """Programs on two 3-vectors and a number: elementwise functions, sums, broadcasting."""
    number = st.floats(-2.0, 2.0).map(lambda v: round(v, 3))
    vector = st.lists(number, min_size=3, max_size=3)
    lines = [f"a = {draw(vector)!r}", f"b = {draw(number)!r}", f"c = {draw(vector)!r}"]
    names = ["a", "b", "c"]
    elementwise = [n for n, row in function_table().items() if row.name not in ("sum", "mean", "transpose")]

    def expression(depth: int) -> str:
        choice = draw(st.integers(3 if depth == 0 else 0, 8 if depth < 3 else 2))
        if choice <= 2:
            return draw(st.sampled_from(names))
        if choice <= 4:
            return f"{draw(st.sampled_from(elementwise))}({expression(depth + 1)})"
        if choice == 5:
            return f"{draw(st.sampled_from(['sum', 'mean']))}({expression(depth + 1)})"
        op = draw(st.sampled_from(["+", "-", "*", "/"]))
        return f"({expression(depth + 1)}) {op} ({expression(depth + 1)})"

    for k in range(draw(st.integers(1, 4))):
        lines.append(f"s{k} = {expression(0)}")
        names.append(f"s{k}")
    used = [names[-1], *draw(st.lists(st.sampled_from(names), max_size=2))]
    lines.append("out = " + " + ".join(f"sum({n})" for n in used))
    return "\n".join(lines)


@settings(derandomize=True, max_examples=60, deadline=None, database=None,
          suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
@given(source=array_programs())
def test_reverse_mode_and_jacobian_paths_through_values_on_random_array_programs(source: str) -> None:
    try:
        program = service.build(source)
    except LanguageError:
        assume(False)
        raise
    order = topological_order([program.output])
    assume(all(is_finite(n.value) for n in order))
    op_adjoints = gradients(program.output, order=order)
    assume(all(is_finite(g) for g in op_adjoints.values()))
    graph = values_graph(program)
    adjoints = value_gradients(graph)
    for leaf in (v for v in graph.nodes if v.is_leaf):
        truth = op_adjoints[leaf.node]
        scale = 1e-12 + 1e-9 * float(np.max(np.abs(truth)))
        np.testing.assert_allclose(adjoints[leaf], truth, rtol=1e-9, atol=scale)
        np.testing.assert_allclose(_sum_over_paths(graph, leaf), truth, rtol=1e-9, atol=scale)
    # Forward mode through values (one Jacobian-vector product per edge) against the operations graph.
    first = graph.nodes[0]
    op_tangents = tangents([program.output], first.node)
    for value, tangent in value_tangents(graph, first).items():
        expected = op_tangents[value.node]
        scale = 1e-12 + 1e-9 * float(np.max(np.abs(expected)))
        np.testing.assert_allclose(tangent, expected, rtol=1e-9, atol=scale)


def test_infinite_terms_of_both_signs_are_nan_not_an_error() -> None:
    graph = graph_of("x = 1000; y = exp(x); z = y*x - y*2000")  # paths: +inf and -inf
    x = graph.nodes[0]
    report = value_paths(graph, x)
    assert report.count == 2 and math.isnan(report.listed_sum)
    assert math.isnan(value_tangents(graph, x)[graph.output])
    result = as_dict(graph, forward_input=x)
    assert result["nodes"][-1]["tangent"] is None


def test_a_statement_carries_the_input_of_its_last_operation() -> None:
    """`pre` lets the page mark a dead ReLU in the values view: relu's input, not the unit's value."""
    program = service.build("x = 1; w = -2; h = relu(w*x); y = 3*h")
    graph = service.graph_for(program, view="values")
    by_name = {n["name"]: n for n in graph["nodes"]}
    assert by_name["h"]["pre"] == -2.0
    assert by_name["h"]["value"] == 0.0
    assert by_name["y"]["pre"] == 3.0  # 3*h: the first argument is the literal 3
    assert by_name["x"]["pre"] is None


def test_pre_is_the_composites_input_when_composites_are_expanded() -> None:
    source = "x = 0.5; w = -1; h = sigmoid(w*x); t = tanh(h); r = relu(t - 1)"
    plain = as_dict(graph_of(source))
    expanded = as_dict(graph_of(source, expand=True))
    shown = [n["pre"] for n in expanded["nodes"]]
    assert shown[:2] == [None, None]  # the leaves
    assert shown[2:] == pytest.approx([n["pre"] for n in plain["nodes"]][2:], rel=1e-12)
    assert plain["nodes"][2]["pre"] == -0.5
