"""The frontend's test fixtures are answers of the real API, checked here so that they cannot drift.

Each file in ``frontend/tests/fixtures/`` is what the app answers to one request (the pydantic models
of ``pathgrad.api.models`` are the contract, published as the OpenAPI schema). When the contract
changes on purpose, write the fixtures again and review the diff::

    .venv/bin/python tests/test_frontend_fixtures.py --write
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from pathgrad.api.app import create_app
from pathgrad.settings import Settings

FIXTURES_DIR = Path(__file__).resolve().parents[1] / "frontend" / "tests" / "fixtures"
DIAMOND = "a = 2\nb = 1\ne = (a+b)*(b+1)"
NEURON = "x = 1; w = 0; b = 0\nz = w*x + b\ny = sigmoid(z)"
# The `structure` of diamond.graph.json's graph and of the diamond's values graph.
DIAMOND_STRUCTURE = "41145681c194d2dc"
DIAMOND_VALUES_STRUCTURE = "0805bfecf2a096b9"

# file -> (method, path, JSON body or None, the status it answers)
FIXTURES: dict[str, tuple[str, str, dict[str, Any] | None, int]] = {
    "diamond.graph.json": ("POST", "/api/graph", {"source": DIAMOND}, 200),
    "diamond-b3.graph.json": ("POST", "/api/graph", {"source": DIAMOND, "values": {"b": 3}}, 200),
    "diamond.paths-b.json": ("POST", "/api/paths", {"source": DIAMOND, "input": "b"}, 200),
    "error-422.json": ("POST", "/api/graph", {"source": "a = 2\nb = )"}, 422),
    "neuron-expanded.graph.json": (
        "POST",
        "/api/graph",
        {"source": NEURON, "options": {"expand": True}},
        200,
    ),
    "tanh-expanded.paths.json": (
        "POST",
        "/api/paths",
        {"source": "x = 0.5\ny = tanh(x)", "input": "x", "options": {"expand": True}},
        200,
    ),
    "ops.json": ("GET", "/api/ops", None, 200),
    # Leaf changes of a graph the page holds: its `structure` sent back, only the numbers answered.
    "diamond-b3.numbers.graph.json": (
        "POST",
        "/api/graph",
        {"source": DIAMOND, "values": {"b": 3}, "structure": DIAMOND_STRUCTURE},
        200,
    ),
    "diamond-b3.numbers.values-paths-b.json": (
        "POST",
        "/api/paths",
        {"source": DIAMOND, "values": {"b": 3}, "input": "b", "view": "values",
         "structure": DIAMOND_VALUES_STRUCTURE},
        200,
    ),
}


def answer(client: TestClient, name: str) -> Any:
    method, path, body, status = FIXTURES[name]
    res = client.request(method, path, json=body)
    assert res.status_code == status, (name, res.status_code, res.text[:300])
    return res.json()


@pytest.fixture(scope="module")
def api() -> TestClient:
    return TestClient(create_app(Settings()))


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_the_fixture_is_the_apis_answer(api: TestClient, name: str) -> None:
    on_disk = json.loads((FIXTURES_DIR / name).read_text())
    assert on_disk == answer(api, name), (
        f"frontend/tests/fixtures/{name} is not what the API answers: if the contract changed on purpose, "
        "run `.venv/bin/python tests/test_frontend_fixtures.py --write` and review the diff"
    )


def test_every_fixture_file_is_generated() -> None:
    """No hand-written fixture hides in the folder."""
    assert sorted(p.name for p in FIXTURES_DIR.glob("*.json")) == sorted(FIXTURES)


@pytest.mark.parametrize("name", [n for n in sorted(FIXTURES) if ".numbers." in n])
def test_the_numbers_fixtures_hold_only_numbers(api: TestClient, name: str) -> None:
    """Their `structure` is still the diamond's (else they would be full answers)."""
    result = answer(api, name)
    graph = result.get("graph", result)
    assert graph["numbers_only"] is True
    assert graph["structure"] == FIXTURES[name][2]["structure"]  # type: ignore[index]


def write() -> None:
    client = TestClient(create_app(Settings()))
    for name in sorted(FIXTURES):
        text = json.dumps(answer(client, name), indent=1, ensure_ascii=False) + "\n"
        (FIXTURES_DIR / name).write_text(text)
        print(f"wrote {FIXTURES_DIR / name}")


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        sys.exit("usage: python tests/test_frontend_fixtures.py --write")
    write()
