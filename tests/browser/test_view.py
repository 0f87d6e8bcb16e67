"""The graph reads at a glance: every preset at Fit, at a laptop's sizes, measured in Chromium."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from pathgrad.presets import PRESETS

from .helpers import open_app, play_to_end, state_hash

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


def legibility_problems(m: dict[str, Any], min_px: float = MIN_TEXT_PX) -> list[str]:
    """What is not readable in a measured drawing (an empty list when all is), text below min_px included."""
    problems = []
    pane = m["pane"]
    if len(m["nodes"]) != m["count"]:
        problems.append(f"{m['count'] - len(m['nodes'])} nodes not drawn")
    for n in m["nodes"]:
        name = n["title"] or n["id"]
        if not n["title"] or not n["visible"]:
            problems.append(f"{n['id']} has no visible name")
        if n["titlePx"] < min_px:
            problems.append(f"{name}: name at {n['titlePx']:.1f} px")
        if not n["compact"] and (n["valuePx"] is None or n["valuePx"] < min_px or not n["value"]):
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
    for a in labels:
        b = a["box"]
        if b[0] < pane[0] - 0.5 or b[1] < pane[1] - 0.5 or b[2] > pane[2] + 0.5 or b[3] > pane[3] + 0.5:
            problems.append(f"edge label {a['text']} ({a['id']}) is outside the view")
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
    expect(page.locator(".graph-pane")).not_to_have_class(re.compile(r"\bstale\b"))
    # Hiding a panel to make room re-lays the graph out once the pane has grown.
    expect(page.locator("#graph")).to_have_attribute("data-settled", "true")
    page.wait_for_timeout(400)
    expect(page.locator("#graph")).to_have_attribute("data-settled", "true")


@pytest.fixture
def sized_page(browser: Browser, live_server: str) -> Iterator[Callable[[int, int], Page]]:
    contexts = []

    def make(width: int, height: int, phone: bool = False) -> Page:
        ctx = browser.new_context(
            viewport={"width": width, "height": height}, has_touch=phone, is_mobile=phone,
            device_scale_factor=3 if phone else 1,
        )
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


# A phone (390×844 CSS px at 3 device pixels per px) cannot hold 25–32 nodes of three lines each at
# the laptop's 11 px: there every preset is drawn as text (names and values, never the overview's
# nameless boxes), in view and without overlaps, at ≥ PHONE_MIN_TEXT_PX, and the small presets
# (up to PHONE_FULL_SIZE_NODES nodes, wrapped into short bands) at the laptop's 11 px.
PHONE = (390, 844)
PHONE_MIN_TEXT_PX = 6.5
PHONE_FULL_SIZE_NODES = 15
PHONE_FULL_SIZE = {"neuron", "xor-one-sample"}


@pytest.mark.parametrize("preset", [None, *PRESETS], ids=["first-example", *PRESETS])
def test_every_preset_is_drawn_as_text_on_a_phone(
    sized_page: Callable[..., Page], live_server: str, preset: str | None
) -> None:
    page = sized_page(*PHONE, phone=True)
    open_settled(page, live_server, preset)
    m = page.evaluate(MEASURE)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"fit-{preset or 'first-example'}-{PHONE[0]}x{PHONE[1]}.png"))
    assert m["nodes"], "nothing drawn"
    full_size = preset in PHONE_FULL_SIZE
    if full_size:
        assert m["count"] <= PHONE_FULL_SIZE_NODES
    problems = legibility_problems(m, MIN_TEXT_PX if full_size else PHONE_MIN_TEXT_PX)
    assert not problems, f"zoom {page.get_attribute('#graph', 'data-zoom')}: " + "; ".join(problems[:12])
    # The page knows it is narrow: no note about a side panel hidden to make room.
    expect(page.locator("#toast")).not_to_have_class(re.compile(r"\bshown\b"))


def settle(page: Page, timeout: float = 5_000) -> None:
    expect(page.locator(".graph-pane")).not_to_have_class(re.compile(r"\bstale\b"), timeout=timeout)
    expect(page.locator(".graph-pane")).not_to_have_class(re.compile(r"\bbusy\b"), timeout=timeout)
    expect(page.locator("#graph")).to_have_attribute("data-settled", "true", timeout=timeout)


# Paths are listed for a number: xor-batched's inputs are arrays (listing paths for one element of
# an array is not built yet), so it has none to add up.
SCALAR_PRESETS = [name for name in PRESETS if name != "xor-batched"]


@pytest.mark.parametrize("preset", SCALAR_PRESETS)
def test_values_view_paths_add_up_to_the_gradient(page: Page, live_server: str, preset: str) -> None:
    """In the values view the listed paths, and the animation's running sum, give the gradient."""
    open_settled(page, live_server, preset)
    if page.get_attribute("#graph", "data-view") != "values":
        page.click("#view-values")
    expect(page.locator("#graph")).to_have_attribute("data-view", "values")
    settle(page)
    # The paths add up (✓); the check as a whole may still warn: a zero gradient (relu-chain,
    # xor-one-sample) is below what the finite difference can resolve, which is no tick.
    expect(page.locator("#check")).to_have_text(re.compile(r"^✓ the "))
    expect(page.locator("#check")).not_to_have_class(re.compile(r"\bbad\b"))
    gradient = page.text_content("#gradient")
    assert gradient and page.text_content("#listed-sum") == gradient
    play_to_end(page)
    expect(page.locator("#sigma")).to_have_text(gradient)


