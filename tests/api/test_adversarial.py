"""Hostile requests: each is answered with a 4xx, never with a 500 (how quickly: benchmarks/budgets.py,
which times these same requests against their 100 ms budget)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

JSON = {"content-type": "application/json"}


def program(source: str) -> bytes:
    return json.dumps({"source": source}).encode()


HOSTILE: dict[str, bytes] = {
    "tower of powers": program("9^9^9"),
    "huge power": program("2^99999"),
    "10,000 open parentheses": program("(" * 10_000),
    "10,000 closed parentheses": program("(" * 5_000 + "x" + ")" * 5_000),
    "100,000-character program": program("x = 1; y = " + "x+" * 49_994 + "x"),
    "__import__": program("__import__('os')"),
    "tuple class": program("().__class__"),
    "attribute": program("x = 1; y = x.__class__"),
    "dunder name": program("__class__ = 1"),
    "lambda": program("lambda: 1"),
    "1e309 in the text": program("x = 1e309"),
    "1e309 as a JSON value": b'{"source": "x = 1; y = x", "values": {"x": 1e309}}',
    "NaN as a JSON value": b'{"source": "x = 1; y = x", "values": {"x": NaN}}',
    "NUL byte": program("x = 1\x00; y = x"),
    "Arabic-Indic digit": program("x = \u0663"),
    "full-width digit": program("x = \uff13"),
    "lone surrogate": b'{"source": "x = 1\\ud800"}',
    "malformed JSON": b'{"source": "x = 1"',
    "not UTF-8": b'{"source": "x = \xff"}',
    "empty body": b"",
    "source as a number": b'{"source": 1}',
    "values as a list": b'{"source": "x = 1", "values": [1, 2]}',
    "limit as a string": b'{"source": "x = 1", "input": "x", "limit": "20"}',
    "deeply nested JSON": b'{"source": "x = 1", "values": {"x": ' + b"[" * 50_000 + b"]" * 50_000 + b"}}",
    "5,000-digit integer": b'{"source": "x = 1", "values": {"x": ' + b"9" * 5_000 + b"}}",
    "1 MiB body": program("x = 1 #" + "." * (1 << 20)),
    "huge broadcast": program("x = [" + ",".join(["1"] * 2_000) + "]; y = sum(x * [" +
                              ",".join(["[1]"] * 2_000) + "])"),
    "10,000 statements": program("\n".join(f"x{i} = {i}" for i in range(10_000))),
}


def hostile_body(name: str, path: str) -> bytes:
    """The body of ``HOSTILE[name]`` for ``path`` (/api/paths also needs an input)."""
    body = HOSTILE[name]
    if path == "/api/paths" and body.startswith(b'{"source"') and b'"input"' not in body:
        body = body[:-1] + b', "input": "x"}'
    return body


@pytest.mark.parametrize("path", ["/api/graph", "/api/paths"])
@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_requests_get_a_4xx_that_says_what(client: TestClient, name: str, path: str) -> None:
    response = client.post(path, content=hostile_body(name, path), headers=JSON)
    assert 400 <= response.status_code < 500, f"{response.status_code}: {response.text[:500]}"
    detail = response.json()["detail"]
    assert detail, "a 4xx says what is wrong"


@pytest.mark.parametrize(
    "source",
    ["x = 1000; y = exp(x)", "x = 0; y = 1/x", "x = 0; y = log(x)", "x = -1; y = x^0.5"],
)
def test_nonfinite_results_of_leaves_are_200s(client: TestClient, source: str) -> None:
    response = client.post("/api/graph", json={"source": source})
    assert response.status_code == 200
    result: dict[str, Any] = response.json()
    (out,) = [n for n in result["nodes"] if n["id"] == result["output"]]
    assert out["value"] is None
    assert out["nonfinite"] is True
    assert out["reason"]
