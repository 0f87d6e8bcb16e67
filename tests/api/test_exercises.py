"""GET /api/exercises, POST /api/exercises/program and POST /api/exercises/check: exercises (generated
or of a given program) without answers, checked on the server."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient


def get_exercise(client: TestClient, level: int, seed: int) -> dict[str, Any]:
    response = client.get(f"/api/exercises?level={level}&seed={seed}")
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def check(client: TestClient, **body: Any) -> dict[str, Any]:
    response = client.post("/api/exercises/check", json=body)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


@pytest.mark.parametrize("level", [1, 2, 3, 4, 5])
def test_an_exercise_is_its_level_and_seed_and_draws_with_the_graphs_ids(
    client: TestClient, level: int
) -> None:
    exercise = get_exercise(client, level, 3)
    assert exercise == get_exercise(client, level, 3)
    assert (exercise["level"], exercise["seed"]) == (level, 3)
    graph = client.post("/api/graph", json={"source": exercise["source"], "view": exercise["view"]}).json()
    node_ids = {n["id"] for n in graph["nodes"]}
    edge_ids = {e["id"] for e in graph["edges"]}
    for question in exercise["questions"]:
        assert "answer" not in question and "expected" not in question
        for key in ("node", "source", "target", "output"):
            if key in question:
                assert question[key] in node_ids
        if "edge" in question:
            assert question["edge"] in edge_ids
        for edge in question.get("edges", []):
            assert edge in edge_ids


def test_the_answers_are_not_in_the_exercise_but_the_check_knows_them(client: TestClient) -> None:
    exercise = get_exercise(client, 2, 0)  # x = 0.5; u = x*x; v = u*x; y = v + u
    assert "1.75" not in str(exercise)
    gradient = next(q for q in exercise["questions"] if q["kind"] == "gradient")
    right = check(client, level=2, seed=0, question=gradient["id"], answer=1.75)
    assert (right["correct"], right["expected"], right["hint"]) == (True, 1.75, None)
    wrong = check(client, level=2, seed=0, question=gradient["id"], answer=0.25)
    assert (wrong["correct"], wrong["expected"], wrong["hint"]) == (False, None, "fan-out-not-added")
    shown = check(client, level=2, seed=0, question=gradient["id"], reveal=True)
    assert (shown["correct"], shown["expected"]) == (None, 1.75)
    count = next(q for q in exercise["questions"] if q["kind"] == "count")
    assert check(client, level=2, seed=0, question=count["id"], answer=5)["expected"] == "5"
    assert check(client, level=2, seed=0, question=count["id"], answer=3)["hint"] == "count-low"


def test_bad_queries_and_checks_are_clear_422s(client: TestClient) -> None:
    for query, field in [
        ("level=0&seed=1", "level"), ("level=6&seed=1", "level"), ("seed=1", "level"),
        ("level=1&seed=-1", "seed"), ("level=1&seed=%2B1", "seed"), ("level=one", "level"),
        ("level=1&seed=4294967296", "seed"),
    ]:
        response = client.get(f"/api/exercises?{query}")
        assert response.status_code == 422, (query, response.text)
        assert response.json()["detail"][0]["loc"] == ["query", field], query
    for body, field in [
        ({"level": 2, "seed": 0, "question": "q9", "answer": 1.0}, "question"),
        ({"level": 2, "seed": 0, "question": "q1"}, "answer"),
        ({"level": 7, "seed": 0, "question": "q1", "answer": 1.0}, "level"),
        ({"level": 2, "seed": 0, "question": "q1", "answer": "1"}, "answer"),
        ({"level": 2, "seed": 0, "question": "q1", "answer": 1.0, "extra": True}, "extra"),
    ]:
        response = client.post("/api/exercises/check", json=body)
        assert response.status_code == 422, (body, response.text)
        assert response.json()["detail"][0]["loc"] == ["body", field], body


DIAMOND = "a = 2\nb = 1\ne = (a+b)*(b+1)"


def post_exercise(client: TestClient, **body: Any) -> dict[str, Any]:
    response = client.post("/api/exercises/program", json=body)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def test_a_program_becomes_an_exercise_on_its_own_graph(client: TestClient) -> None:
    exercise = post_exercise(client, source=DIAMOND, values={"b": 3})
    assert exercise == post_exercise(client, source=DIAMOND, values={"b": 3})
    assert (exercise["level"], exercise["seed"], exercise["topic"]) == (None, None, "program")
    assert (exercise["source"], exercise["values"], exercise["input"]) == (DIAMOND, {"b": 3.0}, "b")
    graph = client.post("/api/graph", json={"source": DIAMOND, "values": {"b": 3}}).json()
    node_ids = {n["id"] for n in graph["nodes"]}
    edge_ids = {e["id"] for e in graph["edges"]}
    kinds = [q["kind"] for q in exercise["questions"]]
    assert {"local", "path", "gradient", "count"} <= set(kinds)
    for question in exercise["questions"]:
        assert "answer" not in question and "expected" not in question
        assert {question[k] for k in ("node", "source", "target", "output") if k in question} <= node_ids
        asked_edges = set(question.get("edges", [])) | ({question["edge"]} if "edge" in question else set())
        assert asked_edges <= edge_ids
    assert "9.0" not in str(exercise)  # de/db at b = 3


def test_a_program_exercise_is_checked_from_its_program(client: TestClient) -> None:
    body = {"source": DIAMOND, "values": {"b": 3}}
    exercise = post_exercise(client, **body)
    gradient = next(q for q in exercise["questions"] if q["kind"] == "gradient")
    right = check(client, **body, question=gradient["id"], answer=9)
    assert (right["correct"], right["expected"]) == (True, 9.0)
    one_path = check(client, **body, question=gradient["id"], answer=4)  # only the path through b+1: a+b
    assert (one_path["correct"], one_path["hint"], one_path["expected"]) == (False, "path-left-out", None)
    count = next(q for q in exercise["questions"] if q["kind"] == "count")
    assert check(client, **body, question=count["id"], answer=1)["hint"] == "count-low"
    assert check(client, **body, question=count["id"], reveal=True)["expected"] == "2"
    # Another input is another exercise: the same question ids, other answers.
    other = check(client, source=DIAMOND, values={"b": 3}, input="a", question=gradient["id"], reveal=True)
    assert other["expected"] == 4.0


def test_programs_that_cannot_be_exercises_are_clear_422s(client: TestClient) -> None:
    for body, loc, words in [
        ({"source": "x = [1, 2]; y = sum(x*x)"}, ["body", "source"], "is an array"),
        ({"source": "x = 3; y = x*"}, ["body", "source"], "line 1"),
        ({"source": "x = 3"}, ["body", "source"], "at least one operation"),
        ({"source": "x = 3; y = x*x", "input": "q"}, ["body", "input"], "no input named 'q'"),
        ({"source": "x = 3; y = x*x", "output": "q"}, None, "q"),
        ({"source": "x = 3; y = x*x", "level": 1}, ["body", "level"], ""),
        ({}, ["body", "source"], "Field required"),
    ]:
        response = client.post("/api/exercises/program", json=body)
        assert response.status_code == 422, (body, response.text)
        detail = response.json()["detail"][0]
        if loc is not None:
            assert detail["loc"] == loc, (body, detail)
        assert words in detail["msg"], (body, detail)
    for body, field in [
        ({"source": DIAMOND, "level": 1, "seed": 0, "question": "q1", "answer": 1.0}, "source"),
        ({"question": "q1", "answer": 1.0}, "level"),
        ({"level": 1, "question": "q1", "answer": 1.0}, "seed"),
        ({"source": "x = [1, 2]; y = sum(x)", "question": "q1", "answer": 1.0}, "source"),
        ({"source": DIAMOND, "question": "q9", "answer": 1.0}, "question"),
    ]:
        response = client.post("/api/exercises/check", json=body)
        assert response.status_code == 422, (body, response.text)
        assert response.json()["detail"][0]["loc"] == ["body", field], body
