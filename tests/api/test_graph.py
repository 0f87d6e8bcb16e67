"""POST /api/graph: nodes, edges, values, adjoints, tangents, groups and path counts."""

from __future__ import annotations

import math
from typing import Any

import pytest
from fastapi.testclient import TestClient

NODE_KEYS = {
    "id", "op", "label", "name", "kind", "value", "grad", "tangent", "shape", "group",
    "nonfinite", "reason", "grad_nonfinite", "value_kind", "grad_kind", "tangent_kind",
}
EDGE_KEYS = {"id", "source", "target", "arg", "local", "local_kind", "local_needed", "local_reason"}


def graph(client: TestClient, source: str, **body: Any) -> dict[str, Any]:
    response = client.post("/api/graph", json={"source": source, **body})
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def by_name(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {node["name"]: node for node in result["nodes"] if node["name"]}


def output_node(result: dict[str, Any]) -> dict[str, Any]:
    (node,) = [n for n in result["nodes"] if n["id"] == result["output"]]
    return node


def test_square_has_two_edges_from_the_same_parent(client: TestClient) -> None:
    result = graph(client, "x = 3; y = x*x")
    x, y = result["nodes"]
    assert (x["id"], x["op"], x["kind"], x["value"], x["grad"]) == ("n0", "leaf", "input", 3.0, 6.0)
    assert (y["op"], y["name"], y["value"], y["grad"]) == ("mul", "y", 9.0, 1.0)
    assert result["edges"] == [
        {"id": "e0", "source": "n0", "target": "n1", "arg": 0, "local": 3.0, "local_kind": None,
         "local_needed": True, "local_reason": None},
        {"id": "e1", "source": "n0", "target": "n1", "arg": 1, "local": 3.0, "local_kind": None,
         "local_needed": True, "local_reason": None},
    ]
    assert result["output"] == "n1"
    assert result["stats"] == {"nodes": 2, "edges": 2, "path_counts": {"n0": "2"}}


def test_every_node_and_edge_has_the_documented_fields(client: TestClient) -> None:
    result = graph(client, "x = 1; w = 0.5; b = 0\ny = sigmoid(w*x + b)")
    assert set(result) == {"view", "nodes", "edges", "groups", "output", "stats", "numbers_only", "structure"}
    assert result["view"] == "operations"
    for node in result["nodes"]:
        assert set(node) == NODE_KEYS
    for edge in result["edges"]:
        assert set(edge) == EDGE_KEYS
    kinds = {n["name"]: n["kind"] for n in result["nodes"] if n["op"] == "leaf"}
    assert kinds == {"x": "input", "w": "param", "b": "param"}
    consts = [n for n in result["nodes"] if n["kind"] == "const"]
    assert all(n["op"] == "const" and n["grad"] is None for n in consts)


def test_ids_are_topological_and_edges_point_parent_to_child(client: TestClient) -> None:
    result = graph(client, "a = 2; b = 1; c = a*b; d = c + a; e = d*c + b")
    ids = [node["id"] for node in result["nodes"]]
    assert ids == [f"n{k}" for k in range(len(ids))]
    assert [edge["id"] for edge in result["edges"]] == [f"e{k}" for k in range(len(result["edges"]))]
    position = {node_id: k for k, node_id in enumerate(ids)}
    for edge in result["edges"]:
        assert position[edge["source"]] < position[edge["target"]]
    assert result["stats"]["nodes"] == len(result["nodes"])
    assert result["stats"]["edges"] == len(result["edges"])


def test_labels_are_names_numbers_and_symbols(client: TestClient) -> None:
    result = graph(client, "x = 2; y = 3*x + 1.5")
    labels = {n["id"]: n["label"] for n in result["nodes"]}
    assert sorted(labels.values()) == sorted(["x", "3", "×", "1.5", "+"])


def test_gradients_are_adjoints_of_the_output(client: TestClient) -> None:
    result = graph(client, "a = 2; b = 1; e = (a+b)*(b+1)")
    nodes = by_name(result)
    assert nodes["a"]["grad"] == 2.0  # d/da = b + 1
    assert nodes["b"]["grad"] == 5.0  # (b+1) + (a+b)
    assert nodes["e"]["value"] == 6.0
    counts = result["stats"]["path_counts"]
    assert counts == {nodes["a"]["id"]: "1", nodes["b"]["id"]: "2"}
    assert all(isinstance(count, str) for count in counts.values())


def test_values_override_the_programs_literals(client: TestClient) -> None:
    result = graph(client, "x = 3; w = 1; y = w*x*x", values={"x": 5, "w": -2.5})
    nodes = by_name(result)
    assert nodes["x"]["value"] == 5.0
    assert nodes["w"]["value"] == -2.5
    assert nodes["y"]["value"] == -62.5
    assert nodes["x"]["grad"] == -25.0  # 2*w*x


def test_array_values_override_array_literals(client: TestClient) -> None:
    result = graph(client, "x = [1, 2]; y = sum(x*x)", values={"x": [[1, 2, 3], [4, 5, 6]]})
    x = by_name(result)["x"]
    assert x["shape"] == [2, 3]
    assert x["grad"] == [[2.0, 4.0, 6.0], [8.0, 10.0, 12.0]]
    assert output_node(result)["value"] == 91.0


@pytest.mark.parametrize(
    ("body", "loc", "named"),
    [
        ({"source": "x = 1; y = 2*x", "values": {"z": 1}}, ["body", "values", "z"], "'z'"),
        ({"source": "x = 1; y = 2*x", "values": {"y": 1}}, ["body", "values", "y"], "'y'"),
        ({"source": "x = 1; y = 2*q"}, ["body", "source"], "'q'"),
        ({"source": "x = 1; y = 2*x", "output": "nope"}, ["body", "output"], "'nope'"),
        ({"source": "x = 1; y = 2*x", "options": {"forward": "t"}}, ["body", "options", "forward"], "'t'"),
        ({"source": "x = 1; y = 2*x", "values": {"a.b": 1}}, ["body", "values", "a.b"], "'a.b'"),
    ],
)
def test_unknown_names_are_422s_that_name_them(
    client: TestClient, body: dict[str, Any], loc: list[str], named: str
) -> None:
    response = client.post("/api/graph", json=body)
    assert response.status_code == 422
    (detail,) = response.json()["detail"]
    assert detail["loc"] == loc
    assert named in detail["msg"]


def test_output_selects_another_statement(client: TestClient) -> None:
    source = "x = 2; y = x*x; z = y + 1"
    result = graph(client, source, output="y")
    out = output_node(result)
    assert (out["name"], out["value"]) == ("y", 4.0)
    assert "z" not in by_name(result)
    assert by_name(result)["x"]["grad"] == 4.0
    leaf = graph(client, source, output="x")
    assert leaf["stats"] == {"nodes": 1, "edges": 0, "path_counts": {"n0": "1"}}


def test_forward_mode_tangents(client: TestClient) -> None:
    result = graph(client, "x = 2; w = 3; y = w*x*x", options={"forward": "x"})
    nodes = by_name(result)
    assert nodes["x"]["tangent"] == 1.0
    assert nodes["w"]["tangent"] is None  # w does not depend on x: no tangent, as constants have no grad
    assert nodes["y"]["tangent"] == nodes["x"]["grad"] == 12.0
    without = graph(client, "x = 2; w = 3; y = w*x*x")
    assert all(node["tangent"] is None for node in without["nodes"])


def test_expand_records_sigmoid_as_a_group(client: TestClient) -> None:
    source = "x = 0.5; y = sigmoid(3*x)"
    plain = graph(client, source)
    expanded = graph(client, source, options={"expand": True})
    assert plain["groups"] == []
    (group,) = expanded["groups"]
    assert group["id"] == "g0"
    assert group["op"] == "sigmoid"
    assert group["output"] == group["nodes"][-1] == expanded["output"]
    members = [n["id"] for n in expanded["nodes"] if n["group"] == "g0"]
    assert members == group["nodes"]
    assert len(members) > 1
    assert by_name(expanded)["x"]["grad"] == pytest.approx(by_name(plain)["x"]["grad"], rel=1e-12)
    assert output_node(expanded)["value"] == pytest.approx(output_node(plain)["value"], rel=1e-12)


def test_small_jacobians_travel_as_nested_lists(make_client: Any) -> None:
    source = "x = [1, 2]; W = [[1, 2], [3, 4]]; y = sum(W @ x)"
    result = graph(make_client(), source)
    nodes = {n["id"]: n for n in result["nodes"]}
    x_id = by_name(result)["x"]["id"]
    (edge,) = [e for e in result["edges"] if e["source"] == x_id]
    assert nodes[edge["target"]]["op"] == "matmul"
    assert edge["local"] == [[1.0, 2.0], [3.0, 4.0]]  # d(Wx)/dx = W
    assert edge["local_reason"] is None
    limited = graph(make_client(max_jacobian_entries=3), source)
    (edge,) = [e for e in limited["edges"] if e["source"] == x_id]
    assert edge["local"] is None
    assert "4" in edge["local_reason"] and "3" in edge["local_reason"]


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("x = 1000; y = exp(x)", "exp"),
        ("x = 0; y = 1/x", "div"),
        ("x = 0; y = log(x)", "log"),
    ],
)
def test_nonfinite_values_depending_on_a_leaf_are_null_and_flagged(
    client: TestClient, source: str, reason: str
) -> None:
    result = graph(client, source)
    y = output_node(result)
    assert y["value"] is None
    assert y["nonfinite"] is True
    assert reason in y["reason"]
    x = by_name(result)["x"]
    assert x["nonfinite"] is False and x["reason"] is None
    assert x["grad"] is None and x["grad_nonfinite"] is True
    (edge,) = [e for e in result["edges"] if e["source"] == x["id"]]
    assert edge["local"] is None and edge["local_reason"]


