"""POST /api/lab: the classic backprop mistakes beside the correct sweep, keyed like /api/graph,
on numbers and on arrays."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from pathgrad.lab import VARIANTS


def post_lab(client: TestClient, source: str, **body: Any) -> dict[str, Any]:
    response = client.post("/api/lab", json={"source": source, **body})
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def test_every_variant_answers_by_its_name(client: TestClient) -> None:
    result = post_lab(client, "a = 1; b = a*2; c = b*3; d = b + c")
    assert tuple(result["variants"]) == VARIANTS
    grads = {name: v["gradients"] for name, v in result["variants"].items()}
    assert grads["correct"] == {"a": 8.0}
    assert grads["recursive-no-topo"] == {"a": 10.0}
    assert grads["no-zero-grad"] == {"a": 16.0}
    assert result["variants"]["recursive-no-topo"]["differs_leaves"] == ["a"]


def test_x_times_x_and_the_node_ids_of_the_graph(client: TestClient) -> None:
    source = "x = 3; y = x*x"
    result = post_lab(client, source, variants=["parents-by-node"])
    graph = client.post("/api/graph", json={"source": source}).json()
    ids = {n["name"]: n["id"] for n in graph["nodes"] if n["name"]}
    assert result["output"] == ids["y"] == graph["output"]
    assert list(result["variants"]) == ["correct", "parents-by-node"]  # correct always runs
    wrong = result["variants"]["parents-by-node"]
    assert wrong["gradients"] == {"x": 3.0}
    assert wrong["adjoints"][ids["x"]] == 3.0
    assert result["variants"]["correct"]["adjoints"][ids["x"]] == 6.0
    assert wrong["differs"] == [ids["x"]]


def test_the_ladders_walk_is_counted_not_run(client: TestClient) -> None:
    lines = ["x0 = 1"] + [f"a{i} = x{i}*2; b{i} = x{i}*3; x{i + 1} = a{i} + b{i}" for i in range(20)]
    walk = post_lab(client, "\n".join(lines), variants=["path-walk"])["variants"]["path-walk"]
    assert walk["visits"] == str(6 * 2**20 - 5)
    assert (walk["ran"], walk["gradients"], walk["adjoints"]) == (False, None, None)
    assert "not run" in walk["skipped"]


def test_a_preset_runs_in_the_lab(client: TestClient) -> None:
    result = post_lab(client, None, preset="neuron")  # type: ignore[arg-type]
    correct = result["variants"]["correct"]["gradients"]
    assert result["variants"]["no-zero-grad"]["gradients"] == {k: 2 * v for k, v in correct.items()}


def test_an_array_program_runs_in_the_lab_element_by_element(client: TestClient) -> None:
    source = "x = [1, 2, 3]; W = [[1, 0, 2], [0, 1, 1]]; h = W @ x; y = sum(h*h)"
    result = post_lab(client, source)
    graph = client.post("/api/graph", json={"source": source}).json()
    ids = {n["name"]: n["id"] for n in graph["nodes"] if n["name"]}
    correct = result["variants"]["correct"]
    assert correct["gradients"]["x"] == next(n["grad"] for n in graph["nodes"] if n["name"] == "x")
    assert correct["adjoints"][ids["W"]] == next(n["grad"] for n in graph["nodes"] if n["name"] == "W")
    halved = result["variants"]["parents-by-node"]  # h*h: one of h's two edges kept
    assert halved["gradients"]["x"] == [g / 2 for g in correct["gradients"]["x"]]
    assert set(halved["differs_leaves"]) == {"x", "W"}
    doubled = result["variants"]["no-zero-grad"]["gradients"]["W"]
    assert doubled == [[2 * g for g in row] for row in correct["gradients"]["W"]]
    walk = result["variants"]["path-walk"]
    assert walk["ran"] and walk["differs"] == []


def test_bad_input_is_a_clear_422(client: TestClient) -> None:
    cases = [
        ({"source": "x = 3; y = x*"}, None, ""),
        ({"source": "x = 3; y = x*x", "variants": ["backwards"]}, ["body", "variants", 0], "Input should be"),
        ({"source": "x = 3", "output": "nope"}, None, "nope"),
        ({}, ["body", "source"], "give the program's source"),
        ({"source": "x = 3; y = x*x", "extra": 1}, ["body", "extra"], ""),
    ]
    for body, loc, words in cases:
        response = client.post("/api/lab", json=body)
        assert response.status_code == 422, (body, response.text)
        detail = response.json()["detail"][0]
        if loc is not None:
            assert detail["loc"] == loc, (body, detail)
        assert words in detail["msg"], (body, detail)
