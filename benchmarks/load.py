"""Load test on loopback: concurrent clients against `pathgrad serve --workers 2`.

Two drivers. wrk (Debian's `wrk`, when installed: a C load generator that costs the machine a few
percent of what the server does) keeps CLIENTS connections busy for SECONDS, from one address, so
its server lets one client have them all (PATHGRAD_MAX_REQUESTS_PER_CLIENT=CLIENTS): these are the
figures of the goal. An httpx asyncio driver keeps CLIENTS requests in flight for SECONDS (and at
most MAX_REQUESTS), each client posting the next body as soon as its answer is in, each from an
address of its own; it costs about as much CPU per request as the server, on the same two cores, so
its rates are lower. Runs:

- a mix of POST /api/graph and POST /api/paths over every preset (paths from the preset's
  `view_input`): zero errors expected;
- the neuron program alone (/api/graph and /api/paths alternately): goal ≥ 1,000 requests/s with
  p99 ≤ 50 ms;
- the reference: GET /api/health, the framework's own floor on this machine, at the same concurrency;
- the slowest legal requests found under the default limits, one at a time against one worker, with
  the latency of /api/health polled beside them (computed in a compute process, they no longer hold
  the worker's event loop).

The server writes its JSON access log (the default) to a temporary file, as it would in production.
The driver shares the machine's cores with the server (and with whatever else runs): each run also
reports the CPU time the server's workers and the driver spent per request, so the ceiling of two
otherwise idle cores, 2 s / (server + driver), can be told from what the machine gave this run.

Run alone: `.venv/bin/python benchmarks/load.py`; `load_rows()` gives the rows to benchmarks/run.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx

if importlib.util.find_spec("sniffio") is None:
    # httpcore imports sniffio on every lock it makes; when sniffio is not installed each attempt
    # searches sys.path again, which costs the driver more than a request costs the server. A None
    # entry makes the failed import immediate (httpcore then assumes asyncio, which it is).
    sys.modules["sniffio"] = None  # type: ignore[assignment]

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = 32
SECONDS = 30.0
REFERENCE_SECONDS = 10.0
WARMUP_SECONDS = 2.0
MAX_REQUESTS = 200_000
WORKERS = 2
GOAL_RPS = 1_000
GOAL_P99_MS = 50.0

Row = tuple[str, str, str, str]
Request = tuple[str, str, bytes | None]  # method, path, JSON body


@dataclass
class Result:
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    sent: int = 0  # every request, warm-up included (the CPU figures are per request sent)
    server_cpu: float = 0.0  # seconds, all workers, warm-up included
    driver_cpu: float = 0.0
    load_average: float = 0.0  # the machine's, over the last minute, at the end
    # wrk reports a count and percentiles, not each latency: when set, these stand for `latencies`.
    reported_count: int = 0
    reported_percentiles: dict[float, float] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return self.reported_count or len(self.latencies)

    @property
    def rate(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        if q in self.reported_percentiles:
            return self.reported_percentiles[q]
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(len(ordered) * q))] if ordered else float("nan")

    def summary(self) -> str:
        errors = sum(self.errors.values())
        text = (
            f"{self.rate:,.0f} req/s, p50 {self.percentile(0.50) * 1e3:.1f} ms, "
            f"p99 {self.percentile(0.99) * 1e3:.1f} ms, {errors} errors in {self.count + errors:,}"
        )
        if errors:
            text += " (" + ", ".join(f"{kind} ×{n}" for kind, n in self.errors.most_common(3)) + ")"
        return text

    def cpu(self) -> str:
        """CPU per request and the two-core ceiling it implies."""
        sent = max(self.sent, 1)
        server, driver = self.server_cpu / sent * 1e6, self.driver_cpu / sent * 1e6
        ceiling = 2e6 / (server + driver) if server + driver else 0.0
        return (
            f"CPU per request: server {server:.0f} µs + driver {driver:.0f} µs, so ≤ {ceiling:,.0f} req/s "
            f"on 2 idle cores; load average {self.load_average:.1f}"
        )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Served:
    base: str
    pid: int

    def worker_pids(self) -> list[int]:
        """The processes that answer: uvicorn's spawned workers (or the server itself if it has none)
        and their compute processes."""
        workers = [c for c in _children(self.pid) if b"spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes()]
        answering = workers or [self.pid]
        return answering + [g for w in answering for g in _children(w)]


def _children(pid: int) -> list[int]:
    children: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(OSError):
            children += [int(child) for child in (task / "children").read_text().split()]
    return children


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes (Linux /proc)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # a compute process killed and replaced meanwhile
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def wait_started(base: str, process: subprocess.Popen[bytes], seconds: float) -> None:
    """Wait until `pathgrad serve` at `base` answers /api/health; raise if it exits or takes longer."""
    deadline = time.monotonic() + seconds
    while True:
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(base + "/api/health", timeout=1).status_code == 200:
                return
        if time.monotonic() > deadline or process.poll() is not None:
            raise RuntimeError("pathgrad serve did not start")
        time.sleep(0.1)


@contextlib.contextmanager
def server(workers: int = WORKERS, env: dict[str, str] | None = None) -> Iterator[Served]:
    """`pathgrad serve --workers N` on a free loopback port, its access log in a temporary file
    (``env``: more PATHGRAD_* settings)."""
    port = free_port()
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "pathgrad.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
             "--workers", str(workers)],
            cwd=ROOT,
            env={**os.environ, **(env or {})},
            stdout=log,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            wait_started(base, process, 60)  # it warms its compute processes first
            yield Served(base, process.pid)
        finally:
            process.terminate()
            process.wait(timeout=15)


def preset_requests(base: str, names: list[str] | None = None) -> tuple[list[Request], list[str]]:
    """POST /api/graph and /api/paths for each preset (all of them unless ``names``).

    Each is tried once first; one the API declines with a 422 (paths are listed for scalar graphs
    only, so not for the array preset) is left out and named in the second list.
    """
    presets = httpx.get(base + "/api/presets", timeout=10).json()
    requests: list[Request] = []
    left_out: list[str] = []
    for preset in presets:
        if names is not None and preset["name"] not in names:
            continue
        candidates = [("/api/graph", {"preset": preset["name"]})]
        if preset["view_input"]:
            candidates.append(("/api/paths", {"preset": preset["name"], "input": preset["view_input"]}))
        for path, body in candidates:
            status = httpx.post(base + path, json=body, timeout=30).status_code
            if status == 422:
                left_out.append(f"{path} {preset['name']}")
            else:
                requests.append(("POST", path, json.dumps(body).encode()))
    return requests, left_out


async def drive(
    served: Served,
    requests: list[Request],
    seconds: float,
    clients: int = CLIENTS,
    max_requests: int = MAX_REQUESTS,
) -> Result:
    """``clients`` concurrent clients sending ``requests`` round-robin for ``seconds``.

    Each client has its own connection (its own AsyncClient), as separate users would; one shared
    pool of 32 connections costs httpcore more CPU per request than the server spends.
    """
    result = Result()
    headers = {"content-type": "application/json"}
    base = served.base

    async def one_client(offset: int, warm_until: float, until: float) -> None:
        one_connection = httpx.Limits(max_connections=1)
        # Each client from an address of its own (127.0.0.10, .11, ...), as separate users would be:
        # the server's per-client limits count addresses.
        transport = httpx.AsyncHTTPTransport(limits=one_connection, local_address=f"127.0.0.{10 + offset}")
        async with httpx.AsyncClient(base_url=base, transport=transport, timeout=30) as client:
            k = offset
            while (now := time.perf_counter()) < until and result.count < max_requests:
                record = now >= warm_until
                method, path, body = requests[k % len(requests)]
                k += 1
                result.sent += 1
                start = time.perf_counter()
                try:
                    response = await client.request(method, path, content=body, headers=headers)
                except httpx.HTTPError as error:
                    if record:
                        result.errors[type(error).__name__] += 1
                    continue
                if not record:
                    continue
                if response.status_code == 200:
                    result.latencies.append(time.perf_counter() - start)
                else:
                    result.errors[f"HTTP {response.status_code}"] += 1

    workers = served.worker_pids()
    server_before, driver_before = cpu_seconds(workers), time.process_time()
    warm_until = time.perf_counter() + WARMUP_SECONDS
    until = warm_until + seconds
    await asyncio.gather(*(one_client(k, warm_until, until) for k in range(clients)))
    result.seconds = min(time.perf_counter(), until) - warm_until  # shorter if max_requests stopped it
    result.server_cpu = cpu_seconds(workers) - server_before
    result.driver_cpu = time.process_time() - driver_before
    result.load_average = os.getloadavg()[0]
    return result


# wrk's script: the requests in turn on each connection; at the end, one line of JSON.
WRK_SCRIPT = """
local requests = {%s}
local turn = 0
request = function()
  turn = turn %% #requests + 1
  local r = requests[turn]
  return wrk.format(r[1], r[2], {["Content-Type"] = "application/json"}, r[3])
