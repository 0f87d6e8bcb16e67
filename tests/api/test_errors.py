"""Errors: FastAPI's 422 shape with positions, one 422 per Settings limit, 413 for large bodies."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

JSON = {"content-type": "application/json"}


def only_detail(response: Any) -> dict[str, Any]:
    assert response.status_code == 422, response.text
    (detail,) = response.json()["detail"]
    assert set(detail) >= {"type", "loc", "msg"}
    return dict(detail)


def test_program_errors_have_loc_source_and_a_position(client: TestClient) -> None:
    detail = only_detail(client.post("/api/graph", json={"source": "x = 1\ny = x +\nz = 2"}))
    assert detail["type"] == "program_error"
    assert detail["loc"] == ["body", "source"]
    assert detail["msg"].startswith("line 2, column ")
    ctx = detail["ctx"]
    assert ctx["line"] == 2
    assert isinstance(ctx["column"], int) and ctx["column"] >= 1
    start, end = ctx["span"]
    assert 6 <= start <= end <= len("x = 1\ny = x +\nz = 2")
    assert ctx["limit"] is None


def test_pydantic_errors_keep_fastapis_shape(client: TestClient) -> None:
    detail = only_detail(client.post("/api/graph", json={"source": 42}))
    assert detail["loc"] == ["body", "source"]
    assert detail["type"] == "string_type"


def graph_body(source: str, **values: object) -> dict[str, object]:
    return {"source": source, "values": values}


GRAPH, PATHS = "/api/graph", "/api/paths"
LIMIT_CASES = [
    # (settings, path, body, the limit named, where in the body)
    ({"max_source_chars": 10}, GRAPH, graph_body("x = 1; y = x + x"), "max_source_chars", "source"),
    ({"max_statements": 2}, GRAPH, graph_body("x = 1; y = 2; z = x*y"), "max_statements", "source"),
    ({"max_nodes": 50}, GRAPH, graph_body("x = 1; y = " + " + ".join(["x"] * 60)), "max_nodes", "source"),
    ({"max_depth": 5}, GRAPH, graph_body("x = 1; y = ((((((x))))))"), "max_depth", "source"),
    ({"max_names": 2}, GRAPH, graph_body("a = 1; b = 2; c = a*b"), "max_names", "source"),
    ({"max_array_elements": 3}, GRAPH, graph_body("x = [1, 2, 3, 4]; y = sum(x)"),
     "max_array_elements", "source"),
    ({"max_array_elements": 3}, GRAPH, graph_body("x = [1]; y = sum(x)", x=[1, 2, 3, 4]),
     "max_array_elements", "values"),
    ({"max_array_elements": 3}, GRAPH, graph_body("x = [1, 2]; z = sum(x @ [[1, 2, 3], [4, 5, 6]])"),
     "max_array_elements", "source"),
    ({"max_total_elements": 10}, GRAPH, graph_body("x = [1, 2, 3, 4]; y = x*x; z = sum(y*y)"),
     "max_total_elements", "source"),
    ({"max_number_abs": 1000}, GRAPH, graph_body("x = 1e4; y = x"), "max_number_abs", "source"),
    ({"max_number_abs": 1000}, GRAPH, graph_body("x = 1; y = x", x=-1e4), "max_number_abs", "values"),
    ({"max_paths_limit": 3}, PATHS, {"source": "x = 1; y = x", "input": "x", "limit": 4},
     "max_paths_limit", "limit"),
]


@pytest.mark.parametrize(
    ("settings", "path", "body", "limit", "loc"),
    [pytest.param(*case, id=f"{case[3]}-{case[4]}-{k}") for k, case in enumerate(LIMIT_CASES)],
)
def test_every_limit_is_a_422_naming_it(
    make_client: Any, settings: dict[str, Any], path: str, body: dict[str, Any], limit: str, loc: str
) -> None:
    client = make_client(**settings)
    detail = only_detail(client.post(path, json=body))
    assert detail["type"] == "limit_exceeded"
    assert detail["loc"][:2] == ["body", loc]
    assert detail["ctx"]["limit"] == limit
    assert limit in detail["msg"]
    # The same request is fine under the default settings.
    assert make_client().post(path, json=body).status_code == 200


def test_the_default_settings_refuse_1e309(client: TestClient) -> None:
    detail = only_detail(client.post("/api/graph", json={"source": "x = 1e309"}))
    assert detail["ctx"]["limit"] == "max_number_abs"


# --- 413 -----------------------------------------------------------------------------------------


def program_body(size: int) -> bytes:
    """A valid JSON body of exactly ``size`` bytes (a program padded with a comment)."""
    head, tail = b'{"source": "x = 1 #', b'"}'
    return head + b"." * (size - len(head) - len(tail)) + tail


def chunks(body: bytes, size: int = 1000) -> Iterator[bytes]:
    for start in range(0, len(body), size):
        yield body[start : start + size]


def assert_too_large(response: Any, limit: int) -> None:
    assert response.status_code == 413, response.text
    assert f"{limit:,}" in response.json()["detail"]
    assert "max_body_bytes" in response.json()["detail"]


def test_a_body_at_the_limit_is_read(make_client: Any) -> None:
    client = make_client(max_body_bytes=2048)
    body = program_body(2048)
    assert len(body) == 2048
    assert client.post("/api/graph", content=body, headers=JSON).status_code == 200
    assert client.post("/api/graph", content=chunks(body), headers=JSON).status_code == 200


def test_content_length_above_the_limit_is_413(make_client: Any) -> None:
    client = make_client(max_body_bytes=2048)
    assert_too_large(client.post("/api/graph", content=program_body(2049), headers=JSON), 2048)
    assert_too_large(client.post("/api/paths", content=program_body(5000), headers=JSON), 2048)


def test_chunked_body_above_the_limit_is_413(make_client: Any) -> None:
    client = make_client(max_body_bytes=2048)
    sent: list[bytes] = []

    def body() -> Iterator[bytes]:
        for chunk in chunks(program_body(2049), 500):
            sent.append(chunk)
            yield chunk

    response = client.post("/api/graph", content=body(), headers=JSON)
    assert "content-length" not in {k.lower() for k in response.request.headers}
    assert response.request.headers.get("transfer-encoding") == "chunked"
    assert_too_large(response, 2048)


def test_default_limit_refuses_a_mebibyte(client: TestClient) -> None:
    body = program_body(1 << 20)
    assert_too_large(client.post("/api/graph", content=body, headers=JSON), 256 * 1024)
    assert_too_large(client.post("/api/graph", content=chunks(body, 64 * 1024), headers=JSON), 256 * 1024)


def strict_json(content: bytes) -> Any:
    def refuse(constant: str) -> Any:
        raise AssertionError(f"{constant} is not JSON")

    return json.loads(content, parse_constant=refuse)


# --- malformed requests --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "loc0", "type_"),
    [
        (b'{"source": 3}', ["body", "source"], "string_type"),
        (b'{"source": "x = 1", "values": [1]}', ["body", "values"], "dict_type"),
        (b'{"source": "x = 1", "values": {"x": true}}', ["body", "values", "x", "float"], "float_type"),
        (b'{"source": "x = 1", "values": {"x": "1"}}', ["body", "values", "x", "float"], "float_type"),
        (b'{"source": "x = 1", "options": {"expand": "yes"}}', ["body", "options", "expand"], "bool_type"),
        (b'{"source": "x = 1", "colour": "red"}', ["body", "colour"], "extra_forbidden"),
        (b"[]", ["body"], "model_attributes_type"),
        (b"{}", ["body", "source"], "value_error"),  # neither a source nor a preset
    ],
)
def test_malformed_graph_requests(client: TestClient, body: bytes, loc0: list[Any], type_: str) -> None:
    response = client.post("/api/graph", content=body, headers=JSON)
    assert response.status_code == 422, response.text
    first = response.json()["detail"][0]
    assert (first["loc"], first["type"]) == (loc0, type_)


@pytest.mark.parametrize(
    "body",
    [
        b'{"source": ',  # truncated
        b"not json",
        b'{"source": nan}',  # JSON has no nan (Python's NaN is read, then refused with a 422)
        b'{"source": "x = 1"',
        b"[" * 100_000 + b"]" * 100_000,  # nested too deeply
        b'{"seed": ' + b"9" * 5_000 + b"}",  # an integer too long for Python's reader
    ],
)
def test_unreadable_json_is_one_status_400(client: TestClient, body: bytes) -> None:
    for path in ("/api/graph", "/api/paths", "/api/train"):
        response = client.post(path, content=body, headers=JSON)
        assert response.status_code == 400, response.text[:300]
        assert isinstance(response.json()["detail"], str)


@pytest.mark.parametrize("limit", ['"20"', "5.0", "true", "null", "1e400"])
def test_limit_must_be_a_json_integer(client: TestClient, limit: str) -> None:
    body = b'{"source": "x = 1; y = x", "input": "x", "limit": ' + limit.encode() + b"}"
    response = client.post("/api/paths", content=body, headers=JSON)
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"] == ["body", "limit"]


@pytest.mark.parametrize(
    "value", [b"1e309", b"-1e309", b"Infinity", b"NaN", b"[1e309]", b"[[1, NaN]]"]
)
def test_nonfinite_json_values_are_422s_with_valid_json(client: TestClient, value: bytes) -> None:
    # Python's JSON reader turns these into inf/nan; the answer must still be strict JSON.
    body = b'{"source": "x = 1; y = x", "values": {"x": ' + value + b"}}"
    response = client.post("/api/graph", content=body, headers=JSON)
    assert response.status_code == 422, response.text
    strict_json(response.content)
    assert response.json()["detail"][0]["loc"][:3] == ["body", "values", "x"]


def test_nonfinite_json_outside_values_is_a_422(client: TestClient) -> None:
    response = client.post("/api/graph", content=b'{"source": NaN, "extra": -Infinity}', headers=JSON)
    assert response.status_code == 422
    strict_json(response.content)
    assert {tuple(d["loc"]) for d in response.json()["detail"]} == {("body", "source"), ("body", "extra")}
    assert {d["input"] for d in response.json()["detail"]} == {"nan", "-inf"}
