"""Small refusals: a 404 that does not echo a long name, seeds that are digits, /api/train's schema."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient


def test_the_404_of_a_preset_quotes_at_most_40_characters_of_the_name(client: TestClient) -> None:
    response = client.get("/api/presets/" + "a" * 5_000)
    assert response.status_code == 404
    assert len(response.text) < 400
    assert "a" * 40 + "…" in response.json()["detail"]


@pytest.mark.parametrize("seed", ["8 ", " 8", "+8", "8.0", "0x8", "1e3", "", "-1"])
def test_a_seed_is_digits_only(client: TestClient, seed: str) -> None:
    response = client.get("/api/presets/xor", params={"seed": seed})
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"] == ["query", "seed"]


def test_a_seed_of_digits_is_accepted(client: TestClient) -> None:
    assert client.get("/api/presets/xor", params={"seed": "8"}).json()["seed"] == 8


def test_the_schema_says_train_needs_a_source_or_a_preset(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    ref = schema["paths"]["/api/train"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    name = ref["$ref"].rsplit("/", 1)[1]
    model = schema["components"]["schemas"][name]
    assert model["anyOf"] == [{"required": ["source"]}, {"required": ["preset"]}]
    response = client.post("/api/train", json={"steps": 3})
    assert response.status_code == 422
