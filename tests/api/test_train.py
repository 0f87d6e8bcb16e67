"""GET /api/presets and POST /api/train (Server-Sent Events)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel

from pathgrad.api.models import PresetModel, TrainDone, TrainStart, TrainStep
from pathgrad.api.pool import ACTIVE_RUNS
from pathgrad.presets import PRESETS

EVENT_MODELS: dict[str, type[BaseModel]] = {"start": TrainStart, "step": TrainStep, "done": TrainDone}


def parse_events(text: str) -> list[tuple[str, dict[str, Any]]]:
    events = []
    for block in text.strip().split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines())
        events.append((fields["event"], json.loads(fields["data"])))
    return events


def validated(text: str) -> list[tuple[str, dict[str, Any]]]:
    """The stream's events, each checked against its schema; start first, done last."""
    events = parse_events(text)
    for kind, data in events:
        EVENT_MODELS[kind].model_validate(data, strict=True)
    kinds = [kind for kind, _ in events]
    assert kinds[0] == "start" and kinds[-1] == "done"
    assert set(kinds[1:-1]) == {"step"}
    return events


def test_presets_are_listed_with_their_programs(client: TestClient) -> None:
    response = client.get("/api/presets")
    assert response.status_code == 200
    listed = [PresetModel.model_validate(p) for p in response.json()]
    assert [p.name for p in listed] == list(PRESETS)
    assert all(p.source == PRESETS[p.name].source() for p in listed)


def test_a_preset_with_another_seed(client: TestClient) -> None:
    response = client.get("/api/presets/xor", params={"seed": 9})
    assert response.status_code == 200
    assert response.json()["seed"] == 9
    assert response.json()["source"] == PRESETS["xor"].source(9)
    assert client.get("/api/presets/nope").status_code == 404
    assert client.get("/api/presets/xor", params={"seed": -1}).status_code == 422


def test_a_preset_loads_into_the_graph_and_paths_endpoints(client: TestClient) -> None:
    graph = client.post("/api/graph", json={"preset": "neuron"}).json()
    by_name = {n["name"]: n for n in graph["nodes"] if n["name"]}
    assert graph["output"] == by_name["y"]["id"]
    assert by_name["w"]["grad"] == by_name["b"]["grad"] == 0.25
    paths = client.post("/api/paths", json={"preset": "sigmoid-chain", "input": "w1"}).json()
    assert paths["count"] == "2"
    response = client.post("/api/graph", json={"preset": "neuron", "source": "x = 1"})
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["body", "source"]


def test_training_a_preset_streams_valid_events(client: TestClient) -> None:
    response = client.post("/api/train", json={"preset": "neuron", "steps": 100, "sample_every": 10})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    events = validated(response.text)
    steps = [data for kind, data in events if kind == "step"]
    assert [s["step"] for s in steps] == list(range(0, 101, 10))
    assert steps[0]["grads"] == {"w": -0.25, "b": -0.25}
    assert steps[-1]["loss"] < steps[0]["loss"]
    assert events[0][1]["params"] == ["w", "b"]
    assert events[-1][1] == {**events[-1][1], "steps_run": 100, "stopped": None}


@pytest.mark.parametrize("kind", ["sgd", "momentum", "adam"])
def test_training_a_program_with_each_optimizer(client: TestClient, kind: str) -> None:
    body = {
        "source": "x = 2; w = 0.5; b = 0\nC = (w*x + b - 3)^2",
        "optimizer": {"kind": kind, "lr": 0.05},
        "steps": 50,
    }
    events = validated(client.post("/api/train", json=body).text)
    steps = [data for kind_, data in events if kind_ == "step"]
    assert steps[-1]["loss"] < steps[0]["loss"]
    assert events[0][1]["layers"] == [["w"], ["b"]]


def test_the_same_seed_gives_the_same_stream(client: TestClient) -> None:
    body = {"preset": "xor", "seed": 4, "steps": 200, "sample_every": 20}

    def losses() -> list[float]:
        return [d["loss"] for k, d in parse_events(client.post("/api/train", json=body).text) if k == "step"]

    assert losses() == losses()


def test_relu_chain_reports_dead_units_and_layer_gradients(client: TestClient) -> None:
    events = validated(client.post("/api/train", json={"preset": "relu-chain", "steps": 2}).text)
    first = events[1][1]
    assert first["dead_relu"] >= 1
    assert len(first["layer_grad"]) == 10


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({}, "source"),
        ({"preset": "nope"}, "preset"),
        ({"preset": "xor", "source": "x = 1"}, "source"),
        ({"source": "x = 1; y = x"}, "params"),
        ({"source": "x = 1; w = 2\ny = (w*x"}, "source"),
        ({"preset": "xor", "params": ["q"]}, "params"),
        ({"preset": "xor", "steps": 10**9}, "steps"),
        ({"preset": "xor", "steps": 100_000, "sample_every": 1}, "sample_every"),
        ({"source": "x = [1, 2]; w = 2\ny = w*x"}, "loss"),
        ({"preset": "xor", "optimizer": {"kind": "rmsprop"}}, "optimizer"),
        ({"preset": "xor", "optimizer": {"lr": -1}}, "optimizer"),
    ],
)
def test_bad_training_requests_are_422s_naming_the_field(
    client: TestClient, body: dict[str, Any], loc: str
) -> None:
    response = client.post("/api/train", json=body)
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"][1] == loc


def test_wall_time_is_bounded_by_settings(make_client: Callable[..., TestClient]) -> None:
    client = make_client(max_train_seconds=0.3)
    events = validated(client.post("/api/train", json={"preset": "xor", "steps": 200_000}).text)
    assert "max_train_seconds" in events[-1][1]["stopped"]
    assert events[-1][1]["steps_run"] < 200_000  # stopped by the clock, not by its steps


def test_closing_the_stream_cancels_the_run(live_server: str) -> None:
    body = {"preset": "xor", "steps": 200_000, "sample_every": 200}
    with httpx.Client(timeout=30) as http:
        with http.stream("POST", live_server + "/api/train", json=body) as response:
            assert response.status_code == 200
            lines = response.iter_lines()
            seen = [line for _, line in zip(range(12), lines, strict=False)]
            assert any(line.startswith("event: step") for line in seen)
            assert http.get(live_server + "/api/health").json()["training_runs"] >= 1
        # The client hung up: the server must stop that run, well before its 200,000 steps.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if http.get(live_server + "/api/health").json()["training_runs"] == 0:
                break
            time.sleep(0.05)
        assert http.get(live_server + "/api/health").json()["training_runs"] == 0


def test_active_runs_return_to_zero_in_process(client: TestClient) -> None:
    client.post("/api/train", json={"preset": "neuron", "steps": 5})
    assert ACTIVE_RUNS.count == 0
