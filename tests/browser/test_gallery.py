"""The activation gallery in Chromium: each function on its own range, tick labels clear of the curves."""

from __future__ import annotations

import json
import re
import urllib.request

import pytest
from playwright.sync_api import Page, expect

from .helpers import open_app

pytestmark = pytest.mark.browser

# For each plot: the curves' drawn extent, and every curve point that falls inside a tick label's box.
MEASURE = """() => [...document.querySelectorAll('#gallery .gallery-cell')].map((cell) => {
  const svg = cell.querySelector('svg.fplot');
  const paths = [...svg.querySelectorAll('path.f, path.df')];
  const points = paths.flatMap((p) => {
    const n = 200, len = p.getTotalLength();
    return Array.from({ length: n + 1 }, (_, i) => p.getPointAtLength((len * i) / n));
  });
  const ticks = [...svg.querySelectorAll('text.tick')]
    .map((t) => ({ text: t.textContent, box: t.getBBox() }));
  const hits = ticks.flatMap(({ text, box }) => points
    .filter((q) => q.x >= box.x && q.x <= box.x + box.width && q.y >= box.y && q.y <= box.y + box.height)
    .map(() => text));
  const top = Math.min(...points.map((q) => q.y));
  const vb = svg.viewBox.baseVal;
  const boxes = ticks.every(({ box }) => box.width > 0 && box.height > 0);
  return { op: cell.dataset.op, hits, top, height: vb.height, boxes };
})"""


def activation_rows(live_server: str) -> list[dict]:
    """The rows of the live server's GET /api/ops marked as activations, in the table's order."""
    with urllib.request.urlopen(f"{live_server}/api/ops", timeout=10) as res:
        return [op for op in json.load(res) if op["activation"]]


def test_each_activation_has_its_own_range_and_ticks_clear_of_the_curves(
    page: Page, live_server: str
) -> None:
    activations = [op["name"] for op in activation_rows(live_server)]
    open_app(page, live_server)
    page.click("#tab-train")
    expect(page.locator("#gallery .gallery-cell svg.fplot")).to_have_count(len(activations))
    for plot in page.locator("#gallery .gallery-cell svg.fplot").all():
        expect(plot).to_be_visible()  # measured boxes of hidden text would be empty
    plots = {p["op"]: p for p in page.evaluate(MEASURE)}
    assert all(p["boxes"] for p in plots.values())
    assert list(plots) == activations  # the table's activations, in its order
    assert {"sigmoid", "tanh", "relu", "leaky_relu"} <= set(plots)
    for op, p in plots.items():
        assert p["hits"] == [], f"{op}: a tick label sits on a curve ({p['hits']})"
        # The curve's top is drawn inside the plot, not clipped at a shared ceiling.
        assert p["top"] > 4, f"{op}: the curve reaches the plot's top edge ({p['top']})"
    relu_ticks = page.locator('#gallery .gallery-cell[data-op="relu"] text.y-tick').all_text_contents()
    assert relu_ticks == ["1", "5"], relu_ticks
    sigmoid_ticks = page.locator('#gallery .gallery-cell[data-op="sigmoid"] text.y-tick').all_text_contents()
    assert sigmoid_ticks == ["1"], sigmoid_ticks


def test_the_gallery_and_the_legend_show_every_activation_of_the_table(page: Page, live_server: str) -> None:
    rows = activation_rows(live_server)
    # A program with one unit of each activation: each is marked on its own plot.
    units = [f"h{i} = {op['name']}(x)" for i, op in enumerate(rows)]
    source = "\n".join(["x = 0.5", *units, "y = " + " + ".join(f"h{i}" for i in range(len(rows)))])
    open_app(page, live_server, source)
    for op in rows:  # the legend lists every row of the table, with its derivative rule
        row = page.locator(f'#ops tr[data-op="{op["name"]}"]')
        expect(row).to_have_count(1)
        expect(row.locator("td.formula")).to_have_text(op["formula"])
    page.click("#tab-train")
    for op in rows:
        cell = page.locator(f'#gallery .gallery-cell[data-op="{op["name"]}"]')
        expect(cell).to_be_visible()
        expect(cell.locator("svg.fplot path.f")).to_have_count(1)
        expect(cell.locator("svg.fplot path.df")).to_have_count(1)
        expect(cell).to_have_attribute("data-units", "1")
        # The dot's tooltip gives the unit's f and f′ at x = 0.5, as the engine computed them.
        xs = op["curve"]["x"]
        k = min(range(len(xs)), key=lambda j: abs(xs[j] - 0.5))
        tip = cell.locator("circle.mark-f title").text_content() or ""
        assert "input 0.5," in tip, tip
        assert f"f = {op['curve']['f'][k]:.4g}," in tip and f"f′ = {op['curve']['df'][k]:.4g}" in tip, tip


def test_a_value_changed_while_the_gallery_is_hidden_is_plotted_when_it_is_shown(page: Page, live_server: str) -> None:
    # The gallery (in the Train tab) draws its plots only when it can be seen; what it then draws is
    # the graph of now, not of when it was hidden.
    open_app(page, live_server, "x = 0.5; w = 1\nh = sigmoid(w*x)\ny = h")
    expect(page.locator("#gallery")).to_be_hidden()
    page.fill('input[type=number][data-leaf="x"]', "2")
    expect(page.locator("#graph-info")).to_have_text(re.compile(r"output h = 0\.880797"))
    page.click("#tab-train")
    tip = page.locator('#gallery .gallery-cell[data-op="sigmoid"] circle.mark-f title')
    expect(tip).to_contain_text("input 2,")
    # Shown, it follows each new value at once.
    page.fill('input[type=number][data-leaf="w"]', "-1")
    expect(tip).to_contain_text("input −2,")
