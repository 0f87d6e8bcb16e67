"""The values view over HTTP: `"view": "values"` on POST /api/graph and POST /api/paths."""

from __future__ import annotations

import math
from typing import Any

import pytest
from fastapi.testclient import TestClient

from pathgrad.presets import PRESETS

DIAMOND = "a = 2; b = 1; e = (a+b)*(b+1)"
NODE_KEYS = {
    "id", "op", "label", "name", "kind", "value", "grad", "tangent", "shape", "group",
    "nonfinite", "reason", "grad_nonfinite", "expr", "line", "node", "members", "pre",
    "value_kind", "grad_kind", "tangent_kind",
}
EDGE_KEYS = {
    "id", "source", "target", "arg", "local", "local_kind", "local_needed", "local_reason", "occurrences",
}


def post(client: TestClient, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post(path, json=body)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def test_the_values_graph_has_the_documented_shape(client: TestClient) -> None:
    body = {"source": "x = 1; w = 0.5; b = 0\ny = sigmoid(w*x + b)\nC = (y - 1)^2"}
    values = post(client, "/api/graph", {**body, "view": "values"})
    ops = post(client, "/api/graph", body)
    assert (values["view"], ops["view"]) == ("values", "operations")
    assert set(values) == {"view", "nodes", "edges", "groups", "output", "stats", "numbers_only", "structure"}
    assert values["groups"] == []
    assert [n["id"] for n in values["nodes"]] == ["v0", "v1", "v2", "v3", "v4"]
    assert [e["id"] for e in values["edges"]] == [f"u{k}" for k in range(len(values["edges"]))]
    for node in values["nodes"]:
        assert set(node) == NODE_KEYS
        assert node["group"] is None
    for edge in values["edges"]:
        assert set(edge) == EDGE_KEYS
    y = values["nodes"][3]
    shown = (y["name"], y["op"], y["kind"], y["expr"], y["line"])
    assert shown == ("y", "sigmoid", "op", "sigmoid(w*x + b)", 2)
    # `node` and `members` are ids of the operations graph of the same request.
    op_nodes = {n["id"]: n for n in ops["nodes"]}
    assert op_nodes[y["node"]]["name"] == "y" and y["node"] in y["members"]
    assert {op_nodes[m]["op"] for m in y["members"]} == {"mul", "add", "sigmoid"}
    assert [(e["source"], e["target"], e["arg"]) for e in values["edges"]][:3] == [
        ("v1", "v3", 0), ("v0", "v3", 1), ("v2", "v3", 2),  # w, x, b in order of appearance
    ]
    assert values["output"] == "v4"
    assert values["stats"] == {"nodes": 5, "edges": 4, "path_counts": {"v0": "1", "v1": "1", "v2": "1"}}
    by_name = {n["name"]: n for n in values["nodes"]}
    op_by_name = {n["name"]: n for n in ops["nodes"] if n["name"]}
    for name in ("x", "w", "b", "y", "C"):
        assert by_name[name]["grad"] == pytest.approx(op_by_name[name]["grad"], rel=1e-12)


def test_values_paths_go_through_value_nodes(client: TestClient) -> None:
    result = post(client, "/api/paths", {"source": DIAMOND, "input": "b", "view": "values"})
    assert result["view"] == "values" and result["graph"]["view"] == "values"
    assert (result["input"], result["output"], result["count"]) == ("v1", "v2", "1")
    assert result["paths"] == [{
        "nodes": ["v1", "v2"], "edges": ["u1"], "factors": [5.0], "factor_kinds": None, "product": 5.0,
        "product_kind": None, "product_reason": None,
    }]
    assert result["listed_sum"] == result["gradient"] == 5.0
    assert result["finite_difference"] == pytest.approx(5.0, rel=1e-6)
    ops = post(client, "/api/paths", {"source": DIAMOND, "input": "b"})
    assert (ops["view"], ops["count"], ops["gradient"]) == ("operations", "2", 5.0)


def test_values_paths_follow_the_values_edges(client: TestClient) -> None:
    source = "x = 0.5; w = -2; h = tanh(w*x); g = h*x; y = g + sigmoid(h) - x*g"
    result = post(client, "/api/paths", {"source": source, "input": "x", "view": "values"})
    edges = {e["id"]: e for e in result["graph"]["edges"]}
    assert int(result["count"]) == len(result["paths"]) == 4  # x→y, x→g→y, x→h→y, x→h→g→y
    for path in result["paths"]:
        assert (path["nodes"][0], path["nodes"][-1]) == (result["input"], result["output"])
        for k, edge_id in enumerate(path["edges"]):
            edge = edges[edge_id]
            assert (edge["source"], edge["target"]) == (path["nodes"][k], path["nodes"][k + 1])
            assert edge["local"] == path["factors"][k]
        assert path["product"] == pytest.approx(math.prod(path["factors"]), rel=1e-12)
    assert result["listed_sum"] == pytest.approx(result["gradient"], rel=1e-12)
    ops = post(client, "/api/paths", {"source": source, "input": "x"})
    assert result["gradient"] == pytest.approx(ops["gradient"], rel=1e-12)
    assert result["finite_difference"] == pytest.approx(ops["finite_difference"], rel=1e-9)


@pytest.mark.parametrize("name", [n for n in PRESETS if n != "xor-batched"])
def test_presets_in_the_values_view(client: TestClient, name: str) -> None:
    preset = PRESETS[name]
    wrt = preset.view_input or "w1"
    body = {"preset": name, "seed": 2, "input": wrt, "view": "values", "limit": 1000}
    result = post(client, "/api/paths", body)
    assert len(result["paths"]) == int(result["count"])
    magnitude = math.fsum(abs(p["product"]) for p in result["paths"])
    assert abs(result["listed_sum"] - result["gradient"]) <= 1e-300 + 1e-12 * magnitude
    ops = post(client, "/api/paths", {**body, "view": "operations", "limit": 0})
    assert result["gradient"] == pytest.approx(ops["gradient"], rel=1e-12, abs=1e-300)
    graph = post(client, "/api/graph", {"preset": name, "seed": 2, "view": "values"})
    assert graph["nodes"] == result["graph"]["nodes"]


def test_the_sigmoid_chain_preset_names(client: TestClient) -> None:
    graph = post(client, "/api/graph", {"preset": "sigmoid-chain", "view": "values"})
    expected = ["x", "Y", *(f"w{i}" for i in range(1, 11)), *(f"h{i}" for i in range(1, 12)), "y", "C"]
    assert [n["name"] for n in graph["nodes"]] == expected
    assert graph["stats"]["path_counts"]["v2"] == "2"  # w1 is used twice


def test_xor_batched_values_view_has_jacobians_and_no_path_listing(client: TestClient) -> None:
    graph = post(client, "/api/graph", {"preset": "xor-batched", "view": "values"})
    by_id = {n["id"]: n for n in graph["nodes"]}
    for edge in graph["edges"]:
        source, target = by_id[edge["source"]], by_id[edge["target"]]
        assert _shape(edge["local"]) == target["shape"] + source["shape"]
    response = client.post("/api/paths", json={"preset": "xor-batched", "input": "W1", "view": "values"})
    assert response.status_code == 422
    (detail,) = response.json()["detail"]
    assert detail["loc"] == ["body", "input"] and "numbers on every edge" in detail["msg"]


def _shape(value: Any) -> list[int]:
    shape = []
    while isinstance(value, list):
        shape.append(len(value))
        value = value[0]
    return shape


def test_forward_tangents_in_the_values_view(client: TestClient) -> None:
    body = {"source": "x = 2; w = 3; h = w*x; y = h*h", "options": {"forward": "x"}}
    values = post(client, "/api/graph", {**body, "view": "values"})
    assert [n["tangent"] for n in values["nodes"]] == [1.0, None, 3.0, 36.0]
    response = client.post("/api/graph", json={**body, "options": {"forward": "nope"}, "view": "values"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "options", "forward"]


@pytest.mark.parametrize("bad", ["value", "VALUES", "", 1, None])
def test_a_bad_view_is_a_422_naming_body_view(client: TestClient, bad: Any) -> None:
    for path, extra in (("/api/graph", {}), ("/api/paths", {"input": "a"})):
        response = client.post(path, json={"source": DIAMOND, "view": bad, **extra})
        assert response.status_code == 422
        (detail,) = response.json()["detail"]
        assert detail["loc"] == ["body", "view"]


def test_the_openapi_schema_documents_view(client: TestClient) -> None:
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    for request in ("GraphRequest", "PathsRequest"):
        view = schemas[request]["properties"]["view"]
        assert view["enum"] == ["operations", "values"] and view["default"] == "operations"
        assert "one node per statement" in view["description"]
    assert {"expr", "line", "node", "members", "pre"} <= set(schemas["ValueNodeModel"]["properties"])
    assert "occurrences" in schemas["ValueEdgeModel"]["properties"]
    assert schemas["PresetModel"]["properties"]["view"]["enum"] == ["operations", "values"]


def test_presets_say_which_view_to_open(client: TestClient) -> None:
    listed = {p["name"]: p["view"] for p in client.get("/api/presets").json()}
    assert listed == {name: "operations" if name == "neuron" else "values" for name in PRESETS}
    assert client.get("/api/presets/xor", params={"seed": 4}).json()["view"] == "values"


def test_an_alias_input_has_its_own_paths(client: TestClient) -> None:
    source = "x = 1; h = 2*x; y = h; z = y*h"
    result = post(client, "/api/paths", {"source": source, "input": "y", "view": "values"})
    assert (result["count"], result["gradient"]) == ("1", 2.0)
    assert result["finite_difference"] == pytest.approx(2.0, rel=1e-6)
    nodes = {n["name"]: n for n in result["graph"]["nodes"]}
    assert nodes["y"]["op"] == "alias" and nodes["y"]["node"] == nodes["h"]["node"]


@pytest.mark.parametrize(
    ("source", "gradient_kind"),
    [
        ("x = 1; y = x*1e300*1e8 + x*1e300*1e8", "inf"),  # math.fsum raised OverflowError
        ("x = 1000; y = exp(x) - exp(x)", "nan"),  # and ValueError on ∞ − ∞
    ],
)
def test_nonfinite_value_paths_are_values_with_kinds_and_both_witnesses(
    client: TestClient, source: str, gradient_kind: str
) -> None:
    result = post(client, "/api/paths", {"source": source, "input": "x", "view": "values"})
    assert result["gradient"] is None and result["gradient_kind"] == gradient_kind
    assert result["reasons"]["gradient"]
    assert result["finite_difference_verdict"] == "nonfinite"


def test_value_paths_carry_both_witnesses(client: TestClient) -> None:
    result = post(client, "/api/paths", {"source": DIAMOND, "input": "b", "view": "values"})
    assert result["gradient"] == result["forward_mode"] == 5.0
    assert result["finite_difference"] == pytest.approx(5.0, rel=1e-10)
    assert result["finite_difference_verdict"] == "agrees" and result["finite_difference_resolves"]
    assert 0.0 < result["finite_difference_error"] < 1e-8


def test_a_statement_of_constants_needs_no_derivative_in_the_values_view(client: TestClient) -> None:
    result = post(client, "/api/graph", {"source": "x = 0.5; c = 2*1; y = (x - 1)^c", "view": "values"})
    names = {n["id"]: n["name"] for n in result["nodes"]}
    (edge,) = [e for e in result["edges"] if names[e["source"]] == "c"]
    assert edge["local"] is None and edge["local_needed"] is False
    (edge,) = [e for e in result["edges"] if names[e["source"]] == "x"]
    assert edge["local_needed"] is True and edge["local"] == pytest.approx(-1.0)


@pytest.mark.parametrize("view", ["operations", "values"])
@pytest.mark.parametrize("limit", [0, 5])
def test_an_array_input_is_a_422_in_both_views(client: TestClient, view: str, limit: int) -> None:
    body = {"source": "x = [1, 2]; y = sum(x*x)", "input": "x", "view": view, "limit": limit}
    response = client.post("/api/paths", json=body)
    assert response.status_code == 422, response.text
    (detail,) = response.json()["detail"]
    assert detail["loc"] == ["body", "input"] and "is an array" in detail["msg"]