def test_switching_views_keeps_the_selection(page: Page, live_server: str) -> None:
    open_settled(page, live_server, "sigmoid-chain")
    page.select_option("#input-select", "w3")
    expect(page.locator("#paths-title")).to_have_text("Paths from w3 to C")
    gradient = page.text_content("#gradient")
    page.click("#view-operations")
    expect(page.locator("#graph")).to_have_attribute("data-view", "operations")
    expect(page.locator("#paths-title")).to_have_text("Paths from w3 to C")
    expect(page.locator("#gradient")).to_have_text(gradient or "")
    expect(page.locator("#input-select")).to_have_value("w3")
    page.keyboard.press("v")
    expect(page.locator("#graph")).to_have_attribute("data-view", "values")
    expect(page.locator("#input-select")).to_have_value("w3")


def test_find_jumps_and_zooms_to_a_node(page: Page, live_server: str) -> None:
    open_settled(page, live_server, "sigmoid-chain")
    page.click("#view-operations")
    settle(page)
    page.keyboard.press("/")
    expect(page.locator("#find")).to_be_focused()
    page.keyboard.type("h7")
    page.keyboard.press("Enter")
    found = page.locator("#graph g.node.found")
    expect(found).to_have_count(1)
    expect(found.locator("text.title")).to_have_text(re.compile(r"^h7 = "))
    where = page.evaluate(
        """() => {
            const pane = document.querySelector('#graph').getBoundingClientRect();
            const r = document.querySelector('#graph g.node.found rect.box').getBoundingClientRect();
            const k = document.querySelector('#graph .viewport').getCTM().a;
            return { dx: (r.left + r.right) / 2 - (pane.left + pane.right) / 2,
                     dy: (r.top + r.bottom) / 2 - (pane.top + pane.bottom) / 2, k };
        }"""
    )
    assert abs(where["dx"]) < 2 and abs(where["dy"]) < 2 and where["k"] >= 1
    page.fill("#find", "nothing-here")
    page.press("#find", "Enter")
    expect(page.locator("#find")).to_have_class(re.compile(r"\bnot-found\b"))


def test_focus_keeps_only_the_paths_of_the_input(page: Page, live_server: str) -> None:
    open_settled(page, live_server, "leaky-relu-wide")
    page.select_option("#input-select", "w3_2")
    expect(page.locator("#paths-title")).to_have_text("Paths from w3_2 to C")
    before = page.locator("#graph g.node").count()
    page.click("#focus")
    expect(page.locator("#focus")).to_have_attribute("aria-pressed", "true")
    # w3_2 -> y -> C: the only path, and nothing else is drawn.
    expect(page.locator("#graph g.node")).to_have_count(3)
    expect(page.locator("#graph-info")).to_contain_text(f"{before - 3} off the paths hidden")
    expect(page).to_have_url(re.compile(r"#.*\bfocus=1\b"))
    page.keyboard.press("o")
    expect(page.locator("#graph g.node")).to_have_count(before)


