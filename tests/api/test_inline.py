"""Small requests in the server process's thread: the same answers, and only within the bounds."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from pathgrad.api.app import create_app
from pathgrad.api.inline import SmallLane
from pathgrad.api.pool import Pools
from pathgrad.presets import PRESETS
from pathgrad.settings import Settings

NEURON = {"preset": "neuron"}
NEURON_PATHS = {"preset": "neuron", "input": PRESETS["neuron"].view_input}


@pytest.fixture(scope="module")
def lanes() -> Iterator[tuple[TestClient, TestClient]]:
    """A client whose small-request thread takes far more than by default (so that every body below
    is answered there) and one that sends every request to a compute process (small_request_nodes=0)."""
    generous = Settings(
        small_request_bytes=64 * 1024,
        small_request_nodes=2_000,
        small_request_elements=100_000,
        small_request_answer_bytes=1024 * 1024,
    )
    with (
        TestClient(create_app(generous), raise_server_exceptions=False) as small,
        TestClient(create_app(Settings(small_request_nodes=0)), raise_server_exceptions=False) as pooled,
    ):
        yield small, pooled


def lane(client: TestClient) -> SmallLane:
    found: SmallLane = client.app.state.small  # type: ignore[attr-defined]
    return found


def pools(client: TestClient) -> Pools:
    found: Pools = client.app.state.pools  # type: ignore[attr-defined]
    return found


def counts(client: TestClient) -> tuple[int, int]:
    return lane(client).answered, lane(client).passed_on


def test_a_small_request_starts_no_compute_process(make_client: Callable[..., TestClient]) -> None:
    client = make_client()  # no lifespan: compute processes start only when a request needs one
    assert client.post("/api/graph", json=NEURON).status_code == 200
    assert client.post("/api/paths", json=NEURON_PATHS).status_code == 200
    assert counts(client) == (2, 0)
    assert pools(client).compute.pids() == []


BODIES: list[tuple[str, dict[str, Any]]] = [
    *[("/api/graph", {"preset": name}) for name in PRESETS],
    *[("/api/paths", {"preset": n, "input": p.view_input}) for n, p in PRESETS.items() if p.view_input],
    ("/api/graph", {"preset": "neuron", "view": "values"}),
    ("/api/graph", {"preset": "neuron", "options": {"forward": "w"}}),
    ("/api/graph", {"source": "W = 0\ny = sum(tanh(W @ W))", "values": {"W": [[0.5, -1], [2, 0.25]]}}),
    ("/api/graph", {"source": "x = 2\ny = log(x - 2) * x"}),  # non-finite, flagged
    ("/api/graph", {"source": "x = 1\ny = x +* 2"}),  # a syntax error: 422
    ("/api/graph", {"source": "x = 1\ny = x", "output": "z"}),  # no such statement: 422
    ("/api/graph", {"preset": "neuron", "options": {"forward": "nope"}}),
    ("/api/paths", {"source": "x = 1\ny = x*x", "input": "q"}),
    ("/api/paths", {"source": "x = 0.5\nh = tanh(3*x)\ny = h*h + sigmoid(h)", "input": "x", "limit": 2}),
]


@pytest.mark.parametrize(("path", "body"), BODIES, ids=[f"{p} {b}"[:60] for p, b in BODIES])
def test_the_answer_is_the_compute_processes_byte_for_byte(
    lanes: tuple[TestClient, TestClient], path: str, body: dict[str, Any]
) -> None:
    small, pooled = lanes
    before = counts(small)
    inline, computed = small.post(path, json=body), pooled.post(path, json=body)
    assert (inline.status_code, inline.content) == (computed.status_code, computed.content)
    assert counts(small)[0] == before[0] + 1  # answered in the thread, not passed on
    assert counts(pooled) == (0, 0)  # small_request_nodes=0: never tried there


@hypothesis_settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(st.sampled_from(["+", "-", "*", "/"]), min_size=1, max_size=12),
    st.lists(st.sampled_from(["sin", "tanh", "sigmoid", "exp", "relu"]), min_size=1, max_size=12),
    st.floats(-3, 3, allow_nan=False),
)
def test_generated_small_programs_get_the_same_answer_in_either_lane(
    lanes: tuple[TestClient, TestClient], operators: list[str], functions: list[str], start: float
) -> None:
    lines = [f"x = {start!r}", "w = 0.5", "h0 = x"]
    for k, (op, fn) in enumerate(zip(operators, functions, strict=False), start=1):
        lines.append(f"h{k} = {fn}(h{k - 1} {op} w)")
    lines.append(f"y = h{len(lines) - 3}")
    source = "\n".join(lines)
    small, pooled = lanes
    answered = counts(small)[0]
    for path, body in [("/api/graph", {"source": source}), ("/api/paths", {"source": source, "input": "x"})]:
        inline, computed = small.post(path, json=body), pooled.post(path, json=body)
        assert inline.status_code == 200
        assert inline.content == computed.content
    assert counts(small)[0] == answered + 2


def chain(nodes: int) -> str:
    return "x = 1.0001\ny = " + "*".join(["x"] * nodes)


def test_a_program_over_small_request_nodes_is_passed_to_a_compute_process(
    make_client: Callable[..., TestClient],
) -> None:
    client = make_client(small_request_nodes=20)
    response = client.post("/api/graph", json={"source": chain(30)})
    assert response.status_code == 200
    assert len(response.json()["nodes"]) == 30  # x and its 29 products
    assert counts(client) == (0, 1)
    assert pools(client).compute.pids() != []
    assert client.post("/api/graph", json={"source": chain(5)}).status_code == 200
    assert counts(client) == (1, 1)


def test_an_answer_estimated_over_small_request_answer_bytes_is_passed_on(
    make_client: Callable[..., TestClient],
) -> None:
    client = make_client(small_request_answer_bytes=1024)
    response = client.post("/api/graph", json={"source": chain(12)})
    assert response.status_code == 200 and len(response.content) > 1024
    assert counts(client) == (0, 1)
    # Paths: the listing's estimate (limit × nodes edges) counts too, whatever the answer's size.
    client = make_client(small_request_answer_bytes=4096)
    body = {"source": "x = 1\ny = x*x", "input": "x"}
    response = client.post("/api/paths", json={**body, "limit": 1000})
    assert response.status_code == 200 and len(response.content) < 4096
    assert counts(client) == (0, 1)
    assert client.post("/api/paths", json={**body, "limit": 1}).status_code == 200
    assert counts(client) == (1, 1)


def test_a_body_over_small_request_bytes_is_not_tried(make_client: Callable[..., TestClient]) -> None:
    client = make_client(small_request_bytes=100)
    body = {"source": "x = 1\ny = x*x  # " + "a comment that makes the body longer than 100 bytes " * 2}
    assert client.post("/api/graph", json=body).status_code == 200
    assert counts(client) == (0, 0)  # not built here at all
    assert client.post("/api/graph", json={"source": "x = 1\ny = x*x"}).status_code == 200
    assert counts(client) == (1, 0)


def test_a_real_limit_is_reported_as_the_compute_process_reports_it(
    make_client: Callable[..., TestClient],
) -> None:
    # max_nodes=10 is below small_request_nodes: the thread stops the build, and the compute
    # process answers the 422 that names the real limit.
    client = make_client(max_nodes=10)
    response = client.post("/api/graph", json={"source": chain(20)})
    assert response.status_code == 422
    detail = response.json()["detail"][0]
    assert detail["ctx"]["limit"] == "max_nodes" and "max_nodes=10" in detail["msg"]
    assert counts(client) == (0, 1)


def test_small_request_nodes_0_sends_everything_to_compute_processes(
    make_client: Callable[..., TestClient],
) -> None:
    client = make_client(small_request_nodes=0)
    assert client.post("/api/graph", json=NEURON).status_code == 200
    assert counts(client) == (0, 0)
    assert pools(client).compute.pids() != []


def test_the_small_limits_lower_the_language_limits_and_never_raise_them() -> None:
    settings = Settings(max_nodes=100, small_request_nodes=256, small_request_elements=50_000)
    small = settings.small_limits()
    assert small.max_nodes == 100  # the real limit is lower: it stays
    assert small.max_array_elements == small.max_total_elements == 50_000
    assert small.max_source_chars == settings.small_request_bytes
    assert small.max_depth == settings.max_depth and small.max_number_abs == settings.max_number_abs


def test_the_teaching_endpoints_are_never_tried_in_the_thread(make_client: Callable[..., TestClient]) -> None:
    client = make_client()
    response = client.post("/api/lab", json={"source": "x = 1; y = x*x"})
    assert response.status_code == 200, response.text[:300]
    assert client.get("/api/exercises", params={"level": 1}).status_code == 200
    assert counts(client) == (0, 0)
