"""A hostile neighbour on loopback: does a well-behaved client still get served?

Against one `pathgrad serve --workers 2` with its default settings:

1. reference: the good client alone (127.0.0.1: four connections posting the neuron program to
   /api/graph and /api/paths, and /api/health polled every 100 ms) for REFERENCE_SECONDS;
2. attack: the same good client while an attacker from 127.0.0.2 runs, for ATTACK_SECONDS,
   - stalled training streams: runs whose every event is ~400 KB, on sockets with a 4 KB receive
     buffer that never read (each held 10 s, then replaced), STALLED of them at once;
   - heavy path listings: the "hub" program (a ladder of 10 diamonds into H, then one strong and
     9,900 weak branches) and a 2,000-rung ladder, 1,000 paths each, HEAVY loops at once;
   - huge answers: 20 arrays of 316×316 with forward mode (about 120 MB of JSON), and the largest
     answer the limits let through, read to the end, HUGE loops at once;
   - slow bodies: uploads that send half a body and stop, SLOW at once;
3. after: 20 s with the good client only, the server's memory sampled.

Reported: the good client's answers, errors and p99 in each phase; /api/health's worst and p99
latency; the server's memory (all its processes, RSS) at start, at its peak and 20 s after the attack;
training runs left. A guard stops the server if its memory passes GUARD_BYTES (the seed's server
under this attack grows by gigabytes).

`--source DIR` serves the package from DIR/backend instead (e.g. a `git archive` of an older commit)
to measure the same attack against it. Run alone: `.venv/bin/python benchmarks/hostile.py`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import multiprocessing
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from load import wait_started

ROOT = Path(__file__).resolve().parent.parent
GOOD, ATTACKER = "127.0.0.1", "127.0.0.2"
REFERENCE_SECONDS = 10.0
ATTACK_SECONDS = 30.0
AFTER_SECONDS = 20.0
GOOD_CLIENTS = 4
STALLED, HEAVY, HUGE, SLOW = 16, 4, 4, 8
GUARD_BYTES = 6 * 1024**3
GOAL_P99_MS, GOAL_HEALTH_MS = 300.0, 100.0
GOAL_PEAK_BYTES, GOAL_AFTER_BYTES = 2 * 1024**3, 300 * 1024**2

Row = tuple[str, str, str, str]
JSON = {"content-type": "application/json"}


def _compact(body: object) -> bytes:
    return json.dumps(body, separators=(",", ":")).encode()


NEURON = _compact({"preset": "neuron"})
NEURON_PATHS = _compact({"preset": "neuron", "input": "w"})


def hub_program() -> str:
    lines = ["x = 1", "c = 0.001"]
    h = "x"
    for i in range(10):
        lines.append(f"d{i} = {h}*2 + {h}*3")
        h = f"d{i}"
    return "\n".join([*lines, f"H = {h}", "y = " + "+".join(["H"] + ["H*c"] * 9_900)])


HEAVY_BODIES = [
    _compact({"source": hub_program(), "input": "x", "limit": 1000}),
    _compact({
        "source": "x0 = 1\n" + "\n".join(f"x{i + 1} = x{i}*2 + x{i}*3" for i in range(2000)),
        "input": "x0",
        "limit": 1000,
    }),
]
LAYERS = "\n".join(f"A{i} = sin(A{i - 1}) @ W" for i in range(1, 10))
HUGE_BODIES = [
    _compact({
        "source": f"W = 0\nA0 = W\n{LAYERS}\ny = sum(A9)",
        "values": {"W": [[1] * 316] * 316},
        "options": {"forward": "W"},
    }),
    # About 25 MB of answer: under max_response_bytes (32 MiB), so it is built and sent.
    _compact({
        "source": "W = 0\nA = sin(W)\nB = sin(A)\ny = sum(B)",
        "values": {"W": [[1] * 300] * 300},
        "options": {"forward": "W"},
    }),
]
STALLED_BODY = _compact({
    "source": "W = 0\nX = 1\ny = sum(tanh(W @ X))",
    "values": {"W": [[0.01] * 100] * 100, "X": [[0.5] * 100] * 100},
    "params": ["W"],
    "steps": 300,
    "sample_every": 10,
})


def _children(pid: int) -> list[int]:
    found: list[int] = []
    with contextlib.suppress(OSError):
        for task in Path(f"/proc/{pid}/task").iterdir():
            with contextlib.suppress(OSError):
                found += [int(c) for c in (task / "children").read_text().split()]
    return found


def cpu_split(pid: int) -> tuple[float, float]:
    """CPU seconds so far of the server's HTTP processes (uvicorn's workers) and of their compute
    and training processes."""
    tick = os.sysconf("SC_CLK_TCK")

    def cpu(p: int) -> float:
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / tick
        return 0.0

    http, compute = 0.0, 0.0
    for worker in _children(pid):
        http += cpu(worker)
        compute += sum(cpu(child) for child in _children(worker))
    return http, compute


def tree_rss(pid: int) -> int:
    """RSS of ``pid`` and all its descendants, in bytes."""
    total, stack = 0, [pid]
    page = os.sysconf("SC_PAGE_SIZE")
    while stack:
        current = stack.pop()
        with contextlib.suppress(OSError, IndexError, ValueError):
            total += int(Path(f"/proc/{current}/statm").read_text().split()[1]) * page
        stack += _children(current)
    return total


@dataclass
class Served:
    base: str
    port: int
    process: subprocess.Popen[bytes]
    guard_tripped: bool = False


@contextlib.contextmanager
def server(source: Path | None) -> Iterator[Served]:
    with socket.socket() as probe:
        probe.bind((GOOD, 0))
        port = int(probe.getsockname()[1])
    env = dict(os.environ)
    if source is not None:
        env["PYTHONPATH"] = str(source / "backend")
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "pathgrad.cli", "serve", "--host", GOOD, "--port", str(port),
             "--workers", "2"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.DEVNULL,
        )
        base = f"http://{GOOD}:{port}"
        try:
            wait_started(base, process, 60)
            time.sleep(1.0)  # both workers up
            yield Served(base, port, process)
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@dataclass
class Phase:
    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    health: list[float] = field(default_factory=list)
    health_errors: int = 0
    details: dict[str, str] = field(default_factory=dict)  # the first answer of each kind of error

    def p99(self, values: list[float]) -> float:
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1e3 if ordered else float("nan")

    def good(self) -> str:
        errors = sum(self.errors.values())
        text = f"{len(self.latencies):,} answers, {errors} errors, p99 {self.p99(self.latencies):.0f} ms"
        if errors:
            text += " (" + ", ".join(
                f"{k} ×{n}: {self.details.get(k, '')[:120]}" for k, n in sorted(self.errors.items())
            ) + ")"
        return text

    def health_text(self) -> str:
        worst = max(self.health) * 1e3 if self.health else float("nan")
        text = f"p99 {self.p99(self.health):.0f} ms, worst {worst:,.0f} ms ({len(self.health)} polls)"
        return text + (f", {self.health_errors} failed" if self.health_errors else "")


async def good_client(base: str, until: float, phase: Phase) -> None:
    async def one(k: int) -> None:
        transport = httpx.AsyncHTTPTransport(local_address=GOOD, limits=httpx.Limits(max_connections=1))
        async with httpx.AsyncClient(base_url=base, transport=transport, timeout=30) as client:
            while time.monotonic() < until:
                path, body = ("/api/graph", NEURON) if k % 2 else ("/api/paths", NEURON_PATHS)
                k += 1
                start = time.perf_counter()
                try:
                    response = await client.post(path, content=body, headers=JSON)
                except httpx.HTTPError as error:
                    phase.errors[type(error).__name__] = phase.errors.get(type(error).__name__, 0) + 1
                    continue
                if response.status_code == 200:
                    phase.latencies.append(time.perf_counter() - start)
                else:
                    key = f"HTTP {response.status_code}"
                    phase.errors[key] = phase.errors.get(key, 0) + 1
                    phase.details.setdefault(key, response.text[:200])

    async def poll_health() -> None:
        transport = httpx.AsyncHTTPTransport(local_address=GOOD)
        async with httpx.AsyncClient(base_url=base, transport=transport, timeout=30) as client:
            while time.monotonic() < until:
                start = time.perf_counter()
                try:
                    (await client.get("/api/health")).raise_for_status()
                    phase.health.append(time.perf_counter() - start)
                except httpx.HTTPError:
                    phase.health_errors += 1
                await asyncio.sleep(0.1)

    await asyncio.gather(*(one(k) for k in range(GOOD_CLIENTS)), poll_health())


async def _raw(port: int, head: bytes, body: bytes, rcvbuf: int | None = None) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setblocking(False)
    if rcvbuf:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    sock.bind((ATTACKER, 0))
    loop = asyncio.get_running_loop()
    await loop.sock_connect(sock, (GOOD, port))
    await loop.sock_sendall(sock, head + body)
    return sock


def _head(path: str, length: int) -> bytes:
    return (f"POST {path} HTTP/1.1\r\nHost: {GOOD}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {length}\r\n\r\n").encode()


def _attack_process(base: str, port: int, seconds: float, results: Any) -> None:
    outcome: dict[str, int] = {}
    asyncio.run(attacker(base, port, time.monotonic() + seconds, outcome))
    results.put(outcome)


async def attacker(base: str, port: int, until: float, outcome: dict[str, int]) -> None:

    def count(key: str) -> None:
        outcome[key] = outcome.get(key, 0) + 1

    async def stalled() -> None:
        while time.monotonic() < until:
            try:
                sock = await _raw(port, _head("/api/train", len(STALLED_BODY)), STALLED_BODY, 4096)
            except OSError:
                count("stalled: refused")
                await asyncio.sleep(0.5)
                continue
            count("stalled streams opened")
            await asyncio.sleep(min(10.0, max(0.0, until - time.monotonic())))
            sock.close()

    async def slow_body() -> None:
        body = b'{"source": "x = 1; ' + b" " * 1000
        while time.monotonic() < until:
            try:
                sock = await _raw(port, _head("/api/graph", len(body) * 2), body)
            except OSError:
                await asyncio.sleep(0.5)
                continue
            count("slow bodies sent")
            await asyncio.sleep(min(15.0, max(0.0, until - time.monotonic())))
            sock.close()

    async def loop_posts(bodies: list[bytes], path: str, label: str) -> None:
        transport = httpx.AsyncHTTPTransport(local_address=ATTACKER, limits=httpx.Limits(max_connections=1))
        async with httpx.AsyncClient(base_url=base, transport=transport, timeout=120) as client:
            k = 0
            while time.monotonic() < until:
                body = bodies[k % len(bodies)]
                k += 1
                try:
                    response = await client.post(path, content=body, headers=JSON)
                    count(f"{label}: HTTP {response.status_code}")
                    if response.status_code == 503:
                        await asyncio.sleep(0.2)
                except httpx.HTTPError as error:
                    count(f"{label}: {type(error).__name__}")

    await asyncio.gather(
        *(stalled() for _ in range(STALLED)),
        *(slow_body() for _ in range(SLOW)),
        *(loop_posts(HEAVY_BODIES, "/api/paths", "heavy paths") for _ in range(HEAVY)),
        *(loop_posts(HUGE_BODIES, "/api/graph", "huge answers") for _ in range(HUGE)),
    )


class Memory:
    """Samples the server's RSS (all its processes) every 0.2 s; stops the server past the guard."""

    def __init__(self, served: Served) -> None:
        self.served = served
        self.samples: list[tuple[float, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Memory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            rss = tree_rss(self.served.process.pid)
            self.samples.append((time.monotonic(), rss))
            if rss > GUARD_BYTES and not self.served.guard_tripped:
                self.served.guard_tripped = True
                for pid in [self.served.process.pid]:
                    with contextlib.suppress(OSError):
                        os.kill(pid, 9)

    def peak(self, start: float, end: float) -> int:
        return max((rss for t, rss in self.samples if start <= t <= end), default=0)

    def at(self, moment: float) -> int:
        return min(self.samples, key=lambda s: abs(s[0] - moment))[1] if self.samples else 0


def training_runs(base: str) -> int:
    """The most training runs any worker reports (health is answered by either worker)."""
    most = 0
    for _ in range(20):
        with contextlib.suppress(httpx.HTTPError, ValueError):
            most = max(most, int(httpx.get(base + "/api/health", timeout=5).json()["training_runs"]))
    return most


def measure(source: Path | None = None) -> dict[str, object]:
    with server(source) as served, Memory(served) as memory:
        time.sleep(0.6)
        baseline = tree_rss(served.process.pid)
        reference = Phase()
        asyncio.run(good_client(served.base, time.monotonic() + REFERENCE_SECONDS, reference))
        attacked = Phase()
        outcome: dict[str, int] = {}
        start = time.monotonic()
        until = start + ATTACK_SECONDS

        # The attacker is a process of its own, as it would be: its reading of 25 MB answers must
        # not delay the good client's (or the health poll's) own event loop.
        context = multiprocessing.get_context("spawn")
        results = context.Queue()
        attack = context.Process(
            target=_attack_process, args=(served.base, served.port, ATTACK_SECONDS, results)
        )
        cpu_before = cpu_split(served.process.pid)
        attack.start()
        asyncio.run(good_client(served.base, until, attacked))
        with contextlib.suppress(Exception):
            outcome.update(results.get(timeout=60))
        attack.join(30)
        if attack.is_alive():
            attack.kill()
        end = time.monotonic()
        cpu_after = cpu_split(served.process.pid)
        load = os.getloadavg()[0]
        after = Phase()
        asyncio.run(good_client(served.base, end + AFTER_SECONDS, after))
        left = -1 if served.guard_tripped else training_runs(served.base)
        time.sleep(0.3)
        return {
            "reference": reference,
            "attacked": attacked,
            "after": after,
            "outcome": outcome,
            "baseline": baseline,
            "peak": memory.peak(start, end + AFTER_SECONDS),
            "after_rss": memory.at(end + AFTER_SECONDS),
            "runs_left": left,
            "guard": served.guard_tripped,
            # Compute processes killed meanwhile take their CPU time with them: a lower bound.
            "cpu": (cpu_after[0] - cpu_before[0], max(0.0, cpu_after[1] - cpu_before[1])),
            "load": load,
        }


def _mb(size: object) -> str:
    return f"{int(size) / 1024**2:,.0f} MB"  # type: ignore[call-overload]


def hostile_rows(source: Path | None = None, label: str = "") -> list[Row]:
    result = measure(source)
    reference, attacked = result["reference"], result["attacked"]
    assert isinstance(reference, Phase) and isinstance(attacked, Phase)
    what = f"hostile neighbour{label}, {ATTACK_SECONDS:g} s attack from {ATTACKER}, --workers 2"
    guard = " (memory guard tripped: server killed)" if result["guard"] else ""
    outcome = result["outcome"]
    assert isinstance(outcome, dict)
    attack = "; ".join(f"{k} ×{n}" for k, n in sorted(outcome.items()))
    return [
        (f"{what}: good client (neuron, {GOOD_CLIENTS} connections)", attacked.good() + guard,
         f"0 errors, p99 ≤ {GOAL_P99_MS:g} ms", f"alone, same run: {reference.good()}"),
        (f"{what}: /api/health during the attack", attacked.health_text(), f"≤ {GOAL_HEALTH_MS:g} ms",
         f"alone: {reference.health_text()}"),
        (f"{what}: server memory (all processes, RSS)",
         f"peak {_mb(result['peak'])}, {AFTER_SECONDS:g} s after {_mb(result['after_rss'])}",
         "peak ≤ 2 GB; after ≤ start + 300 MB", f"start {_mb(result['baseline'])}"),
        (f"{what}: training runs left after the attack", str(result["runs_left"]), "0", ""),
        (f"{what}: what the attacker got", attack[:400], "", ""),
        (f"{what}: CPU during the attack", f"HTTP processes {result['cpu'][0]:.1f} s, compute and "  # type: ignore[index]
         f"training processes ≥ {result['cpu'][1]:.1f} s, of {2 * ATTACK_SECONDS:g} s on 2 cores", "",
         f"load average at the end {result['load']:.1f} (the machine's, other work included)"),
    ]


def main(argv: list[str]) -> int:
    from run import print_table

    source = None
    if "--source" in argv:
        source = Path(argv[argv.index("--source") + 1]).resolve()
    label = f" (package from {source})" if source else ""
    print(f"pathgrad hostile-neighbour test: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    print_table(hostile_rows(source, label))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.exit(main(sys.argv[1:]))
