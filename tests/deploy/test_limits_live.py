"""The limits on a real `pathgrad serve`: 413, 503 with Retry-After, 504, and streams that end in time."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from .helpers import Server, running, serve_command

JSON = {"content-type": "application/json"}
# About a second of work under the default limits: 20,000 nodes, 1,000 paths listed.
# A 2,000-rung ladder (51 KB): about 1.2 s of building and listing on an idle machine.
HEAVY_PATHS = {
    "source": "x0 = 1\n" + "\n".join(f"x{i + 1} = x{i}*2 + x{i}*3" for i in range(2000)),
    "input": "x0",
    "limit": 1000,
}
TINY = {"source": "x = 1; y = x"}


@pytest.fixture(scope="module")
def tight(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """0.5 s per request, 0.1 s per training run, 64 KiB bodies."""
    env = {
        "PATHGRAD_REQUEST_TIMEOUT_SECONDS": "0.5",
        "PATHGRAD_MAX_TRAIN_SECONDS": "0.1",
        "PATHGRAD_MAX_BODY_BYTES": "65536",
    }
    with running(serve_command(), tmp_path_factory.mktemp("tight"), env) as server:
        yield server


def test_413_for_a_declared_and_a_chunked_body(tight: Server) -> None:
    body = json.dumps({"source": "x = 1 #" + "." * 70_000}).encode()
    response = httpx.post(f"{tight.base}/api/graph", content=body, headers=JSON, timeout=10)
    assert response.status_code == 413
    assert "max_body_bytes" in response.json()["detail"]
    assert response.headers["x-content-type-options"] == "nosniff"

    def chunks() -> Iterator[bytes]:
        yield b'{"source": "x = 1 #'
        for _ in range(70):
            yield b"." * 1024
        yield b'"}'

    try:
        response = httpx.post(f"{tight.base}/api/graph", content=chunks(), headers=JSON, timeout=10)
        assert "content-length" not in response.request.headers
        assert response.status_code == 413
    except (httpx.WriteError, httpx.RemoteProtocolError, httpx.ReadError):
        pass  # answered and closed before the client finished sending: a refusal too
    assert httpx.get(f"{tight.base}/api/health", timeout=10).status_code == 200


@pytest.fixture(scope="module")
def two_slots(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Default settings but 2 requests in flight at most."""
    env = {"PATHGRAD_MAX_CONCURRENT_REQUESTS": "2"}
    with running(serve_command(), tmp_path_factory.mktemp("two_slots"), env) as server:
        yield server


def test_503_with_retry_after_beyond_max_concurrent_requests(two_slots: Server) -> None:
    release = threading.Event()
    statuses: list[int] = []

    def slow_upload() -> None:
        def body() -> Iterator[bytes]:
            yield b'{"source": "x = 1; '
            release.wait(10)  # the request is in flight while its body is still coming
            yield b'y = x"}'

        response = httpx.post(f"{two_slots.base}/api/graph", content=body(), headers=JSON, timeout=20)
        statuses.append(response.status_code)

    uploads = [threading.Thread(target=slow_upload) for _ in range(2)]
    for upload in uploads:
        upload.start()
    try:
        # Both uploads hold their slots once the server has read their first bytes: on a loaded
        # machine that takes a moment, so a request is tried until refused (or 5 s have passed).
        deadline = time.monotonic() + 5
        while True:
            time.sleep(0.1)
            refused = httpx.post(f"{two_slots.base}/api/graph", json=TINY, timeout=10)
            if refused.status_code == 503 or time.monotonic() > deadline:
                break
        assert refused.status_code == 503, refused.text
        assert refused.headers["retry-after"] == "1"
        assert "max_concurrent_requests" in refused.json()["detail"]
        assert refused.headers["x-frame-options"] == "DENY"
        assert statuses == []  # refused while both slots were held: not queued behind them
        assert httpx.get(f"{two_slots.base}/api/health", timeout=10).status_code == 200  # exempt
    finally:
        release.set()
        for upload in uploads:
            upload.join(20)
    assert statuses == [200, 200]
    assert httpx.post(f"{two_slots.base}/api/graph", json=TINY, timeout=10).status_code == 200


def test_504_when_a_request_outlives_request_timeout_seconds(tight: Server) -> None:
    # HEAVY_PATHS takes over a second of computation; the deadline is 0.5 s.
    # (When: at the deadline, not when the computation is over: benchmarks/budgets.py.)
    response = httpx.post(f"{tight.base}/api/paths", json=HEAVY_PATHS, timeout=30)
    assert response.status_code == 504, response.text[:300]
    assert "no answer within 0.5 s (request_timeout_seconds)" in response.json()["detail"]
    assert response.headers["content-security-policy"]
    # While the abandoned computation finishes in its thread, the process still answers.
    assert httpx.get(f"{tight.base}/api/health", timeout=10).status_code == 200


@pytest.fixture(scope="module")
def short_runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """0.1 s per training run, inside a 10 s request timeout.

    (Not `tight`'s 0.5 s: on a loaded machine starting the run's process can take longer than that,
    and the stream would be cut by the request timeout, which is another test's subject.)
    """
    env = {"PATHGRAD_REQUEST_TIMEOUT_SECONDS": "10", "PATHGRAD_MAX_TRAIN_SECONDS": "0.1"}
    with running(serve_command(), tmp_path_factory.mktemp("short_runs"), env) as server:
        yield server


def test_a_training_stream_ends_with_its_done_event_before_the_timeout(short_runs: Server) -> None:
    with httpx.stream("POST", f"{short_runs.base}/api/train", json={"preset": "xor"}, timeout=10) as response:
        text = response.read().decode()
    done = text.strip().split("\n\n")[-1]
    assert done.startswith("event: done")
    assert "max_train_seconds" in json.loads(done.split("data: ", 1)[1])["stopped"]
