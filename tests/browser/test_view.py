"""The graph reads at a glance: every preset at Fit, at a laptop's sizes, measured in Chromium."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from pathgrad.presets import PRESETS

from .helpers import open_app

WINDOWS = [(1440, 900), (1280, 720)]
MIN_TEXT_PX = 11.0

# Measured in the page: each drawn node's title and value as rendered (font size x zoom), its box
# against the graph's pane, overlaps between node boxes, and edge labels on nodes or on each other.
MEASURE = """() => {
  const pane = document.querySelector('#graph').getBoundingClientRect();
  const px = (el, at = el) => parseFloat(getComputedStyle(el).fontSize) * at.getScreenCTM().a;
  const nodes = [...document.querySelectorAll('#graph g.node')].map((g) => {
    const title = g.querySelector('text.title');
    const value = g.querySelector('text.val tspan.v');
    const r = g.querySelector('rect.box').getBoundingClientRect();
    return {
      id: g.dataset.id, title: title?.textContent ?? '', value: value?.textContent ?? null,
      titlePx: title ? px(title) : 0, valuePx: value ? px(value, value.parentNode) : null,
      visible: title ? getComputedStyle(title).display !== 'none' : false,
      box: [r.left, r.top, r.right, r.bottom], compact: g.classList.contains('kind-const'),
    };
  });
  const labels = [...document.querySelectorAll('#graph g.edge-label')].map((g) => {
    const r = g.querySelector('rect').getBoundingClientRect();
    return { id: g.dataset.id, text: g.textContent, box: [r.left, r.top, r.right, r.bottom] };
  });
  return { pane: [pane.left, pane.top, pane.right, pane.bottom], nodes, labels,
           count: Number(document.querySelector('#graph svg').dataset.nodes) };
}"""


def overlap(a: list[float], b: list[float], slack: float = 0.5) -> bool:
    return a[0] < b[2] - slack and b[0] < a[2] - slack and a[1] < b[3] - slack and b[1] < a[3] - slack


def legibility_problems(m: dict[str, Any]) -> list[str]:
    """What is not readable in a measured drawing (an empty list when all is)."""
    problems = []
    pane = m["pane"]
    if len(m["nodes"]) != m["count"]:
        problems.append(f"{m['count'] - len(m['nodes'])} nodes not drawn")
    for n in m["nodes"]:
        name = n["title"] or n["id"]
        if not n["title"] or not n["visible"]:
            problems.append(f"{n['id']} has no visible name")
        if n["titlePx"] < MIN_TEXT_PX:
            problems.append(f"{name}: name at {n['titlePx']:.1f} px")
        if not n["compact"] and (n["valuePx"] is None or n["valuePx"] < MIN_TEXT_PX or not n["value"]):
            problems.append(f"{name}: value at {n['valuePx']} px")
        b = n["box"]
        if b[0] < pane[0] - 0.5 or b[1] < pane[1] - 0.5 or b[2] > pane[2] + 0.5 or b[3] > pane[3] + 0.5:
            problems.append(f"{name} is outside the view")
    nodes = m["nodes"]
    for i, a in enumerate(nodes):
        for b in nodes[:i]:
            if overlap(a["box"], b["box"]):
                problems.append(f"{a['title']} overlaps {b['title']}")
    labels = m["labels"]
    for i, a in enumerate(labels):
        for n in nodes:
            if overlap(a["box"], n["box"]):
                problems.append(f"edge label {a['text']} ({a['id']}) on node {n['title']}")
        for b in labels[:i]:
            if overlap(a["box"], b["box"]):
                problems.append(f"edge labels {a['text']} and {b['text']} overlap")
    return problems


def open_settled(page: Page, base: str, preset: str | None) -> None:
    """Open the page (on a preset), and wait until its graph is laid out for its final pane."""
    open_app(page, base, None)
    if preset:
        page.select_option("#examples", f"preset:{preset}")
        expect(page.locator("#preset-info")).to_have_attribute("data-preset", preset)
    expect(page.locator("#graph")).not_to_have_class(re.compile(r"\bstale\b"))
    # Hiding a panel to make room re-lays the graph out once the pane has grown.
    expect(page.locator("#graph")).to_have_attribute("data-settled", "true")
    page.wait_for_timeout(400)
    expect(page.locator("#graph")).to_have_attribute("data-settled", "true")


@pytest.fixture
def sized_page(browser: Browser, live_server: str) -> Iterator[Callable[[int, int], Page]]:
    contexts = []

    def make(width: int, height: int) -> Page:
        ctx = browser.new_context(viewport={"width": width, "height": height})
        ctx.set_default_timeout(10_000)
        contexts.append(ctx)
        return ctx.new_page()

    yield make
    for ctx in contexts:
        ctx.close()


SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


@pytest.mark.parametrize("window", WINDOWS, ids=[f"{w}x{h}" for w, h in WINDOWS])
@pytest.mark.parametrize("preset", [None, *PRESETS], ids=["first-example", *PRESETS])
def test_every_preset_reads_at_fit(
    sized_page: Callable[[int, int], Page], live_server: str, preset: str | None, window: tuple[int, int]
) -> None:
    page = sized_page(*window)
    open_settled(page, live_server, preset)
    m = page.evaluate(MEASURE)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"fit-{preset or 'first-example'}-{window[0]}x{window[1]}.png"))
    assert m["nodes"], "nothing drawn"
    problems = legibility_problems(m)
    assert not problems, f"zoom {page.get_attribute('#graph', 'data-zoom')}: " + "; ".join(problems[:12])