def test_fit_fits_a_thousand_layer_chain(page: Page, live_server: str) -> None:
    """Fit shows all of a 1,000-layer chain (4,000 operations): the smallest zoom follows the graph."""
    lines = ["x = 0.5", "w = 0.9", "h1 = sigmoid(w*x + 0.1)"]
    lines += [f"h{i} = sigmoid(w*h{i - 1} + 0.1)" for i in range(2, 1001)]
    # 4,000 operations to lay out and draw: on a loaded machine that takes seconds, so the waits are
    # longer than the other tests' (they bound the wait; nothing here measures a speed).
    wait = 40_000
    page.set_default_timeout(wait)
    open_app(page, live_server)
    page.fill("#source", "\n".join(lines))
    expect(page.locator("#graph-info")).to_contain_text("output h1000", timeout=wait)
    settle(page, wait)
    for view in ("values", "operations"):
        page.click(f"#view-{view}")
        expect(page.locator("#graph")).to_have_attribute("data-view", view, timeout=wait)
        settle(page, wait)
        page.click("#fit")
        fits = page.evaluate(
            """() => {
                const g = document.querySelector('#graph');
                const pane = g.getBoundingClientRect();
                const [w, h] = g.dataset.layoutSize.split('x').map(Number);
                const m = document.querySelector('#graph .viewport').getCTM();
                return { left: m.e, top: m.f, right: m.e + w * m.a, bottom: m.f + h * m.d,
                         width: pane.width, height: pane.height };
            }"""
        )
        assert fits["left"] >= -0.5 and fits["top"] >= -0.5, fits
        assert fits["right"] <= fits["width"] + 0.5 and fits["bottom"] <= fits["height"] + 0.5, fits


def test_a_wheel_zoom_out_of_the_overview_ends_on_the_drawing(page: Page, live_server: str) -> None:
    """While the wheel turns a big graph stays a picture; once it rests, the nodes are drawn as text."""
    lines = ["x = 0.5", "w = 0.9", "h1 = sigmoid(w*x + 0.1)"]
    lines += [f"h{i} = sigmoid(w*h{i - 1} + 0.1)" for i in range(2, 301)]
    page.set_default_timeout(40_000)
    page.goto(f"{live_server}/{state_hash(chr(10).join(lines), view='operations')}")
    expect(page.locator("#graph-info")).to_contain_text("output h300", timeout=40_000)
    settle(page, 40_000)
    svg = page.locator("#graph svg")
    expect(svg).to_have_class(re.compile(r"\boverview\b"))
    box = page.locator("#graph").bounding_box()
    assert box
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    zoom = float(page.get_attribute("#graph", "data-zoom") or 0)
    steps = 0
    while zoom * 1.062**steps < 0.6:  # each wheel step of -40 zooms in by e^0.06
        steps += 1
    for _ in range(steps):
        page.mouse.wheel(0, -40)
    expect(svg).not_to_have_class(re.compile(r"\boverview\b"), timeout=10_000)
    k = page.evaluate("() => document.querySelector('#graph .viewport').getCTM().a")
    assert k >= 0.45
    expect(page.locator("#graph g.node text.title").first).to_be_visible()


SVG_AND_PANE = """() => {
  const g = document.querySelector('#graph');
  const svg = g.querySelector('svg');
  return { svg: [svg.style.width, svg.style.height], pane: [g.clientWidth, g.clientHeight],
           drawn: svg.getBoundingClientRect().width };
}"""


def test_the_drawing_has_the_panes_size_in_pixels_and_follows_it(page: Page, live_server: str) -> None:
    """The SVG's size is the pane's, in pixels (a percentage size made the browser lay out every drawn
    element again whenever anything on the page was laid out), and it follows the pane."""
    open_settled(page, live_server, None)

    def sized() -> dict[str, Any]:
        m: dict[str, Any] = page.evaluate(SVG_AND_PANE)
        assert all(v.endswith("px") for v in m["svg"]), m
        width, height = (float(v.removesuffix("px")) for v in m["svg"])
        assert abs(width - m["pane"][0]) <= 1 and abs(height - m["pane"][1]) <= 1, m
        assert abs(m["drawn"] - width) <= 1, m
        return m

    before = sized()
    page.click("#toggle-right")  # the pane grows
    page.wait_for_function(
        "(w) => document.querySelector('#graph').clientWidth > w + 100", arg=before["pane"][0]
    )
    page.wait_for_timeout(200)
    after = sized()
    assert after["pane"][0] > before["pane"][0] + 100
