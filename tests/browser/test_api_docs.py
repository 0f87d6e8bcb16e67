"""The API documentation pages in a real Chromium, offline: Swagger UI at /docs and ReDoc at /redoc.

Every request to a host other than the loopback server is aborted (as on a machine without network),
and the pages run under the page's own Content-Security-Policy: they must render from the package
alone. Swagger UI logs nothing; ReDoc logs exactly two refusals of that policy, both of things it does
not need (see REDOC_REFUSALS), and nothing else.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import BrowserContext, ConsoleMessage, Page, Route, expect

pytestmark = pytest.mark.browser

LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
LAPTOP, PHONE = {"width": 1440, "height": 900}, {"width": 390, "height": 844}
# ReDoc 2's sidebar shows Redocly's logo from their CDN: the policy refuses it (img-src 'self') and
# ReDoc then shows no logo. And its bundle injects perfect-scrollbar's stylesheet as inline text: refused
# too, and unused, as the page asks for native scrollbars.
REDOC_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"
SCROLLBAR_SHEET = ".ps{overflow:hidden"


class Watched:
    """A page of ``context`` whose console errors, page errors and off-machine requests are kept."""

    def __init__(self, context: BrowserContext) -> None:
        self.errors: list[str] = []
        self.off_machine: list[str] = []
        context.route("**/*", self._only_loopback)
        self.page = context.new_page()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))

    def _only_loopback(self, route: Route) -> None:
        url = route.request.url
        if urlsplit(url).scheme in ("http", "https") and urlsplit(url).hostname not in LOOPBACK:
            self.off_machine.append(url)
            route.abort("internetdisconnected")
        else:
            route.continue_()

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(message.text)


@pytest.fixture
def watched(context: BrowserContext) -> Callable[[], Watched]:
    """``watched()``: a page of the test's browser context, kept offline and watched."""
    return lambda: Watched(context)


def operations(base: str) -> list[tuple[str, str]]:
    """(method, path) of every operation in the service's OpenAPI schema."""
    schema = httpx.get(f"{base}/openapi.json", timeout=10).json()
    return [(method.upper(), path) for path, item in schema["paths"].items() for method in item]


def sha256(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


def test_swagger_ui_lists_every_operation_and_calls_the_api_offline(
    watched: Callable[[], Watched], live_server: str, screenshot: Callable[[Page, str], Path]
) -> None:
    docs = watched()
    page = docs.page
    page.set_viewport_size(LAPTOP)
    page.goto(f"{live_server}/docs")
    expected = operations(live_server)
    blocks = page.locator(".opblock")
    expect(blocks).to_have_count(len(expected))
    shown = {(block.locator(".opblock-summary-method").inner_text(),
              block.locator(".opblock-summary-path").get_attribute("data-path")) for block in blocks.all()}
    assert shown == set(expected)
    # Its stylesheet applied: the GET badge is Swagger UI's blue, not an unstyled span.
    badge = page.locator(".opblock-get .opblock-summary-method").first
    assert badge.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(97, 175, 254)"
    screenshot(page, "-laptop")
    # Try it out: GET /api/health from the page, answered by this server (connect-src 'self').
    health = page.locator(".opblock-get", has=page.locator('[data-path="/api/health"]'))
    health.locator(".opblock-summary").click()
    health.get_by_role("button", name="Try it out").click()
    health.get_by_role("button", name="Execute").click()
    expect(health.locator(".live-responses-table tr.response .response-col_status")).to_have_text("200")
    expect(health.locator(".live-responses-table .microlight").first).to_contain_text('"status": "ok"')
    page.set_viewport_size(PHONE)
    screenshot(page, "-phone")
    assert docs.off_machine == []
    assert docs.errors == []


def test_redoc_renders_every_operation_offline_under_the_page_policy(
    watched: Callable[[], Watched], live_server: str, screenshot: Callable[[Page, str], Path]
) -> None:
    docs = watched()
    page = docs.page
    page.set_viewport_size(LAPTOP)
    page.goto(f"{live_server}/redoc")
    expect(page.locator("h1")).to_have_text(re.compile(r"^pathgrad \(\d+\.\d+\.\d+\)$"), timeout=20_000)
    expected = operations(live_server)
    menu = page.locator('[data-item-id*="/operation/"]')
    expect(menu).to_have_count(len(expected))
    for method, path in expected:  # each operation's section shows its method and path
        expect(page.locator(f'text="{path}"').first).to_be_attached()
        assert method in page.locator("body").inner_text().upper()
    # styled-components could make its sheet (the policy's empty-text hash) and filled it.
    rules = page.evaluate("document.querySelector('style[data-styled]').sheet.cssRules.length")
    assert rules > 100, rules
    sidebar = page.locator(".menu-content")
    assert sidebar.evaluate("e => getComputedStyle(e).position") in ("sticky", "fixed")
    screenshot(page, "-laptop")
    page.set_viewport_size(PHONE)
    screenshot(page, "-phone")

    # The refusals: exactly ReDoc's CDN logo, and its scrollbar sheet, identified by the hash of its text.
    sheets = page.evaluate("[...document.querySelectorAll('style')].map(s => s.textContent)")
    scrollbar = [text for text in sheets if text.startswith(SCROLLBAR_SHEET)]
    assert len(scrollbar) == 1
    expected_refusals = [
        lambda text: REDOC_LOGO in text and "img-src" in text,
        lambda text: f"'sha256-{sha256(scrollbar[0])}'" in text and "style-src" in text,
    ]
    for _ in range(50):  # the console messages reach us a moment after the page made them
        if all(any(known(error) for error in docs.errors) for known in expected_refusals):
            break
        page.wait_for_timeout(100)
    assert all(any(known(error) for error in docs.errors) for known in expected_refusals), docs.errors
    unexpected = [error for error in docs.errors if not any(known(error) for known in expected_refusals)]
    assert unexpected == []
    assert page.locator("img").count() == 0  # no broken logo left in the sidebar
    assert docs.off_machine == []
