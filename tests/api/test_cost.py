"""Cost bounds before the work: answer-size estimates, training-stream bytes, the hub listing."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from pathgrad.api.cost import graph_size
from pathgrad.service import build
from pathgrad.settings import Settings

LAYERS = "\n".join(f"A{i} = sin(A{i - 1}) @ W" for i in range(1, 10))
HUGE = {"source": f"W = 0\nA0 = W\n{LAYERS}\ny = sum(A9)", "values": {"W": [[1] * 316] * 316}}


def limit_of(response: object) -> tuple[str, str]:
    detail = response.json()["detail"][0]  # type: ignore[attr-defined]
    return detail["ctx"]["limit"], detail["msg"]


def test_a_huge_answer_is_refused_before_it_is_built_naming_the_option(client: TestClient) -> None:
    # 20 arrays of 316×316: values, adjoints and tangents would be about 120 MB of JSON.
    response = client.post("/api/graph", json={**HUGE, "options": {"forward": "W"}})
    assert response.status_code == 422, response.text[:300]
    limit, message = limit_of(response)
    assert limit == "max_response_bytes"
    assert "options.forward" in message  # the tangents are the largest part: turn them off
    # Without forward mode it is still about 80 MB: the advice is then smaller arrays.
    response = client.post("/api/graph", json=HUGE)
    assert response.status_code == 422
    limit, message = limit_of(response)
    assert limit == "max_response_bytes" and "smaller arrays" in message


def test_the_estimate_is_close_to_the_answer(client: TestClient) -> None:
    body = {"source": "W = 0\nA = tanh(W @ W)\ny = sum(A)", "values": {"W": [[0.123456789] * 40] * 40}}
    response = client.post("/api/graph", json={**body, "options": {"forward": "W"}})
    assert response.status_code == 200
    program = build(body["source"], body["values"])  # type: ignore[arg-type]
    settings = Settings()
    estimate = graph_size(
        program.output,
        forward=True,
        max_jacobian_entries=settings.max_jacobian_entries,
        max_jacobian_total=settings.max_jacobian_total,
    ).total
    assert 0.5 * len(response.content) < estimate < 2 * len(response.content)


def test_a_smaller_max_response_bytes_refuses_a_measured_answer(
    make_client: Callable[..., TestClient],
) -> None:
    client = make_client(max_response_bytes=64 * 1024)
    source = "x = 1\n" + "\n".join(f"x{i} = x*{i}" for i in range(400)) + "\ny = " + "+".join(
        f"x{i}" for i in range(400)
    )
    response = client.post("/api/graph", json={"source": source})
    assert response.status_code == 422
    assert limit_of(response)[0] == "max_response_bytes"
    assert client.post("/api/graph", json={"source": "x = 1; y = x"}).status_code == 200


def test_training_streams_are_bounded_in_bytes(client: TestClient) -> None:
    # 2,000 events of a 10,000-element parameter and its gradient: hundreds of megabytes.
    body = {
        "source": "W = 0\ny = sum(W*W)",
        "values": {"W": [[0.5] * 100] * 100},
        "steps": 1_900,
        "sample_every": 1,
    }
    response = client.post("/api/train", json=body)
    assert response.status_code == 422, response.text[:300]
    limit, message = limit_of(response)
    assert limit == "max_train_stream_bytes" and "sample_every" in message
    # Sampling less often fits.
    response = client.post("/api/train", json={**body, "steps": 20, "sample_every": 10})
    assert response.status_code == 200
    assert response.text.strip().split("\n\n")[-1].startswith("event: done")


def test_the_hub_program_lists_its_top_paths(client: TestClient) -> None:
    # A ladder of 10 diamonds into H, then one strong and 9,900 weak branches H·0.001, summed: the
    # seed's listing took 20 s and 2.8 GB for it.
    lines = ["x = 1", "c = 0.001"]
    h = "x"
    for i in range(10):
        lines.append(f"d{i} = {h}*2 + {h}*3")
        h = f"d{i}"
    lines += [f"H = {h}", "y = " + "+".join(["H"] + ["H*c"] * 9_900)]
    response = client.post("/api/paths", json={"source": "\n".join(lines), "input": "x", "limit": 1000})
    assert response.status_code == 200, response.text[:300]
    answer = response.json()
    assert answer["count"] == str(2**10 * 9_901)
    assert answer["truncated"] and answer["paths"]
    assert answer["paths"][0]["product"] == 3.0**10
