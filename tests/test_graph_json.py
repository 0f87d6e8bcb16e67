"""graph_json: JSON-safe numbers, the graph dict, and Graphviz DOT."""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pytest

from pathgrad import Var, exp, sigmoid
from pathgrad.graph_json import format_number, graph_to_dict, to_dot, to_json_number

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