def test_nonfinite_entries_of_arrays_are_null(client: TestClient) -> None:
    result = graph(client, "x = [0, 1, 2]; y = log(x); z = sum(y)")
    y = by_name(result)["y"]
    assert y["value"] == [None, 0.0, math.log(2.0)]
    assert y["nonfinite"] is True and "log" in y["reason"]


@pytest.mark.parametrize("source", ["9^9^9", "1/0", "x = 1; y = x + exp(1000)"])
def test_nonfinite_constant_expressions_are_program_errors(client: TestClient, source: str) -> None:
    response = client.post("/api/graph", json={"source": source})
    assert response.status_code == 422
    (detail,) = response.json()["detail"]
    assert detail["loc"] == ["body", "source"]
    assert "not finite" in detail["msg"]


def test_answers_are_deterministic(client: TestClient) -> None:
    source = "x = 1; w = 2; b = 0.5; h = tanh(w*x + b); y = h*h + sigmoid(h)"
    first = client.post("/api/graph", json={"source": source}).content
    assert all(client.post("/api/graph", json={"source": source}).content == first for _ in range(3))


def test_jacobians_have_a_total_budget(make_client: Any) -> None:
    # Four 2x2 Jacobians (x*x has two edges, each tanh one) and sum's 2: a budget of 8 keeps two.
    source = "x = [1, 2]; y = tanh(x*x); z = sum(tanh(y))"
    full = graph(make_client(), source)
    limited = graph(make_client(max_jacobian_total=8), source)
    tensor_edges = [k for k, e in enumerate(full["edges"]) if isinstance(e["local"], list)]
    assert len(tensor_edges) == 5
    kept = [k for k in tensor_edges if limited["edges"][k]["local"] is not None]
    assert kept == tensor_edges[:2]
    for k in tensor_edges[2:]:
        assert "max_jacobian_total" in limited["edges"][k]["local_reason"]
    scalar_edges = [k for k in range(len(full["edges"])) if k not in tensor_edges]
    assert all(limited["edges"][k] == full["edges"][k] for k in scalar_edges)


