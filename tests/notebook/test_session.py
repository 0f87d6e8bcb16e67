"""The kernel's answers are the API's: the same JSON for a program text, and for a graph built in
Python the same numbers as the program that writes it."""

from __future__ import annotations

import json
import math
import urllib.request
from typing import Any

import pytest

from pathgrad import Var, grad, sigmoid, tanh
from pathgrad.notebook.session import Session, ops

DIAMOND = "a = 2; b = 1; e = (a+b)*(b+1)"


def post(base: str, path: str, body: dict[str, Any]) -> tuple[int, Any]:
    request = urllib.request.Request(
        f"{base}{path}", data=json.dumps(body).encode(), headers={"content-type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.mark.parametrize(
    ("kind", "body"),
    [
        ("graph", {"source": DIAMOND}),
        ("paths", {"source": DIAMOND, "input": "b", "values": {"a": 3.5}}),
        ("paths", {"source": "x = 0.5; h = tanh(3*x); y = h*h + sigmoid(h)", "input": "x", "view": "values"}),
        ("paths", {"source": DIAMOND, "input": "nope"}),
        ("graph", {"source": "a = 2; b = a +"}),
        ("graph", {"source": DIAMOND, "values": {"a": "two"}}),
        ("paths", {"source": DIAMOND, "input": "b", "limit": 10**6}),
    ],
)
def test_a_program_text_is_answered_as_the_api_answers(
    live_server: str, kind: str, body: dict[str, Any]
) -> None:
    assert Session(source=body["source"]).answer(kind, body) == post(live_server, f"/api/{kind}", body)


def test_the_ops_are_the_apis(live_server: str) -> None:
    with urllib.request.urlopen(f"{live_server}/api/ops", timeout=30) as answer:
        assert ops() == json.loads(answer.read())


def diamond() -> tuple[Any, Any, Any]:
    a, b = Var(2.0, name="a"), Var(1.0, name="b")
    e = (a + b) * (b + 1)
    e.name = "e"
    return a, b, e


def strip(graph: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [(n["op"], n["name"], n["value"], n["grad"]) for n in graph["nodes"]]


def test_a_python_graph_answers_as_the_program_that_writes_it() -> None:
    _, _, e = diamond()
    python = Session(output=e)
    text = Session(source=DIAMOND)
    from_text = text.answer("graph", {"source": DIAMOND})[1]
    assert strip(python.answer("graph", {"source": ""})[1]) == strip(from_text)
    status, paths = python.answer("paths", {"source": "", "input": "b", "values": {"a": 3}})
    assert status == 200
    assert paths["gradient"] == 6.0 and paths["count"] == "2"
    assert paths["forward_mode"] == 6.0 and paths["finite_difference_verdict"] == "agrees"


def test_values_from_the_widget_go_to_the_python_graphs_leaves_and_back() -> None:
    a, b, e = diamond()
    session = Session(output=e)
    session.answer("graph", {"source": "", "values": {"a": 5, "b": 2}})
    assert (a.value, b.value, e.value) == (5.0, 2.0, 21.0)
    assert grad(e, [b]) == [10.0]
    session.answer("graph", {"source": "", "values": {"a": 5}})  # b left out: back to its first value
    assert (b.value, e.value) == (1.0, 12.0)


def test_an_unnamed_leaf_is_named_by_its_id() -> None:
    x = Var(0.5)
    y = tanh(3.0 * x)
    session = Session(output=y)
    status, graph = session.answer("graph", {"source": ""})
    (leaf,) = [n for n in graph["nodes"] if n["kind"] == "input"]
    status, paths = session.answer("paths", {"source": "", "input": leaf["id"], "values": {leaf["id"]: 0.0}})
    assert status == 200 and paths["gradient"] == 3.0


@pytest.mark.parametrize(
    ("body", "loc", "message"),
    [
        ({"source": "", "values": {"zz": 1}}, ["body", "values"], "no leaf named 'zz'"),
        ({"source": "", "values": {"w": [1, 2]}}, ["body", "values", "w"], "w is a number"),
        ({"source": "", "view": "values"}, ["body", "view"], "has no statements"),
        ({"source": "", "output": "q"}, ["body", "output"], "no node named 'q'"),
        ({"source": "", "values": {"w": 1e400}}, ["body", "values", "w", "float"], "finite"),
        ({"source": 3}, ["body", "source"], "valid string"),
    ],
)
def test_a_bad_request_for_a_python_graph_is_a_422_that_says_where(
    body: dict[str, Any], loc: list[str], message: str
) -> None:
    w = Var(0.5, name="w")
    status, answer = Session(output=sigmoid(w)).answer("graph", body)
    assert status == 422
    assert any(d["loc"] == loc and message in d["msg"] for d in answer["detail"]), answer


def test_an_unknown_request_and_a_session_of_nothing() -> None:
    assert Session(source=DIAMOND).answer("train", {})[0] == 404
    with pytest.raises(TypeError, match="not both"):
        Session()
    graph = Session(source=DIAMOND).answer("graph", {"source": DIAMOND})[1]
    assert math.isfinite(graph["nodes"][-1]["value"])
