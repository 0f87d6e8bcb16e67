"""Latency of the REST API through a live `pathgrad serve` on loopback."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent

XOR_LOSS = """\
w1 = 0.5; w2 = -0.4; w3 = 0.3; w4 = 0.8; w5 = -0.6; w6 = 0.9; b1 = 0.1; b2 = -0.2; b3 = 0.05
x1a = 0; x2a = 0; x1b = 0; x2b = 1; x1c = 1; x2c = 0; x1d = 1; x2d = 1
ya = sigmoid(w5*sigmoid(x1a*w1 + x2a*w2 + b1) + w6*sigmoid(x1a*w3 + x2a*w4 + b2) + b3)
yb = sigmoid(w5*sigmoid(x1b*w1 + x2b*w2 + b1) + w6*sigmoid(x1b*w3 + x2b*w4 + b2) + b3)
yc = sigmoid(w5*sigmoid(x1c*w1 + x2c*w2 + b1) + w6*sigmoid(x1c*w3 + x2c*w4 + b2) + b3)
yd = sigmoid(w5*sigmoid(x1d*w1 + x2d*w2 + b1) + w6*sigmoid(x1d*w3 + x2d*w4 + b2) + b3)
C = (ya - 0)^2 + (yb - 1)^2 + (yc - 1)^2 + (yd - 0)^2
"""


def chain_program(nodes: int) -> str:
    """A program of about ``nodes`` graph nodes: a chain of small layers."""
    lines = ["x = 0.5; w = 0.9; b = 0.1", "h0 = x"]
    for i in range(1, nodes // 6 + 1):
        # Six nodes a line (with the constant 0.5); |h| stays below 2.
        lines.append(f"h{i}=sin(h{i - 1}*w+b)+h{i - 1}*0.5")
    return "\n".join(lines)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def live_server(workers: int = 1, settings: dict[str, str] | None = None) -> Iterator[str]:
    """`pathgrad serve` on a free port, with extra PATHGRAD_* environment `settings`; yields its URL."""
    port = free_port()
    env = dict(os.environ, PATHGRAD_LOG_LEVEL="warning", **(settings or {}))
    process = subprocess.Popen(
        [sys.executable, "-m", "pathgrad.cli", "serve", "--port", str(port), "--workers", str(workers)],
        env=env,
        cwd=ROOT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(base + "/api/health", timeout=1).status_code == 200:
                    break
            time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return ordered[len(ordered) // 2], ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def measure(client: httpx.Client, base: str, body: dict, count: int) -> tuple[float, float, int]:
    nodes = 0
    for _ in range(3):  # warm up
        response = client.post(base + "/api/graph", json=body)
        response.raise_for_status()
        nodes = response.json()["stats"]["nodes"]
    samples = []
    for _ in range(count):
        start = time.perf_counter()
        client.post(base + "/api/graph", json=body).raise_for_status()
        samples.append(time.perf_counter() - start)
    p50, p99 = percentiles(samples)
    return p50, p99, nodes


def api_rows() -> list[tuple[str, str, str, str]]:
    rows = []
    with live_server() as base, httpx.Client(timeout=30) as client:
        p50, p99, nodes = measure(client, base, {"source": XOR_LOSS}, 300)
        rows.append((f"POST /api/graph, XOR loss program ({nodes} nodes), live server",
                     f"p50 {p50 * 1e3:.1f} ms, p99 {p99 * 1e3:.1f} ms", "p99 ≤ 20 ms", ""))
        p50, p99, nodes = measure(client, base, {"source": chain_program(10_000)}, 40)
        rows.append((f"POST /api/graph, {nodes:,}-node program, live server",
                     f"p50 {p50 * 1e3:.0f} ms, p99 {p99 * 1e3:.0f} ms", "p99 ≤ 300 ms", ""))
    return rows
