"""A hostile neighbour against a real `pathgrad serve`: work is stopped, streams end, slots are shared.

Each test asserts outcomes (statuses, the limit named, the server still answering, runs finalised),
never a duration. Attackers come from 127.0.0.2, the good client from 127.0.0.1 (both loopback).
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from .helpers import ServeFactory, Server, running, serve_command

JSON = {"content-type": "application/json"}
TINY = {"source": "x = 1; y = sigmoid(2*x)"}
ATTACKER, GOOD = "127.0.0.2", "127.0.0.1"
# About a second of building and listing: a 2,000-rung ladder, 1,000 paths listed.
HEAVY_PATHS = {
    "source": "x0 = 1\n" + "\n".join(f"x{i + 1} = x{i}*2 + x{i}*3" for i in range(2000)),
    "input": "x0",
    "limit": 1000,
}
# 20 arrays of 316×316 with forward mode: a 200 KB body asking for about 120 MB of answer.
LAYERS = "\n".join(f"A{i} = sin(A{i - 1}) @ W" for i in range(1, 10))
HUGE_GRAPH = {
    "source": f"W = 0\nA0 = W\n{LAYERS}\ny = sum(A9)",
    "values": {"W": [[1] * 316] * 316},
    "options": {"forward": "W"},
}
# A run whose every event carries a 100×100 parameter and its gradient (about 400 KB an event, 31
# events: more than loopback's socket buffers hold).
BIG_EVENTS = {
    "source": "W = 0\nX = 1\ny = sum(tanh(W @ X))",
    "values": {"W": [[0.01] * 100] * 100, "X": [[0.5] * 100] * 100},
    "params": ["W"],
    "steps": 300,
    "sample_every": 10,
}


def client_from(address: str, **kwargs: object) -> httpx.Client:
    """An httpx client whose connections come from ``address`` (a loopback address)."""
    return httpx.Client(transport=httpx.HTTPTransport(local_address=address), **kwargs)  # type: ignore[arg-type]


def health(server: Server) -> dict[str, object]:
    response = httpx.get(f"{server.base}/api/health", timeout=10)
    assert response.status_code == 200
    data: dict[str, object] = response.json()
    return data


def eventually(condition: object, seconds: float = 30.0) -> bool:
    """Poll ``condition()`` until it is true (a bound on waiting, not a claim about speed)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.05)
    return False


def assert_still_serving(server: Server) -> None:
    assert health(server)["status"] == "ok"
    with client_from(GOOD, timeout=30) as good:
        response = good.post(f"{server.base}/api/graph", json=TINY)
    assert response.status_code == 200, response.text[:300]


def limit_of(response: httpx.Response) -> str:
    return str(response.json()["detail"][0]["ctx"]["limit"])


# --- 1. work that can be stopped ----------------------------------------------------------------


