"""Numbers-only answers over HTTP: a client that holds a graph's `structure` gets only its numbers.

Through the app's test client: small programs are answered in the small-request thread, the chain
of 300 layers (1,202 nodes, more than program_cache_min_nodes) in a compute process, from its kept
program when only values change.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import TypeAdapter

from pathgrad.api.models import AnyGraph, Graph, GraphNumbers, ValuesGraph
from pathgrad.graph_json import EDGE_NUMBERS, NODE_NUMBERS

ANY_GRAPH: TypeAdapter[Any] = TypeAdapter(AnyGraph)

DIAMOND = "a = 2; b = 1; e = (a+b)*(b+1)"


def chain(layers: int) -> str:
    lines = ["x = 0.5", "w = 0.9", "h1 = sigmoid(w*x + 0.1)"]
    lines += [f"h{i} = sigmoid(w*h{i - 1} + 0.1)" for i in range(2, layers + 1)]
    return "\n".join(lines)


def post(client: TestClient, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post(path, json=body)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def graph_of(answer: dict[str, Any]) -> dict[str, Any]:
    graph: dict[str, Any] = answer.get("graph", answer)
    return graph


def assert_columns_are_the_full_answers(numbers: dict[str, Any], full: dict[str, Any]) -> None:
    # The documented models, field for field.
    assert isinstance(ANY_GRAPH.validate_python(full), Graph | ValuesGraph)
    assert isinstance(ANY_GRAPH.validate_python(numbers), GraphNumbers)
    assert set(numbers) == set(GraphNumbers.model_fields)
    assert (numbers["view"], numbers["output"], numbers["structure"]) == (
        full["view"], full["output"], full["structure"]
    )
    fields = (*NODE_NUMBERS, "pre") if full["view"] == "values" else NODE_NUMBERS
    assert sorted(numbers["nodes"]) == sorted(fields)
    for field in fields:
        assert numbers["nodes"][field] == [node[field] for node in full["nodes"]], field
    assert sorted(numbers["edges"]) == sorted(EDGE_NUMBERS)
    for field in EDGE_NUMBERS:
        assert numbers["edges"][field] == [edge[field] for edge in full["edges"]], field


CASES = [
    ("/api/graph", {"source": DIAMOND}, {"b": 3}),
    ("/api/graph", {"source": DIAMOND, "view": "values", "options": {"forward": "b"}}, {"b": -1}),
    ("/api/paths", {"source": DIAMOND, "input": "b"}, {"a": 0.25}),
    ("/api/paths", {"source": DIAMOND, "input": "b", "view": "values"}, {"b": 1e200}),  # ∞ products
    ("/api/graph", {"source": "x = [1, 2]; y = sum(log(x))", "options": {"expand": True}}, {"x": [0, -1]}),
    ("/api/paths", {"source": chain(300), "input": "w"}, {"w": 0.85}),
    ("/api/paths", {"source": chain(300), "input": "w", "view": "values"}, {"w": -3}),
    ("/api/graph", {"source": chain(300), "options": {"expand": True}}, {"x": 1e3}),
]


@pytest.mark.parametrize(("path", "body", "values"), CASES)
def test_a_leaf_change_with_the_structure_gets_the_numbers_of_the_full_answer(
    client: TestClient, path: str, body: dict[str, Any], values: dict[str, Any]
) -> None:
    first = graph_of(post(client, path, body))
    assert first["numbers_only"] is False
    assert len(first["structure"]) == 16
    changed = {**body, "values": values}
    full = post(client, path, changed)
    assert graph_of(full)["structure"] == first["structure"]  # new values, the same structure
    for _ in range(2):  # a fresh build, then (big programs) a kept one
        answer = post(client, path, {**changed, "structure": first["structure"]})
        assert_columns_are_the_full_answers(graph_of(answer), graph_of(full))
        assert graph_of(answer)["numbers_only"] is True
        if "graph" in full:  # the rest of a paths answer is the full one's
            assert {k: v for k, v in answer.items() if k != "graph"} == {
                k: v for k, v in full.items() if k != "graph"
            }


def test_another_structure_gets_the_full_graph(client: TestClient) -> None:
    first = post(client, "/api/graph", {"source": DIAMOND})
    unknown = post(client, "/api/graph", {"source": DIAMOND, "structure": "0000000000000000"})
    assert unknown == first
    for body in (
        {"source": DIAMOND, "view": "values"},
        {"source": DIAMOND, "output": "a"},
        {"source": DIAMOND + "; f = e*e"},
        {"source": "a = [2, 3]; b = 1; e = sum((a+b)*(b+1))"},
        {"source": "x = 1; y = sigmoid(x)", "options": {"expand": True}},
    ):
        answer = post(client, "/api/graph", {**body, "structure": first["structure"]})
        assert answer["numbers_only"] is False, body
        assert answer["structure"] != first["structure"]
        assert "stats" in answer and "label" in answer["nodes"][0]


def test_the_same_graph_from_another_text_has_the_same_structure(client: TestClient) -> None:
    """The structure is the graph's, not the text's: expand on a program without sigmoid or tanh,
    other spaces, a comment."""
    first = post(client, "/api/graph", {"source": DIAMOND})
    for body in (
        {"source": DIAMOND, "options": {"expand": True}},
        {"source": "a=2;b=1;e=(a+b)*(b+1)  # the diamond", "values": {"a": 7}},
    ):
        answer = post(client, "/api/graph", {**body, "structure": first["structure"]})
        assert answer["numbers_only"] is True, body


def test_a_leaf_that_changes_shape_changes_the_structure(client: TestClient) -> None:
    source = "x = [1, 2]; y = sum(x*x)"
    first = post(client, "/api/graph", {"source": source})
    answer = post(client, "/api/graph", {"source": source, "values": {"x": [1, 2, 3]},
                                         "structure": first["structure"]})
    assert answer["numbers_only"] is False and answer["structure"] != first["structure"]
    assert answer["nodes"][0]["shape"] == [3]


@pytest.mark.parametrize("structure", [5, ["a"], {"s": 1}, True, "x" * 65])
def test_a_bad_structure_is_a_422_that_says_where(client: TestClient, structure: Any) -> None:
    for path, extra in (("/api/graph", {}), ("/api/paths", {"input": "b"})):
        response = client.post(path, json={"source": DIAMOND, "structure": structure, **extra})
        assert response.status_code == 422, response.text
        assert response.json()["detail"][0]["loc"] == ["body", "structure"]


def test_bad_values_with_a_structure_get_the_usual_422(client: TestClient) -> None:
    first = post(client, "/api/paths", {"source": chain(300), "input": "w"})
    for values, message in (({"nope": 1}, "unknown name"), ({"h3": 1}, "computed by the program"),
                            ({"w": 1e301}, "too large")):
        response = client.post("/api/paths", json={"source": chain(300), "input": "w", "values": values,
                                                   "structure": first["graph"]["structure"]})
        assert response.status_code == 422, response.text
        assert message in response.json()["detail"][0]["msg"]
