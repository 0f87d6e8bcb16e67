"""A leaf change on the 4,000-node chain (issue 10, point 6): POST /api/paths with a new `w`.

Today's way (the program parsed and built afresh, the full 1.8 MB graph answered) beside the new
one (the compute process re-evaluates its kept program, and the client's `structure` gets only the
numbers), in process (the compute task alone) and over HTTP to a live server.
"""

from __future__ import annotations

import gc
import json
import statistics
import time
from collections.abc import Callable

import httpx
import numpy as np

from api import live_server
from pathgrad.api import tasks
from pathgrad.api.models import PathsRequest
from pathgrad.engine import tangents, topological_order
from pathgrad.gc_tuning import tune_gc
from pathgrad.gradcheck import finite_difference
from pathgrad.paths import paths
from pathgrad.program_cache import ProgramCache
from pathgrad.settings import Settings
from view import sigmoid_layers

LAYERS = 1000
ROUNDS = 25


def _median_ms(run: Callable[[int], object], rounds: int = ROUNDS) -> float:
    samples = []
    for k in range(rounds + 3):
        start = time.perf_counter()
        run(k)
        if k >= 3:  # warmed up
            samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1e3


def _w(k: int) -> float:
    return 0.85 + (k % 7) * 1e-3  # a new value each time, as a dragged number field sends


def in_process_rows() -> list[tuple[str, str, str, str]]:
    settings = Settings()
    source = sigmoid_layers(LAYERS)
    np.seterr(all="ignore")
    previous = tune_gc()  # as in a compute process

    def request(k: int, structure: str | None = None) -> PathsRequest:
        return PathsRequest(source=source, input="w", values={"w": _w(k)}, structure=structure)

    sizes: dict[str, int] = {}

    def fresh(k: int) -> None:
        sizes["fresh"] = len(tasks.paths(settings, request(k))[1])

    cache = ProgramCache(
        settings.program_cache_entries, settings.program_cache_nodes, settings.program_cache_min_nodes
    )
    first = json.loads(tasks.paths(settings, request(0), cache=cache)[1])
    structure = first["graph"]["structure"]

    def kept_full(k: int) -> None:
        tasks.paths(settings, request(k), cache=cache)

    def kept_numbers(k: int) -> None:
        sizes["numbers"] = len(tasks.paths(settings, request(k, structure), cache=cache)[1])

    today = _median_ms(fresh)
    full = _median_ms(kept_full)
    hits_before = cache.hits
    new = _median_ms(kept_numbers)
    assert cache.hits - hits_before == ROUNDS + 3, "every leaf change was a cache hit"
    # What is left: the witnesses and the path listing, which the answer needs whatever the build.
    program = cache.build(source, {"w": 0.85}, None, limits=settings.limits(), expand=False).program
    output, w = program.output, program.names["w"]
    order = topological_order([output])
    parts = {
        "paths()": _median_ms(lambda k: paths(output, w, 20)),
        "tangents": _median_ms(lambda k: tangents([output], w)),
        "finite_difference": _median_ms(lambda k: finite_difference(output, w)),
    }
    gc.set_threshold(*previous)
    nodes = len(order)
    what = f"leaf change, POST /api/paths, {LAYERS:,}-layer chain ({nodes:,} nodes), in process"
    return [
        (f"{what}: today (fresh build, full answer, {sizes['fresh'] / 1e6:.2f} MB)",
         f"{today:.0f} ms", "", "the reference"),
        (f"{what}: kept program, full answer", f"{full:.0f} ms", "", f"{today:.0f} ms today"),
        (f"{what}: kept program, structure given ({sizes['numbers'] / 1e6:.2f} MB)",
         f"{new:.0f} ms", "≤ 50 ms", f"{today:.0f} ms today"),
        (f"{what}: of which paths(), tangents, finite_difference",
         ", ".join(f"{v:.1f}" for v in parts.values()) + " ms", "", "unchanged work"),
    ]


def _http_ms(base: str, structure_back: bool) -> tuple[float, int]:
    source = sigmoid_layers(LAYERS)
    sizes = []
    with httpx.Client(timeout=60) as client:
        first = client.post(base + "/api/paths", json={"source": source, "input": "w"})
        first.raise_for_status()
        structure = first.json()["graph"]["structure"] if structure_back else None

        def run(k: int) -> None:
            body = {"source": source, "input": "w", "values": {"w": _w(k)}, "structure": structure}
            response = client.post(base + "/api/paths", json=body)
            response.raise_for_status()
            sizes.append(len(response.content))

        return _median_ms(run), sizes[-1]


def http_rows() -> list[tuple[str, str, str, str]]:
    what = f"leaf change, POST /api/paths, {LAYERS:,}-layer chain, live server"
    with live_server(settings={"PATHGRAD_PROGRAM_CACHE_ENTRIES": "0"}) as base:
        today, today_size = _http_ms(base, structure_back=False)
    with live_server() as base:
        new, new_size = _http_ms(base, structure_back=True)
    return [
        (f"{what}: today (no cache, full answer, {today_size / 1e6:.2f} MB)", f"{today:.0f} ms", "",
         "the reference"),
        (f"{what}: cache and structure ({new_size / 1e6:.2f} MB)", f"{new:.0f} ms", "",
         f"{today:.0f} ms today"),
    ]


def leaf_change_rows() -> list[tuple[str, str, str, str]]:
    return in_process_rows() + http_rows()


if __name__ == "__main__":
    from run import print_table

    print_table(leaf_change_rows())
