"""A leaf's new value in Chromium: the page sends the structure it holds and draws the numbers-only
answer into it; what it then shows is what a fresh page shows for that value, in both views."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from .helpers import state_hash

pytestmark = pytest.mark.browser

PROGRAM = "x = 0.5; w = 0.9; b = 0.1\nh1 = tanh(w*x + b)\nh2 = sigmoid(w*h1 + b)\ny = (h2 - 1)^2"
SHOWN = """() => ({
  info: document.querySelector('#graph-info').textContent,
  nodes: [...document.querySelectorAll('#graph svg g.node')].map((g) => g.textContent).sort(),
  edges: [...document.querySelectorAll('#graph svg .edge-label')].map((t) => t.textContent).sort(),
  paths: [...document.querySelectorAll('#paths-list li')].map((li) => li.textContent),
  sums: document.querySelector('.sums').textContent,
})"""


def open_on(page: Page, base: str, view: str, values: dict[str, float] | None = None) -> None:
    fields = {"in": "w", "view": view, **({"val": json.dumps(values)} if values else {})}
    page.goto(f"{base}/{state_hash(PROGRAM, **fields)}")
    expect(page.locator("#paths-list li").first).to_be_attached()


@pytest.mark.parametrize("view", ["operations", "values"])
def test_a_leaf_change_draws_the_numbers_only_answer_as_a_fresh_page_would(
    page: Page, live_server: str, view: str
) -> None:
    asked: list[dict[str, Any]] = []
    answered: list[dict[str, Any]] = []
    page.on("request", lambda r: asked.append(r.post_data_json) if r.url.endswith("/api/paths") else None)
    page.on("response", lambda r: answered.append(r.json()) if r.url.endswith("/api/paths") else None)
    open_on(page, live_server, view)
    first = page.text_content("#graph-info")
    held = answered[-1]["graph"]
    assert held["numbers_only"] is False
    page.fill('input[type=number][data-leaf="w"]', "-1.7")
    expect(page.locator("#graph-info")).not_to_have_text(first or "")
    page.wait_for_timeout(300)  # the paths panel follows in the same task; the marks settle
    # The page sent the structure it holds and got only the numbers back.
    assert asked[-1]["structure"] == held["structure"] and asked[-1]["values"] == {"w": -1.7}
    assert answered[-1]["graph"]["numbers_only"] is True
    after = page.evaluate(SHOWN)

    fresh = page.context.new_page()
    open_on(fresh, live_server, view, {"w": -1.7})
    expect(fresh.locator("#graph-info")).to_have_text(after["info"])
    fresh.wait_for_timeout(300)
    assert fresh.evaluate(SHOWN) == after
    assert re.search(r"= ", after["info"]) and len(after["nodes"]) >= 4 and after["paths"]
    fresh.close()


LAYERS = [f"h{i} = sigmoid(w*h{i - 1} + 0.1)" for i in range(2, 121)]
CHAIN = "\n".join(["x = 0.5", "w = 0.9", "h1 = sigmoid(w*x + 0.1)", *LAYERS])
# Each drawn node's id and text, and whether it lies in the pane's view.
DRAWN = """() => {
  const pane = document.querySelector('#graph').getBoundingClientRect();
  return [...document.querySelectorAll('#graph svg g.node')].map((g) => {
    const r = g.getBoundingClientRect();
    const seen = r.right > pane.left && r.left < pane.right && r.bottom > pane.top && r.top < pane.bottom;
    return [g.dataset.id, g.textContent, seen];
  });
}"""


def open_zoomed(page: Page, base: str, values: dict[str, float] | None = None) -> None:
    fields = {"in": "w", "view": "operations", **({"val": json.dumps(values)} if values else {})}
    page.goto(f"{base}/{state_hash(CHAIN, **fields)}")
    expect(page.locator("#paths-list li").first).to_be_attached(timeout=20_000)
    expect(page.locator("#graph")).to_have_attribute("data-settled", "true")
    for _ in range(30):  # to zoom 1: a view of a part of the chain, drawn with a margin around it
        if page.evaluate("() => document.querySelector('#graph .viewport').getCTM().a") >= 0.95:
            break
        page.click("#zoom-in")
    page.wait_for_timeout(400)


def test_elements_drawn_off_the_view_follow_a_leaf_change_too(page: Page, live_server: str) -> None:
    """The drawn nodes in view get a leaf's new numbers first, those in the margin around the view
    (drawn for panning) after that frame: a moment later every drawn node shows what a fresh page shows."""
    open_zoomed(page, live_server)
    before = page.evaluate(DRAWN)
    assert any(seen for _, _, seen in before) and not all(seen for _, _, seen in before), "a margin is drawn"
    first = page.text_content("#graph-info")
    page.fill('input[type=number][data-leaf="w"]', "-0.4")
    expect(page.locator("#graph-info")).not_to_have_text(first or "")
    page.wait_for_timeout(300)
    after = {i: text for i, text, _ in page.evaluate(DRAWN)}

    fresh = page.context.new_page()
    open_zoomed(fresh, live_server, {"w": -0.4})
    expected = {i: text for i, text, _ in fresh.evaluate(DRAWN)}
    fresh.close()
    common = set(after) & set(expected)
    off_view = {i for i, _, seen in before if not seen} & common
    assert off_view, "some nodes drawn off the view on both pages"
    assert {i: after[i] for i in common} == {i: expected[i] for i in common}
    changed = {i for i, text, _ in before if i in off_view and text != after[i]}
    assert changed, "the off-view nodes' numbers did change"