@pytest.fixture(scope="module")
def short_deadline(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    env = {"PATHGRAD_MAX_COMPUTE_SECONDS": "0.2"}
    with running(serve_command(), tmp_path_factory.mktemp("deadline"), env) as server:
        yield server


def test_work_past_max_compute_seconds_is_killed_and_named(short_deadline: Server) -> None:
    with client_from(ATTACKER, timeout=60) as attacker:
        response = attacker.post(f"{short_deadline.base}/api/paths", json=HEAVY_PATHS)
    assert response.status_code == 422, response.text[:300]
    assert limit_of(response) == "max_compute_seconds"
    assert "stopped" in response.json()["detail"][0]["msg"]
    assert_still_serving(short_deadline)


def test_work_past_the_memory_cap_is_killed_and_named(serve: ServeFactory) -> None:
    env = {
        "PATHGRAD_MAX_TASK_MEMORY_BYTES": str(64 * 1024 * 1024),
        "PATHGRAD_MAX_RESPONSE_BYTES": str(1 << 30),  # so that the size estimate lets it through
    }
    with serve(env=env) as server:
        with client_from(ATTACKER, timeout=120) as attacker:
            response = attacker.post(f"{server.base}/api/graph", json=HUGE_GRAPH)
        assert response.status_code == 422, response.text[:300]
        assert limit_of(response) == "max_task_memory_bytes"
        assert_still_serving(server)


# --- 3. streams that end ------------------------------------------------------------------------


def raw_post(port: int, path: str, body: bytes, receive_buffer: int | None = None) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if receive_buffer:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
    sock.bind((ATTACKER, 0))
    sock.connect(("127.0.0.1", port))
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode()
    sock.sendall(head + body)
    return sock


def read_all(sock: socket.socket) -> bytes:
    data = b""
    sock.settimeout(30)
    with contextlib.suppress(ConnectionError, TimeoutError):
        while chunk := sock.recv(1 << 20):
            data += chunk
    return data


@pytest.fixture(scope="module")
def impatient(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Stalled readers dropped after 1 s, bodies due within 1 s, 2 requests and 1 stream per client."""
    env = {
        "PATHGRAD_SEND_STALL_SECONDS": "1",
        "PATHGRAD_BODY_TIMEOUT_SECONDS": "4",
        "PATHGRAD_MAX_REQUESTS_PER_CLIENT": "2",
        "PATHGRAD_MAX_TRAIN_STREAMS_PER_CLIENT": "1",
    }
    with running(serve_command(), tmp_path_factory.mktemp("impatient"), env) as server:
        yield server


def test_a_stalled_training_stream_is_dropped_and_its_run_finalised(impatient: Server) -> None:
    sock = raw_post(impatient.port, "/api/train", json.dumps(BIG_EVENTS).encode(), receive_buffer=4096)
    try:
        # The client reads nothing. The server fills the socket's buffers, waits a second for the
        # client to take something, drops it and ends the run, while the client still holds its end.
        assert eventually(lambda: health(impatient)["training_runs"] == 1, 60)  # it has begun
        assert eventually(lambda: health(impatient)["training_runs"] == 0, 60)
        received = read_all(sock)
    finally:
        sock.close()
    assert received.startswith(b"HTTP/1.1 200")
    assert b"event: start" in received
    assert b"event: done" not in received  # cut off: it never got to the end
    assert_still_serving(impatient)


def test_a_body_that_does_not_arrive_in_time_gets_408(impatient: Server) -> None:
    sock = socket.create_connection(("127.0.0.1", impatient.port), timeout=30)
    try:
        sock.sendall(
            b"POST /api/graph HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b'Content-Length: 100\r\n\r\n{"source": "x = 1'
        )  # and the other 83 bytes never come
        answer = read_all(sock)
    finally:
        sock.close()
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408"), answer[:300]
    assert b"body_timeout_seconds" in body
    assert_still_serving(impatient)


# --- 4. fair slots ------------------------------------------------------------------------------


def test_one_client_cannot_take_every_request_slot(impatient: Server) -> None:
    release = threading.Event()
    sent = threading.Semaphore(0)
    statuses: list[int] = []

    def slow_upload() -> None:
        def body() -> Iterator[bytes]:
            yield b'{"source": "x = 1; '
            sent.release()  # the first part is on its way: the request holds its slot
            release.wait(3.0)  # in flight while the body comes (within body_timeout_seconds)
            yield b'y = x"}'

        with client_from(ATTACKER, timeout=30) as attacker:
            response = attacker.post(f"{impatient.base}/api/graph", content=body(), headers=JSON)
        statuses.append(response.status_code)

    uploads = [threading.Thread(target=slow_upload) for _ in range(2)]
    for upload in uploads:
        upload.start()
    try:
        assert sent.acquire(timeout=20) and sent.acquire(timeout=20), "the uploads did not start"
        assert eventually(lambda: _refused(impatient), 2.5)
        with client_from(GOOD, timeout=30) as good:
            assert good.post(f"{impatient.base}/api/graph", json=TINY).status_code == 200
    finally:
        release.set()
        for upload in uploads:
            upload.join(30)
    assert statuses == [200, 200]


def _refused(server: Server) -> bool:
    with client_from(ATTACKER, timeout=30) as attacker:
        response = attacker.post(f"{server.base}/api/graph", json=TINY)
    if response.status_code != 503:
        return False
    assert response.headers["retry-after"] == "1"
    assert "max_requests_per_client" in response.json()["detail"]
    return True


def test_one_client_cannot_take_every_training_stream(impatient: Server) -> None:
    slow = {"preset": "xor", "steps": 200_000, "sample_every": 200}
    with (
        client_from(ATTACKER, timeout=60) as attacker,
        attacker.stream("POST", f"{impatient.base}/api/train", json=slow) as held,
    ):
        assert held.status_code == 200
        second = attacker.post(f"{impatient.base}/api/train", json=slow)
        assert second.status_code == 503, second.text[:300]
        assert "max_train_streams_per_client" in second.json()["detail"]
        with client_from(GOOD, timeout=60) as good:
            answer = good.post(f"{impatient.base}/api/train", json={"preset": "neuron", "steps": 10})
        assert answer.status_code == 200
        assert answer.text.strip().split("\n\n")[-1].startswith("event: done")
    # The held stream was closed by its client: its run ends and frees its process.
    assert eventually(lambda: health(impatient)["training_runs"] == 0, 60)
