"""Small helpers for the browser tests (the fixtures are in tests/conftest.py)."""

from __future__ import annotations

import re
from urllib.parse import quote, urlencode

from playwright.sync_api import Locator, Page, expect

DIAMOND = "a = 2; b = 1; e = (a+b)*(b+1)"
# The page opens on its first example, which has DIAMOND's graph: tests that type DIAMOND start
# from this program instead, so that waiting for DIAMOND's graph cannot be satisfied too early.
START = "u = 1\nv = 3*u"


def state_hash(source: str, **fields: str) -> str:
    """A shareable state (frontend/js/model/state.js): ``#src=...&in=...``."""
    return "#" + urlencode({"src": source, **fields}, quote_via=quote)


def open_app(page: Page, base: str, source: str | None = START) -> None:
    """Open the page on ``source`` (None: on the first example) and wait for its first graph."""
    page.goto(f"{base}/{state_hash(source) if source is not None else ''}")
    expect(page.locator("#graph svg g.node").first).to_be_attached()
    if source == START:
        expect(page.locator("#graph-info")).to_have_text(re.compile(r"· output v = 3$"))


def type_program(page: Page, text: str) -> None:
    """Replace the editor's text by typing it, as a user would."""
    editor = page.locator("#source")
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    editor.press_sequentially(text)


def node_named(page: Page, name: str) -> Locator:
    """The graph node whose title is exactly ``name``."""
    title = page.locator("text.title", has_text=re.compile(rf"^{re.escape(name)}$"))
    return page.locator("#graph g.node").filter(has=title)


def node_value(node: Locator) -> Locator:
    return node.locator("text.val tspan.v")


def wait_for_diamond(page: Page) -> None:
    """After DIAMOND was entered: its graph is drawn (6 nodes, e = 6)."""
    expect(page.locator("#graph-info")).to_have_text(re.compile(r"^6 nodes · 6 edges · output e = 6$"))
    expect(page.locator(".graph-pane")).not_to_have_class(re.compile(r"\bstale\b"))


def play_to_end(page: Page) -> None:
    """Play the loaded animation at the fastest speed and wait until it has stopped at its end."""
    page.select_option("#speed", "8")
    page.click("#play")
    expect(page.locator("#timeline")).to_have_value("1000", timeout=15_000)
    expect(page.locator("#app")).not_to_have_class(re.compile(r"\bplaying\b"))


def open_menu(page: Page, menu: str) -> None:
    """Open one of the top bar's menus (``export-menu``, ``options-menu``) so that its controls work."""
    if page.get_attribute(f"#{menu}", "open") is None:
        page.click(f"#{menu} > summary")
