"""The activation gallery in Chromium: each function on its own range, tick labels clear of the curves."""

from __future__ import annotations

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


def test_each_activation_has_its_own_range_and_ticks_clear_of_the_curves(
    page: Page, live_server: str
) -> None:
    open_app(page, live_server)
    page.click("#tab-train")
    expect(page.locator("#gallery .gallery-cell svg.fplot")).to_have_count(4)
    for plot in page.locator("#gallery .gallery-cell svg.fplot").all():
        expect(plot).to_be_visible()  # measured boxes of hidden text would be empty
    plots = {p["op"]: p for p in page.evaluate(MEASURE)}
    assert all(p["boxes"] for p in plots.values())
    assert set(plots) == {"sigmoid", "tanh", "relu", "leaky_relu"}
    for op, p in plots.items():
        assert p["hits"] == [], f"{op}: a tick label sits on a curve ({p['hits']})"
        # The curve's top is drawn inside the plot, not clipped at a shared ceiling.
        assert p["top"] > 4, f"{op}: the curve reaches the plot's top edge ({p['top']})"
    relu_ticks = page.locator('#gallery .gallery-cell[data-op="relu"] text.y-tick').all_text_contents()
    assert relu_ticks == ["1", "5"], relu_ticks
    sigmoid_ticks = page.locator('#gallery .gallery-cell[data-op="sigmoid"] text.y-tick').all_text_contents()
    assert sigmoid_ticks == ["1"], sigmoid_ticks