end
done = function(summary, latency, requests)
  local s = summary
  io.write(string.format(
    '\\nWRK {"requests": %%d, "seconds": %%f, "non2xx": %%d, "socket": %%d, ' ..
    '"p50": %%d, "p99": %%d}\\n',
    s.requests, s.duration / 1e6, s.errors.status,
    s.errors.connect + s.errors.read + s.errors.write + s.errors.timeout,
    latency:percentile(50), latency:percentile(99)))
end
"""


def _lua_string(text: str) -> str:
    return "[==[" + text + "]==]"


def wrk(served: Served, requests: list[Request], seconds: float, clients: int = CLIENTS) -> Result:
    """``clients`` connections of wrk (two threads) sending ``requests`` in turn for ``seconds``."""
    entries = ", ".join(
        "{" + ", ".join(_lua_string(x) for x in (m, p, (b or b"").decode())) + "}"
        for m, p, b in requests
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(WRK_SCRIPT % entries)
        script.flush()
        command = ["wrk", "-t2", f"-c{clients}", f"-d{seconds:g}s", "--timeout", "10s", "-s", script.name,
                   served.base]
        # Warm up first (connections, the compute processes' first requests).
        warm = [*command[:3], f"-d{WARMUP_SECONDS:g}s", *command[4:]]
        subprocess.run(warm, capture_output=True, check=True)
        workers = served.worker_pids()
        server_before = cpu_seconds(workers)
        children_before = os.times().children_user + os.times().children_system
        done = subprocess.run(command, capture_output=True, check=True, text=True)
        after = os.times()
    line = next(x for x in done.stdout.splitlines() if x.startswith("WRK "))
    figures = json.loads(line[4:])
    result = Result(seconds=figures["seconds"])
    result.sent = figures["requests"]
    result.server_cpu = cpu_seconds(workers) - server_before
    result.driver_cpu = after.children_user + after.children_system - children_before
    result.load_average = os.getloadavg()[0]
    errors = Counter({"HTTP non-2xx": figures["non2xx"], "socket errors": figures["socket"]})
    result.errors = +errors
    result.reported_count = figures["requests"] - sum(result.errors.values())
    result.reported_percentiles = {0.50: figures["p50"] / 1e6, 0.99: figures["p99"] / 1e6}
    return result


def wrk_measure(seconds: float = SECONDS) -> dict[str, Result] | None:
    """The neuron run, the same with every request in a compute process (the small-request thread
    off: as before it), and the reference, driven by wrk (None when wrk is not installed)."""
    if shutil.which("wrk") is None:
        return None
    # wrk's connections all come from 127.0.0.1: one client that may use every slot.
    one_client = {"PATHGRAD_MAX_REQUESTS_PER_CLIENT": str(CLIENTS)}
    results: dict[str, Result] = {}
    with server(env=one_client) as served:
        neuron, _ = preset_requests(served.base, ["neuron"])
        results["neuron"] = wrk(served, neuron, seconds)
        results["health"] = wrk(served, [("GET", "/api/health", None)], min(seconds, REFERENCE_SECONDS))
    with server(env={**one_client, "PATHGRAD_SMALL_REQUEST_NODES": "0"}) as served:
        results["neuron, compute processes"] = wrk(served, neuron, seconds)
    return results


def small_candidates() -> list[tuple[str, str, dict[str, object]]]:
    """Requests near the small-request bounds (settings.small_request_*): (label, path, body)."""

    def ladder(diamonds: int) -> str:
        lines = ["x = 0.9", "d0 = x"]
        for i in range(1, diamonds + 1):
            lines.append(f"a{i} = sin(d{i - 1}); b{i} = cos(d{i - 1}); d{i} = a{i} * b{i}")
        return "\n".join([*lines, f"y = d{diamonds}"])

    chain = "x = 1.0001\ny = " + "*".join(["x"] * 30)
    candidates: list[tuple[str, str, dict[str, object]]] = []
    for diamonds in (4, 5, 10, 20):
        for view in ("operations", "values"):
            body = {"source": ladder(diamonds), "view": view}
            candidates.append((f"a ladder of {diamonds} diamonds, {view} view", "/api/graph", body))
    return [
        *candidates,
        ("a product of 30 x, forward mode", "/api/graph", {"source": chain, "options": {"forward": "x"}}),
        ("neuron", "/api/graph", {"preset": "neuron"}),
        ("neuron", "/api/paths", {"preset": "neuron", "input": "w"}),
    ]


def heaviest_small() -> tuple[str, str, bytes, float, float]:
    """The slowest of ``small_candidates`` that the small-request thread answers, timed here as the
    thread runs it (best of 5): (label, path, body, its milliseconds, the neuron graph's)."""
    from pathgrad.api import tasks
    from pathgrad.api.models import GraphRequest, PathsRequest
    from pathgrad.settings import Settings

    settings = Settings()
    timed: list[tuple[float, str, str, bytes]] = []
    for label, path, body in small_candidates():
        model = (GraphRequest if path == "/api/graph" else PathsRequest).model_validate(body)
        task = tasks.TASKS[path.rsplit("/", 1)[1]]
        encoded = _compact(body)
        if len(encoded) > settings.small_request_bytes:
            continue
        try:
            seconds = min(_timed(task, settings, model) for _ in range(5))
        except tasks.NotSmall:
            continue  # the compute processes answer it: not a small request
        timed.append((seconds * 1e3, f"{path} {label}", path, encoded))
    neuron = next(ms for ms, label, _, _ in timed if label == "/api/graph neuron")
    ms, label, path, body = max(timed)
    return label, path, body, ms, neuron


def _timed(task: Callable[..., object], settings: object, model: object) -> float:
    start = time.perf_counter()
    task(settings, model, small=True)
    return time.perf_counter() - start


def health_beside(
    path: str, body: bytes, seconds: float, env: dict[str, str] | None = None
) -> tuple[Result, list[float]]:
    """32 clients send ``body`` to ``path`` for ``seconds`` (wrk, else httpx) while one more client
    asks for /api/health in turn: the load's result and health's latencies (seconds)."""
    waits: list[float] = []
    stop = threading.Event()
    one_client = {"PATHGRAD_MAX_REQUESTS_PER_CLIENT": str(CLIENTS + 1), **(env or {})}
    with server(env=one_client) as served:

        def poll() -> None:
            with httpx.Client(base_url=served.base, timeout=30) as client:
                client.get("/api/health")
                while not stop.is_set():
                    start = time.perf_counter()
                    client.get("/api/health").raise_for_status()
                    waits.append(time.perf_counter() - start)
                    time.sleep(0.01)

        poller = threading.Thread(target=poll)
        poller.start()
        try:
            load: list[Request] = [("POST", path, body)]
            if shutil.which("wrk"):
                result = wrk(served, load, seconds)
            else:
                result = asyncio.run(drive(served, load, seconds))
        finally:
            stop.set()
            poller.join()
    return result, waits


def slowest_requests() -> list[tuple[str, str, bytes]]:
    """The heaviest legal requests found under the default limits: (label, path, body).

    /api/graph: the largest answer under max_response_bytes (32 MiB): a 316×316 array through two
    layers with forward mode, so that values, adjoints and tangents are all sent (20 such arrays, as
    the seed allowed, would be a 120 MB answer: a 422 now).
    /api/paths: 20,000 nodes (max_nodes) of products of x, 1,000 paths listed (max_paths_limit).
    """
    layers = "\n".join(f"A{i} = sin(A{i - 1}) @ W" for i in range(1, 3))
    graph = {
        "source": f"W = 0\nA0 = W\n{layers}\ny = sum(A2)",
        "values": {"W": [[1] * 316] * 316},
        "options": {"forward": "W"},
    }
    paths = {"source": "x = 1.0000001\ny = " + "*".join(["x"] * 19_990), "input": "x", "limit": 1_000}
    return [
        ("POST /api/graph, 316×316 arrays, two layers, forward mode", "/api/graph", _compact(graph)),
        ("POST /api/paths, 20,000-node product, 1,000 paths listed", "/api/paths", _compact(paths)),
    ]


def _compact(body: object) -> bytes:
    return json.dumps(body, separators=(",", ":")).encode()


def _timed_post(url: str, body: bytes, outcome: dict[str, float]) -> None:
    start = time.perf_counter()
    response = httpx.post(url, content=body, headers={"content-type": "application/json"}, timeout=120)
    response.raise_for_status()
    outcome["seconds"] = time.perf_counter() - start
    outcome["mb"] = len(response.content) / 1e6


def slowest_rows() -> list[Row]:
    """Each slowest request alone against one worker, /api/health polled on the side meanwhile."""
    rows: list[Row] = []
    with server(workers=1) as served, httpx.Client(base_url=served.base, timeout=30) as health:
        base = served.base
        for label, path, body in slowest_requests():
            health.get("/api/health")  # the connection is open before the heavy request starts
            outcome: dict[str, float] = {}
            heavy = threading.Thread(target=_timed_post, args=(base + path, body, outcome))
            heavy.start()
            waits: list[float] = []
            time.sleep(0.05)
            while heavy.is_alive():
                start = time.perf_counter()
                health.get("/api/health").raise_for_status()
                waits.append((time.perf_counter() - start) * 1e3)
                time.sleep(0.02)
            heavy.join()
            waits.sort()
            beside = (
                f"/api/health beside it ({len(waits)} tries): best {waits[0]:.0f} ms, "
                f"median {waits[len(waits) // 2]:.0f} ms, worst {waits[-1]:,.0f} ms"
            ) if waits else ""
            rows.append((
                f"slowest legal {label} ({len(body) / 1e3:.0f} KB body), one worker",
                f"{outcome['seconds']:.1f} s, {outcome['mb']:.0f} MB answer",
                "< max_compute_seconds (10 s)",
                beside,
            ))
    return rows


def measure(seconds: float = SECONDS) -> tuple[dict[str, Result], list[str]]:
    """The three runs against one `pathgrad serve --workers 2`, and the requests left out."""
    with server() as served:
        mixed, left_out = preset_requests(served.base)
        neuron, _ = preset_requests(served.base, ["neuron"])
        health: list[Request] = [("GET", "/api/health", None)]
        results = {
            "mixed": asyncio.run(drive(served, mixed, seconds)),
            "neuron": asyncio.run(drive(served, neuron, seconds)),
            "health": asyncio.run(drive(served, health, min(seconds, REFERENCE_SECONDS))),
        }
        return results, left_out


def load_rows(seconds: float = SECONDS) -> list[Row]:
    """Rows (what, measured, goal, reference) for benchmarks/run.py."""
    goal = f"≥ {GOAL_RPS:,} req/s, p99 ≤ {GOAL_P99_MS:g} ms, 0 errors"
    rows: list[Row] = []
    by_wrk = wrk_measure(seconds)
    if by_wrk is not None:
        setup = f"wrk, {CLIENTS} connections, {seconds:g} s, --workers {WORKERS}, loopback"
        reference = f"wrk, {CLIENTS} connections, {min(seconds, REFERENCE_SECONDS):g} s"
        for name, what, target in [
            ("neuron", f"neuron program, /api/graph + /api/paths ({setup})", goal),
            ("neuron, compute processes", "the same, every request in a compute process "
             "(PATHGRAD_SMALL_REQUEST_NODES=0: as before the small-request thread)", ""),
            ("health", f"reference: GET /api/health ({reference})", ""),
        ]:
            rows.append((f"load: {what}", by_wrk[name].summary(), target, by_wrk[name].cpu()))
    results, left_out = measure(seconds)
    setup = f"httpx, {CLIENTS} clients, {seconds:g} s, --workers {WORKERS}, loopback"
    health = results["health"]
    skipped = f"; without {', '.join(left_out)} (422)" if left_out else ""
    no_wrk = " (wrk is not installed: apt-get install wrk)"
    for name, what, target in [
        ("mixed", f"/api/graph + /api/paths over every preset ({setup}{skipped})", "0 errors"),
        ("neuron", f"neuron program, /api/graph + /api/paths ({setup})",
         "0 errors" if by_wrk is not None else goal + no_wrk),
    ]:
        rows.append((f"load: {what}", results[name].summary(), target, results[name].cpu()))
    reference = f"httpx, {CLIENTS} clients, {min(seconds, REFERENCE_SECONDS):g} s"
    rows.append((f"load, reference: GET /api/health ({reference})", health.summary(), "", health.cpu()))
    label, path, body, ms, neuron_ms = heaviest_small()
    rows.append((
        f"slowest small request found ({label}, {len(body):,} B body): its work in the small-request thread",
        f"{ms:.1f} ms",
        "a few ms (bounded by the small_request_* settings, not by a deadline)",
        f"the neuron graph: {neuron_ms:.2f} ms",
    ))
    pooled = {"PATHGRAD_SMALL_REQUEST_NODES": "0"}
    for lane, env in [("small-request thread", {}), ("compute processes", pooled)]:
        load, waits = health_beside(path, body, min(seconds, REFERENCE_SECONDS), env)
        waits.sort()
        rows.append((
            f"GET /api/health while {CLIENTS} clients send that request, in the {lane} ({load.summary()})",
            f"{len(waits)} tries: p50 {waits[len(waits) // 2] * 1e3:.1f} ms, "
            f"p99 {waits[int(len(waits) * 0.99)] * 1e3:.1f} ms, worst {waits[-1] * 1e3:.1f} ms",
            "≤ 50 ms" if not env else "",
            load.cpu(),
        ))
    return rows + slowest_rows()


def main() -> int:
    from run import print_table

    print(f"pathgrad load test: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    print_table(load_rows())
    return 0


if __name__ == "__main__":
    sys.exit(main())
