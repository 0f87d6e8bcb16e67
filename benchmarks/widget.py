"""The notebook widget: the kernel's answers beside the API's, and what its one ES module costs.

* a paths answer computed in the kernel (``Session.answer``) beside the same request through a live
  ``pathgrad serve`` on loopback (what the page pays);
* a leaf moved in the widget on a graph built in Python (its leaves set, the graph evaluated again,
  the paths listed);
* the ES module's size beside the page's scripts, and the time to bundle it (``bundle()`` of
  model/bundle.js, as the browser does at the first render) under node.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from api import XOR_LOSS, live_server
from pathgrad import Node, Var, sigmoid
from pathgrad.notebook.assets import frontend_dir, module_sources, widget_esm
from pathgrad.notebook.session import Session

RUNS = 40


def median_ms(work: Callable[[], object], runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(1000 * (time.perf_counter() - start))
    return statistics.median(times)


def neuron_layer(width: int = 8) -> Node:
    """A layer of sigmoid units over one input, summed: a graph built in Python."""
    x = Var(0.5, name="x")
    total = sigmoid(Var(0.1, name="w0") * x + 0.1)
    for i in range(1, width):
        total = total + sigmoid(Var(0.1 * (i + 1), name=f"w{i}") * x + 0.1)
    return total


BUNDLE = """
import { readFileSync } from 'node:fs';
import { bundle } from '%s';
const sources = new Map(Object.entries(JSON.parse(readFileSync(process.argv[1], 'utf8'))));
const times = [];
for (let i = 0; i < 30; i++) {
  const t = performance.now();
  bundle('js/widget.js', sources);
  times.push(performance.now() - t);
}
times.sort((a, b) => a - b);
console.log(times[15].toFixed(2));
"""


def notebook_rows() -> list[tuple[str, str, str, str]]:
    body = {"source": XOR_LOSS, "input": "w1", "limit": 20}
    session = Session(source=XOR_LOSS)
    kernel: list[float] = []
    api: list[float] = []
    with live_server() as base, httpx.Client() as client:
        client.post(f"{base}/api/paths", json=body)  # warm
        for _ in range(RUNS):  # in turns, so that both meet the same machine
            kernel.append(median_ms(lambda: session.answer("paths", body), 1))
            api.append(median_ms(lambda: client.post(f"{base}/api/paths", json=body).raise_for_status(), 1))
    python = Session(output=neuron_layer())
    values = iter(range(10**6))
    moved = median_ms(
        lambda: python.answer("paths", {"source": "", "input": "x", "values": {"x": next(values) / 1e3}})
    )
    esm = len(widget_esm().encode())
    page = sum(len(p.read_bytes()) for p in (frontend_dir() / "js").rglob("*.js"))
    with tempfile.TemporaryDirectory() as folder:
        sources = Path(folder) / "sources.json"
        sources.write_text(json.dumps(module_sources("js/widget.js")), encoding="utf-8")
        bundler = (frontend_dir() / "js/model/bundle.js").as_uri()
        out = subprocess.run(["node", "--input-type=module", "-e", BUNDLE % bundler, str(sources)],
                             capture_output=True, text=True, check=True)
    return [
        ("widget: XOR paths answer in the kernel (median)", f"{statistics.median(kernel):.1f} ms",
         "< 50 ms (a slider)", f"the API on loopback: {statistics.median(api):.1f} ms"),
        ("widget: a leaf moved, Python graph of 8 units (median)", f"{moved:.1f} ms", "< 50 ms", "—"),
        ("widget: its one ES module", f"{esm / 1024:.0f} KiB", "< the page's scripts",
         f"the page's js/: {page / 1024:.0f} KiB"),
        ("widget: bundle() of its modules at first render (node, median)", f"{float(out.stdout):.1f} ms",
         "< 50 ms", "—"),
    ]


if __name__ == "__main__":
    from run import print_table

    print_table(notebook_rows())
