"""Touch and small screens: a phone's viewport, real touch input (Chromium's DevTools protocol)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, CDPSession, Page, expect

from .helpers import DIAMOND, open_app, play_to_end, state_hash

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser: Browser, live_server: str) -> Iterator[Page]:
    ctx = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True, device_scale_factor=2)
    ctx.set_default_timeout(10_000)
    try:
        yield ctx.new_page()
    finally:
        ctx.close()


def transform(page: Page) -> dict[str, float]:
    return page.evaluate(
        "() => { const m = document.querySelector('#graph .viewport').getCTM();"
        " return { x: m.e, y: m.f, k: m.a }; }"
    )


def touch(cdp: CDPSession, kind: str, points: list[tuple[float, float]]) -> None:
    cdp.send(
        "Input.dispatchTouchEvent",
        {"type": kind, "touchPoints": [{"x": x, "y": y, "id": i} for i, (x, y) in enumerate(points)]},
    )


def graph_centre(page: Page) -> tuple[float, float]:
    box: Any = page.locator("#graph").bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] * 0.8


def test_one_finger_pans_and_two_fingers_pinch_the_graph_not_the_page(phone: Page, live_server: str) -> None:
    phone.goto(f"{live_server}/{state_hash(DIAMOND, view='operations')}")
    expect(phone.locator("#graph svg g.node").first).to_be_attached()
    expect(phone.locator("#graph")).to_have_attribute("data-settled", "true")
    phone.wait_for_timeout(300)
    cdp = phone.context.new_cdp_session(phone)
    x, y = graph_centre(phone)  # background, below the drawing
    scroll = phone.evaluate("() => window.scrollY")
    before = transform(phone)

    touch(cdp, "touchStart", [(x, y)])
    for step in range(1, 6):
        touch(cdp, "touchMove", [(x + 10 * step, y - 8 * step)])
    touch(cdp, "touchEnd", [])
    panned = transform(phone)
    assert panned["x"] == pytest.approx(before["x"] + 50, abs=1)
    assert panned["y"] == pytest.approx(before["y"] - 40, abs=1)
    assert panned["k"] == pytest.approx(before["k"])

    touch(cdp, "touchStart", [(x - 40, y), (x + 40, y)])
    for step in range(1, 6):
        touch(cdp, "touchMove", [(x - 40 - 12 * step, y), (x + 40 + 12 * step, y)])
    touch(cdp, "touchEnd", [])
    pinched = transform(phone)
    assert pinched["k"] == pytest.approx(panned["k"] * 200 / 80, rel=0.02)
    # The page itself neither scrolled nor zoomed.
    assert phone.evaluate("() => window.scrollY") == scroll
    assert phone.evaluate("() => window.visualViewport.scale") == 1


def test_a_phone_shows_the_graph_first_and_keeps_the_sum_in_sight(phone: Page, live_server: str) -> None:
    open_app(phone, live_server)
    phone.fill("#source", DIAMOND)
    expect(phone.locator("#graph-info")).to_contain_text("output e = 6")
    order = phone.evaluate(
        """() => ['#graph', '#panel-paths', '#source']
                 .map((s) => document.querySelector(s).getBoundingClientRect().top)"""
    )
    assert order == sorted(order), "graph, then the paths, then the program"
    graph = phone.locator("#graph").bounding_box()
    assert graph and graph["y"] < 160 and graph["height"] > 380
    expect(phone.locator("#legend")).not_to_have_attribute("open", "")
    # Tapping a leaf selects it.
    phone.locator("#graph g.node", has=phone.locator("text.title", has_text=re.compile(r"^a$"))).tap()
    expect(phone.locator("#paths-title")).to_have_text("Paths from a to e")
    play_to_end(phone)
    sigma = phone.locator("#sigma-float")
    expect(sigma).to_be_visible()
    expect(sigma).to_have_text(re.compile(r"^Σ = 2 · path 1 of 1$"))
    in_sight = phone.evaluate(
        "() => { const r = document.querySelector('#sigma-float').getBoundingClientRect();"
        " return r.top >= 0 && r.bottom <= innerHeight; }"
    )
    assert in_sight
    phone.click("#help-toggle")
    expect(phone.locator("#help")).to_contain_text("pinch")
