"""The time budgets the test suite used to assert, measured here beside their goals.

The tests assert outcomes (a 4xx that says what, the limit named, the count exact); how fast those
outcomes come is a figure of this table, so that a loaded machine makes a slow row, not a red test.
Each row times the very inputs its test uses (imported from the test modules), best of three.

Run alone: `.venv/bin/python benchmarks/budgets.py`; `budget_rows()` gives the rows to run.py.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the tests' inputs: tests.api.test_adversarial, ...

Row = tuple[str, str, str, str]


def best_of_three(work: Callable[[], object]) -> float:
    """The best of three runs of ``work``, in seconds."""
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


def _slowest(timed: dict[str, float]) -> str:
    name = max(timed, key=timed.__getitem__)
    median = sorted(timed.values())[len(timed) // 2]
    return f"slowest {timed[name] * 1e3:.0f} ms ({name}); median {median * 1e3:.1f} ms"


def hostile_request_rows() -> list[Row]:
    """tests/api/test_adversarial.py's hostile requests, each answered 4xx, against 100 ms."""
    from fastapi.testclient import TestClient
    from tests.api.test_adversarial import HOSTILE, JSON, hostile_body

    from pathgrad.api.app import create_app
    from pathgrad.settings import Settings

    client = TestClient(create_app(Settings()), raise_server_exceptions=False)
    timed: dict[str, float] = {}
    for path in ("/api/graph", "/api/paths"):
        for name in HOSTILE:
            body = hostile_body(name, path)

            def post(body: bytes = body, path: str = path, name: str = name) -> None:
                status = client.post(path, content=body, headers=JSON).status_code
                if not 400 <= status < 500:
                    raise AssertionError(f"{path} {name}: {status}")

            timed[f"{path} {name}"] = best_of_three(post)
    health = best_of_three(lambda: client.get("/api/health"))
    return [(
        f"hostile requests answered 4xx ({len(HOSTILE)} kinds × 2 endpoints, in-process client, best of 3)",
        _slowest(timed),
        "each ≤ 100 ms",
        f"GET /api/health, same client: {health * 1e3:.1f} ms",
    )]


def hostile_program_rows() -> list[Row]:
    """tests/language/test_adversarial.py's hostile programs refused, against 1 s (they used to be
    asserted one by one), and the longest program the default limits allow, built."""
    from tests.language.test_adversarial import HOSTILE_PROGRAMS, LONGEST_DEFAULT_PROGRAM

    from pathgrad.language import LanguageError, build_program

    def refuse(source: str) -> None:
        try:
            build_program(source)
        except LanguageError:
            return
        raise AssertionError("not refused")

    timed = {f"{source[:24]!r}… ({limit})": best_of_three(lambda s=source: refuse(s))
             for source, limit in HOSTILE_PROGRAMS}
    longest = best_of_three(lambda: build_program(LONGEST_DEFAULT_PROGRAM))
    return [
        (f"hostile programs refused ({len(HOSTILE_PROGRAMS)}, best of 3)", _slowest(timed), "each ≤ 1 s", ""),
        (f"the longest program the default limits allow ({len(LONGEST_DEFAULT_PROGRAM):,} characters), built",
         f"{longest * 1e3:.0f} ms", "≤ 1 s", ""),
    ]


def path_rows() -> list[Row]:
    """tests/test_paths.py: counting 2^30 paths, listing a few of 2^30 tied or zero paths."""
    from tests.test_paths import _ladder

    from pathgrad import relu
    from pathgrad.engine import Var
    from pathgrad.paths import count_paths, paths

    x = Var(0.4)
    ladder = _ladder(x, 30)
    counting = best_of_three(lambda: count_paths(ladder, x))
    one = Var(1.0)
    doubled = one
    for _ in range(30):
        doubled = doubled + doubled
    tied = best_of_three(lambda: paths(doubled, one, limit=20))
    minus = Var(-1.0)
    negative = minus
    for _ in range(30):
        negative = negative + negative
    zeros = relu(negative)
    zero = best_of_three(lambda: paths(zeros, minus, limit=5))
    return [
        ("paths: count the 2^30 paths of a ladder of 30 diamonds", f"{counting * 1e3:.1f} ms", "≤ 1 s", ""),
        ("paths: list 20 of 2^30 tied paths (h = h + h, 30 times)", f"{tied * 1e3:.1f} ms", "≤ 1 s", ""),
        ("paths: list 5 of 2^30 zero products (relu of a negative sum)", f"{zero * 1e3:.1f} ms", "≤ 1 s", ""),
    ]


def training_rows() -> list[Row]:
    """tests/test_training.py and tests/api/test_train.py: a run stops at max_train_seconds."""
    from fastapi.testclient import TestClient

    from pathgrad.api.app import create_app
    from pathgrad.presets import PRESETS
    from pathgrad.service import build
    from pathgrad.settings import Settings
    from pathgrad.training import OptimizerSettings, TrainingRun

    built = build(PRESETS["xor"].source())
    params = {n: leaf for n, leaf in built.leaves.items() if leaf.kind == "param"}
    run = TrainingRun(built.output, params, OptimizerSettings(), 10**9, 10**6, max_seconds=0.2)
    start = time.perf_counter()
    records = list(run.records())
    core = time.perf_counter() - start
    with TestClient(create_app(Settings(max_train_seconds=0.3))) as client:
        start = time.perf_counter()
        client.post("/api/train", json={"preset": "xor", "steps": 200_000})
        stream = time.perf_counter() - start
    return [
        ("training run with max_seconds=0.2 (10^9 steps asked): ends after",
         f"{core:.2f} s ({records[-1].step:,} steps)", "≈ 0.2 s, ≤ 5 s", ""),
        ("POST /api/train, max_train_seconds=0.3, 200,000 steps asked: the stream ends after",
         f"{stream:.2f} s", "≈ 0.3 s, ≤ 10 s", ""),
    ]


def deadline_rows() -> list[Row]:
    """tests/deploy/test_limits_live.py: a 504 comes at request_timeout_seconds, not when the work is
    over."""
    import subprocess

    import httpx
    from tests.deploy.test_limits_live import HEAVY_PATHS

    from load import free_port, wait_started

    port = free_port()
    env = {**os.environ, "PATHGRAD_REQUEST_TIMEOUT_SECONDS": "0.5", "PATHGRAD_MAX_TRAIN_SECONDS": "0.4",
           "PATHGRAD_ACCESS_LOG": "false"}
    process = subprocess.Popen(
        [sys.executable, "-m", "pathgrad.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_started(base, process, 30)
        start = time.perf_counter()
        status = httpx.post(f"{base}/api/paths", json=HEAVY_PATHS, timeout=30).status_code
        elapsed = time.perf_counter() - start
    finally:
        process.terminate()
        process.wait(15)
    return [(
        f"a request past request_timeout_seconds=0.5 (HEAVY_PATHS, over 1 s of work): HTTP {status} after",
        f"{elapsed:.2f} s",
        "at the deadline: 0.45–1.0 s",
        "",
    )]


def budget_rows() -> list[Row]:
    return hostile_request_rows() + hostile_program_rows() + path_rows() + training_rows() + deadline_rows()


if __name__ == "__main__":
    from run import print_table

    print_table(budget_rows())
