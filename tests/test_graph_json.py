"""graph_json: JSON-safe numbers, the graph dict, and Graphviz DOT."""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from pathgrad import Var, exp, service, sigmoid
from pathgrad.graph_json import (
    EDGE_NUMBERS,
    EDGE_STRUCTURE,
    NODE_NUMBERS,
    NODE_STRUCTURE,
    format_number,
    graph_to_dict,
    numbers_of,
    structure_digest,
    to_dot,
    to_json_kind,
    to_json_number,
)
from pathgrad.language import LanguageError
from test_values_view import programs

INF, NAN = math.inf, math.nan


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        (1.5, 1.5),
        (INF, None),
        (-INF, None),
        (NAN, None),
        (np.float64(2.0), 2.0),
        (np.float64(np.inf), None),
        (np.array(3.0), 3.0),
        (np.array([1.0, 2.0]), [1.0, 2.0]),
        (np.array([1.0, INF, -INF, NAN]), [1.0, None, None, None]),
        (np.array([[NAN, 1.0], [2.0, INF]]), [[None, 1.0], [2.0, None]]),
        ([1, 2], [1.0, 2.0]),
        ([[1.0, INF]], [[1.0, None]]),
        (np.zeros((2, 0)), [[], []]),
    ],
)
def test_to_json_number(value: object, expected: object) -> None:
    result = to_json_number(value)
    assert result == expected
    json.dumps(result, allow_nan=False)  # strict JSON: no Infinity, no NaN


def test_to_json_number_gives_plain_python_floats() -> None:
    result = to_json_number(np.array([[1.0, NAN]]))
    assert type(result[0][0]) is float
    assert type(to_json_number(np.float64(1.0))) is float


@pytest.mark.parametrize(
    ("value", "text"), [(3.0, "3"), (-2.0, "-2"), (0.5, "0.5"), (1 / 3, "0.3333"), (1e20, "1e+20"),
                        (INF, "inf"), (NAN, "nan")]
)
def test_format_number(value: float, text: str) -> None:
    assert format_number(value) == text


def test_graph_to_dict_is_strict_json_with_nonfinite_values() -> None:
    x = Var(np.array([1.0, 800.0]), name="x")
    y = exp(x)
    graph = graph_to_dict(y)
    text = json.dumps(graph, allow_nan=False)
    assert json.loads(text) == graph
    (out,) = [n for n in graph["nodes"] if n["id"] == graph["output"]]
    assert out["value"][0] == pytest.approx(math.e)
    assert out["value"][1] is None
    assert out["nonfinite"] is True and "exp" in out["reason"]


def test_graph_to_dict_counts_paths_as_strings() -> None:
    x = Var(2.0, name="x")
    y = x
    for _ in range(60):
        y = y * 2.0 + y * 3.0
    graph = graph_to_dict(y)
    assert graph["stats"]["path_counts"] == {"n0": str(2**60)}


DOT_NODE = re.compile(r'^  n\d+ \[label="(?:[^"\\]|\\.)*", shape=(?:box|ellipse)\];$')
DOT_EDGE = re.compile(r'^  n\d+ -> n\d+ \[label="(?:[^"\\]|\\.)*"\];$')


def test_to_dot_is_one_line_per_node_and_edge() -> None:
    x = Var(1.0, name="x")
    w = Var(0.5, name="w", kind="param")
    y = sigmoid(w * x) * x
    graph = graph_to_dict(y)
    dot = to_dot(graph)
    lines = dot.splitlines()
    assert lines[0] == "digraph pathgrad {"
    assert lines[-1] == "}"
    assert dot.endswith("}\n")
    node_lines = [line for line in lines if DOT_NODE.match(line)]
    edge_lines = [line for line in lines if DOT_EDGE.match(line)]
    assert len(node_lines) == len(graph["nodes"])
    assert len(edge_lines) == len(graph["edges"])
    assert len(lines) == 3 + len(node_lines) + len(edge_lines) + 1
    assert any("shape=ellipse" in line for line in node_lines)  # leaves
    assert dot.count("{") == dot.count("}") == 1


def test_to_dot_escapes_labels() -> None:
    x = Var(1.0, name='say "hi"\\ \n next line')
    graph = graph_to_dict(x * 2.0)
    dot = to_dot(graph)
    assert 'say \\"hi\\"\\\\ \\n next line' in dot
    for line in dot.splitlines()[3:-1]:
        assert DOT_NODE.match(line) or DOT_EDGE.match(line), line