def test_many_vector_statements_answer_in_bounded_size(client: TestClient) -> None:
    vector = "[" + ", ".join(["1"] * 64) + "]"
    source = f"x = {vector}\n" + "\n".join(f"y{i} = x*x" for i in range(300))
    source += "\nz = sum(" + " + ".join(f"y{i}" for i in range(300)) + ")"
    response = client.post("/api/graph", json={"source": source})
    assert response.status_code == 200
    assert len(response.content) < 10_000_000


@pytest.mark.parametrize("view", ["operations", "values"])
def test_an_array_divided_by_a_number_zero_has_infinite_gradients_not_a_500(
    client: TestClient, view: str
) -> None:
    # d(a/b)/da = 1/b with b the number 0: numpy's ∞ (the forward pass's 0/0 is NaN), never Python's
    # ZeroDivisionError, in reverse mode, forward mode and the edges' Jacobians.
    result = graph(client, "a = [0, 0, 0]; b = 0; out = sum(a / b)", view=view, options={"forward": "b"})
    a = by_name(result)["a"]
    assert a["grad"] == [None, None, None] and a["grad_kind"] == ["inf", "inf", "inf"]
    assert by_name(result)["out"]["value_kind"] == "nan"


def test_a_big_answer_goes_gzipped_to_a_client_that_takes_gzip(client: TestClient) -> None:
    """The same JSON, 10 times smaller on the wire; plain for a client that does not say gzip."""
    source = "x = 0.5; w = 0.9\nh1 = sigmoid(w*x + 0.1)\n" + "\n".join(
        f"h{i} = sigmoid(w*h{i - 1} + 0.1)" for i in range(2, 201)
    )
    body = {"source": source, "input": "w", "limit": 10}
    plain = client.post("/api/paths", json=body, headers={"Accept-Encoding": "identity"})
    assert plain.status_code == 200 and "content-encoding" not in plain.headers
    assert plain.headers["vary"] == "Accept-Encoding"
    assert int(plain.headers["content-length"]) > 32_768
    for taken in ("gzip", "gzip, deflate, br, zstd", "br;q=1.0, gzip;q=0.8"):
        packed = client.post("/api/paths", json=body, headers={"Accept-Encoding": taken})
        assert packed.headers["content-encoding"] == "gzip", taken
        assert int(packed.headers["content-length"]) * 8 < int(plain.headers["content-length"])
        assert packed.json() == plain.json()  # httpx undoes the gzip
    refused = client.post("/api/paths", json=body, headers={"Accept-Encoding": "gzip;q=0, identity"})
    assert "content-encoding" not in refused.headers
    # A small answer is never packed (it would gain nothing).
    small = client.post("/api/graph", json={"source": "x = 3; y = x*x"}, headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in small.headers and "vary" not in small.headers
