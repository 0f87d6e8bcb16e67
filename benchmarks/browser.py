"""The page in headless Chromium: first paint of a 5,000-node graph, and the path animation's frame rate.

`python benchmarks/browser.py` prints its table; `run()` returns the rows for benchmarks/run.py.
Needs Playwright for Python and Debian's Chromium at /usr/bin/chromium (or PATHGRAD_CHROMIUM);
it starts and stops its own `pathgrad serve`.

- First paint: the page's `pathgrad:rendered` event (frontend/js/app.js) times each new layout from
  the graph JSON's arrival to the end of the first frame that draws it (requestAnimationFrame, then a
  task). The page is opened on a shared link with an input selected, so that frame also holds the
  paths panel. A fresh browser context per run.
- Frame rate: requestAnimationFrame callbacks counted while the path animation plays at 1x.

Two programs: `chain_program` (benchmarks/api.py: a long chain of small layers, where many gradients
underflow to exactly 0), and `rnn_program` below (an unrolled recurrent net: every gradient is non-zero,
so every node and edge gets its own colour and width, and shared weights feed every step).
"""

from __future__ import annotations

import os
import statistics
import sys
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(1, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # tests.browser

from tests.browser.chromium import launched

from api import chain_program, live_server

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

VIEWPORT = {"width": 1400, "height": 900}
PAINT_NODES = 5_000
PAINT_RUNS = 5
FPS_NODES = 1_000
FPS_SECONDS = 4.0
TIMEOUT_MS = 120_000

# Keep the page's `pathgrad:rendered` events from the very first one.
COLLECT_RENDERED = """
window.__rendered = [];
window.addEventListener('pathgrad:rendered', (ev) => window.__rendered.push(ev.detail));
"""

# Count animation frames (requestAnimationFrame callbacks) for `ms`, and the longest gap between two.
COUNT_FRAMES = """
(ms) => new Promise((resolve) => {
  let frames = 0, first = null, last = null, worst = 0;
  const tick = (now) => {
    if (first === null) first = now;
    else { frames++; worst = Math.max(worst, now - last); }
    last = now;
    if (now - first < ms) requestAnimationFrame(tick);
    else resolve({ frames, ms: now - first, worst });
  };
  requestAnimationFrame(tick);
})
"""


def rnn_program(nodes: int, units: int = 4) -> str:
    """About ``nodes`` graph nodes: x, then steps of u_t = tanh(W u_{t-1} + c) for ``units`` units.

    W and c (units * (units + 1) parameters) are shared by every step, like a recurrent net's weights:
    their edges reach across the whole graph. The weights keep the state away from 0 and from
    saturation, so that no value or gradient is exactly 0.
    """
    lines = ["x = 0.5"]
    for j in range(units):
        for k in range(units):
            lines.append(f"w{j}{k} = {((j * 7 + k * 3) % 11 - 5.5) / 8:g}")
        lines.append(f"c{j} = {(j - (units - 1) / 2) / 10:g}")
    for j in range(units):
        lines.append(f"u0_{j} = tanh(w{j}0*x + c{j})")
    per_step = units * (2 * units + 1)  # units products, units - 1 + 1 sums, one tanh per unit
    steps = max(1, (nodes - len(lines)) // per_step)
    for t in range(1, steps + 1):
        for j in range(units):
            terms = " + ".join(f"w{j}{k}*u{t - 1}_{k}" for k in range(units))
            lines.append(f"u{t}_{j} = tanh({terms} + c{j})")
    lines.append("y = " + " + ".join(f"u{steps}_{j}" for j in range(units)))
    return "\n".join(lines)


PROGRAMS = {"chain": chain_program, "RNN": rnn_program}


def state_hash(source: str, input_name: str) -> str:
    """The page's shareable state (frontend/js/model/state.js): a program and the selected input."""
    return "#" + urlencode({"src": source, "in": input_name}, quote_via=quote)


def open_program(browser: Browser, base: str, source: str) -> tuple[Page, dict[str, Any]]:
    """A new page on `source` with `x` selected, once the graph and its paths are drawn."""
    page = browser.new_context(viewport=VIEWPORT).new_page()
    page.add_init_script(COLLECT_RENDERED)
    page.goto(f"{base}/{state_hash(source, 'x')}")
    page.wait_for_selector("#graph[data-paint-ms]", state="attached", timeout=TIMEOUT_MS)
    page.wait_for_selector("#paths-list li", state="attached", timeout=TIMEOUT_MS)
    detail: dict[str, Any] = page.evaluate("window.__rendered[0]")
    return page, detail


# How many elements the drawing holds once painted (the page draws only what is near the view).
COUNT_ELEMENTS = "document.querySelectorAll('#graph svg *').length"


def first_paint(browser: Browser, base: str, program: str = "chain") -> tuple[str, str]:
    source = PROGRAMS[program](PAINT_NODES)
    runs = []
    elements = 0
    for _ in range(PAINT_RUNS):
        page, detail = open_program(browser, base, source)
        elements = page.evaluate(COUNT_ELEMENTS)
        page.context.close()
        runs.append(detail)
    paint = statistics.median(r["paintMs"] for r in runs)
    script = statistics.median(r["scriptMs"] for r in runs)
    layout = statistics.median(r["layoutMs"] for r in runs)
    worst = max(r["paintMs"] for r in runs)
    return (
        f"layout + first paint, {runs[0]['nodes']:,}-node {program} graph, headless Chromium",
        f"median {paint:.0f} ms, max {worst:.0f} ms "
        f"(our script {script:.0f} ms, of it layout {layout:.0f} ms; {elements:,} SVG elements)",
    )


def animation_fps(browser: Browser, base: str, program: str = "chain") -> tuple[str, str]:
    page, detail = open_program(browser, base, PROGRAMS[program](FPS_NODES))
    try:
        page.click("#play")
        page.wait_for_selector("#app.playing")
        page.wait_for_timeout(500)  # past the first path's start
        counted = page.evaluate(COUNT_FRAMES, FPS_SECONDS * 1000)
        if not page.evaluate("document.querySelector('#app').classList.contains('playing')"):
            raise RuntimeError("the animation stopped before the frames were counted")
    finally:
        page.context.close()
    fps = counted["frames"] * 1000 / counted["ms"]
    return (
        f"path animation, {detail['nodes']:,}-node {program} graph, headless Chromium",
        f"{fps:.0f} frames/s (longest frame {counted['worst']:.0f} ms)",
    )


def run() -> list[tuple[str, str, str, str]]:
    from playwright.sync_api import sync_playwright

    with live_server() as base, sync_playwright() as playwright, launched(playwright) as browser:
        paints = [first_paint(browser, base, program) for program in PROGRAMS]
        fps = [animation_fps(browser, base, program) for program in PROGRAMS]
    return [
        *((*paint, "≤ 1 s", "ELK 5.6 s for 5,000 nodes; Netron unusable near 5,000") for paint in paints),
        *((*row, "≥ 50 frames/s", "a 60 Hz display") for row in fps),
    ]


def main() -> int:
    from run import print_table

    print_table(run())
    return 0


if __name__ == "__main__":
    sys.exit(main())