def test_to_dot_shows_missing_and_array_values() -> None:
    x = Var(np.array([0.0, 1.0]), name="x")
    graph = graph_to_dict(exp(x * 1000.0))
    dot = to_dot(graph)
    assert "[…]" in dot
    graph["nodes"][0]["value"] = None
    assert "value —" in to_dot(graph)


# --- edge-local derivatives: none needed from a constant, a reason where one is undefined -------------


def _edges_into(graph: dict, op: str) -> list[dict]:
    target = {n["id"] for n in graph["nodes"] if n["op"] == op}
    return sorted((e for e in graph["edges"] if e["target"] in target), key=lambda e: e["arg"])


def test_a_constant_exponent_needs_no_derivative_and_is_not_nan() -> None:
    # Every squared-error loss drew the edge from the literal 2 as a red NaN (2·ln(x − 1), x − 1 < 0).
    program = service.build("x = 0.5; y = (x - 1)^2")
    graph = service.graph_for(program)
    base, exponent = _edges_into(graph, "pow")
    assert base["local"] == pytest.approx(-1.0) and base["local_needed"] is True
    assert base["local_reason"] is None
    assert exponent["local"] is None and exponent["local_needed"] is False
    assert exponent["local_reason"] == "no gradient flows to a constant: its derivative is not needed"
    assert all(not e["local_needed"] for e in graph["edges"] if e["source"] in _constants(graph))


def _constants(graph: dict) -> set[str]:
    return {n["id"] for n in graph["nodes"] if n["kind"] == "const"}


def test_a_variable_exponent_on_a_negative_base_says_why_its_derivative_is_undefined() -> None:
    program = service.build("x = -0.5; b = 2; y = x^b")
    base, exponent = _edges_into(service.graph_for(program), "pow")
    assert base["local"] == pytest.approx(-1.0) and base["local_reason"] is None
    assert exponent["local"] is None and exponent["local_needed"] is True
    assert "negative base" in exponent["local_reason"] and "ln a" in exponent["local_reason"]
    assert "-0.5" in exponent["local_reason"]


def test_an_infinite_local_derivative_names_its_rule() -> None:
    program = service.build("x = 0; y = sqrt(x)")
    (edge,) = _edges_into(service.graph_for(program), "sqrt")
    assert edge["local"] is None and "sqrt" in edge["local_reason"]


# --- non-finite numbers keep their kind ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        (None, None),
        (1.5, None),
        (INF, "inf"),
        (-INF, "-inf"),
        (NAN, "nan"),
        (np.float64(-np.inf), "-inf"),
        (np.array(NAN), "nan"),
        (np.array([1.0, 2.0]), None),
        (np.array([1.0, INF, -INF, NAN]), [None, "inf", "-inf", "nan"]),
        (np.array([[NAN, 1.0], [2.0, -INF]]), [["nan", None], [None, "-inf"]]),
        ((1.0, -INF), [None, "-inf"]),
    ],
)
def test_to_json_kind(value: object, kind: object) -> None:
    assert to_json_kind(value) == kind
    json.dumps(kind, allow_nan=False)


@pytest.mark.parametrize(
    ("source", "value_kind", "grad_kind"),
    [
        ("x = 0; y = log(x)", "-inf", None),  # shown as NaN before: it is −∞
        ("x = 0; y = 1/x", "inf", None),
        ("x = -1; y = sqrt(x)", "nan", None),
        ("x = -800; y = -exp(-x)", "-inf", None),
    ],
)
def test_nonfinite_values_travel_with_their_kind(source: str, value_kind: str, grad_kind: str | None) -> None:
    graph = service.graph_for(service.build(source))
    (out,) = [n for n in graph["nodes"] if n["id"] == graph["output"]]
    assert out["value"] is None and out["nonfinite"] is True
    assert out["value_kind"] == value_kind and out["grad_kind"] == grad_kind
    (x,) = [n for n in graph["nodes"] if n["name"] == "x"]
    assert x["value_kind"] is None and x["grad_nonfinite"] is True
    assert x["grad_kind"] in ("inf", "-inf", "nan")
    json.dumps(graph, allow_nan=False)


def test_kinds_of_gradients_tangents_and_edges() -> None:
    # d log(x)/dx = 1/x = +∞ at 0; reaching x through −log it is −∞.
    graph = service.graph_for(service.build("x = 0; y = -log(x)"), forward="x")
    (x,) = [n for n in graph["nodes"] if n["name"] == "x"]
    assert x["grad"] is None and x["grad_kind"] == "-inf"
    (out,) = [n for n in graph["nodes"] if n["id"] == graph["output"]]
    assert out["value_kind"] == "inf" and out["tangent_kind"] == "-inf"
    (edge,) = _edges_into(graph, "log")
    assert edge["local"] is None and edge["local_kind"] == "inf"
    finite = [n for n in graph["nodes"] if n["value"] is not None]
    assert all(n["value_kind"] is None for n in finite)


def test_array_kinds_are_per_entry() -> None:
    graph = service.graph_for(service.build("x = [0, 1, -1]; y = sum(log(x))"))
    (logs,) = [n for n in graph["nodes"] if n["op"] == "log"]
    assert logs["value"][1] == 0.0 and logs["value"][0] is None
    assert logs["value_kind"] == ["-inf", None, "nan"]


def test_to_dot_names_the_kind_of_a_nonfinite_number() -> None:
    dot = to_dot(service.graph_for(service.build("x = 0; y = -log(x)")))
    assert "value -inf" in dot and "value inf" in dot and "grad -inf" in dot


# --- structure and numbers ------------------------------------------------------------------------



def structural(graph: dict) -> object:
    """Everything of a graph dict but its numbers, by hand (what the digest must stand for)."""
    return (
        graph["view"],
        [{k: v for k, v in n.items() if k not in (*NODE_NUMBERS, "pre")} for n in graph["nodes"]],
        [{k: v for k, v in e.items() if k not in EDGE_NUMBERS} for e in graph["edges"]],
        graph["groups"],
        graph["output"],
        graph["stats"],
    )


@pytest.mark.parametrize("view", ["operations", "values"])
def test_every_field_is_a_number_or_structure(view: str) -> None:
    program = service.build("x = [1, 2]; w = 0.5\nh = sigmoid(w*x)\ny = sum(h)", expand=True)
    graph = service.graph_for(program, view=view, forward="w")
    assert set(graph) == {"view", "nodes", "edges", "groups", "output", "stats"}
    numbers = {*NODE_NUMBERS, "pre"} if view == "values" else set(NODE_NUMBERS)
    for node in graph["nodes"]:
        assert set(node) == numbers | (set(NODE_STRUCTURE) & set(node))
        assert set(node) & numbers == numbers
    for edge in graph["edges"]:
        assert set(edge) == set(EDGE_NUMBERS) | (set(EDGE_STRUCTURE) & set(edge))


def _graph(source: str, values: dict, view: str, expand: bool) -> dict | None:
    try:
        return service.graph_for(service.build(source, values, expand=expand), view=view)
    except LanguageError:
        return None


VALUES = st.dictionaries(
    st.sampled_from(["a", "b", "c"]),
    st.one_of(st.floats(-3.0, 3.0), st.sampled_from([0.0, -1.0, 1e3, 710.0, 1e200])),
)


@settings(derandomize=True, max_examples=200, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(
    first=programs(), second=programs(), how=st.sampled_from(["same", "spaced", "other"]),
    values=st.tuples(VALUES, VALUES), view=st.sampled_from(["operations", "values"]),
    expand=st.tuples(st.booleans(), st.booleans()),
)
def test_the_structure_digest_is_equal_exactly_when_the_structure_is(
    first: str, second: str, how: str, values: tuple[dict, dict], view: str, expand: tuple[bool, bool]
) -> None:
    # The same program with other values, written with other spaces, or another program.
    other = {"same": first, "spaced": first.replace(" = ", "=").replace("+", " + "), "other": second}[how]
    a = _graph(first, values[0], view, expand[0])
    b = _graph(other, values[1], view, expand[1])
    assume(a is not None and b is not None)
    assert a is not None and b is not None
    digest_a, digest_b = structure_digest(a), structure_digest(b)
    assert len(digest_a) == 16 and int(digest_a, 16) >= 0
    assert (digest_a == digest_b) == (structural(a) == structural(b))
    if how == "same" and expand[0] == expand[1]:
        assert digest_a == digest_b  # only values changed: never the structure


def test_numbers_of_a_graph_are_its_columns() -> None:
    graph = service.graph_for(service.build("x = 0; y = log(x) * x"), forward="x")
    numbers = numbers_of(graph)
    assert numbers["output"] == graph["output"]
    assert list(numbers["nodes"]) == list(NODE_NUMBERS)
    for k, node in enumerate(graph["nodes"]):
        assert {f: numbers["nodes"][f][k] for f in NODE_NUMBERS} == {f: node[f] for f in NODE_NUMBERS}
    for k, edge in enumerate(graph["edges"]):
        assert {f: numbers["edges"][f][k] for f in EDGE_NUMBERS} == {f: edge[f] for f in EDGE_NUMBERS}
    assert numbers["nodes"]["value_kind"][-1] == "nan"  # log(0)*0
