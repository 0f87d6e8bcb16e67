"""Fixtures shared by the whole suite: a live `pathgrad serve`, and a real headless Chromium.

Under pytest-xdist every worker has its own server and browser (session scope is per worker).
The browser fixtures import Playwright lazily, so the other tests run without it.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from browser.chromium import CHROMIUM, launched
from deploy.helpers import free_port, wait_healthy

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
VIEWPORT = {"width": 1400, "height": 900}

# Chromium logs every non-2xx response as a console error ("Failed to load resource: ...").
# A 422 from /api/ is the API's documented answer to a program error or to a selection the edited
# program no longer has (the page shows it or recovers), so it is the one such message tolerated.
EXPECTED_API_STATUS = re.compile(r"^Failed to load resource: the server responded with a status of 422\b")

CONSOLE_ERRORS = pytest.StashKey[list[str]]()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL (``http://127.0.0.1:<port>``) of ``python -m pathgrad.cli serve`` run from the repo root."""
    log = tmp_path_factory.mktemp("pathgrad_serve") / "serve.log"
    env = {**os.environ, "PATHGRAD_LOG_LEVEL": "warning"}
    for _attempt in range(3):  # another process may take the port between probe and bind
        port = free_port()
        with log.open("ab") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "pathgrad.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        base = f"http://127.0.0.1:{port}"
        try:
            if wait_healthy(base, process):  # deploy.helpers.START_SECONDS, the suite's one start wait
                yield base
                return
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    raise RuntimeError(f"pathgrad serve did not start; see {log}:\n{log.read_text(errors='replace')[-2000:]}")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Debian Chromium per worker, driven by Playwright (which never downloads one)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: run make browser-deps (make test does)")
    with sync_api.sync_playwright() as playwright, launched(playwright) as chromium:
        yield chromium


def watch(page: Page, errors: list[str], base: str | None = None) -> Page:
    """Collect the page's console errors and uncaught exceptions into ``errors``."""

    def on_console(message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        url = message.location.get("url", "") if message.location else ""
        if base and url.startswith(f"{base}/api/") and EXPECTED_API_STATUS.match(message.text):
            return
        errors.append(f"console error: {message.text} ({url})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
    return page


@pytest.fixture
def context(browser: Browser, live_server: str) -> Iterator[BrowserContext]:
    """A fresh browser profile per test (downloads accepted)."""
    ctx = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    ctx.set_default_timeout(10_000)
    try:
        yield ctx
    finally:
        ctx.close()


@pytest.fixture
def new_page(context: BrowserContext, live_server: str, request: pytest.FixtureRequest) -> Callable[[], Page]:
    """``new_page()``: another page in the test's context, watched for console errors like ``page``."""
    errors = request.node.stash.setdefault(CONSOLE_ERRORS, [])

    def make() -> Page:
        return watch(context.new_page(), errors, live_server)

    return make


@pytest.fixture
def screenshot(request: pytest.FixtureRequest) -> Callable[[Page, str], Path]:
    """``screenshot(page, suffix="")``: save test-artifacts/screenshots/<test name><suffix>.png."""

    def save(pg: Page, suffix: str = "") -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / (re.sub(r"[^\w.-]+", "_", request.node.name + suffix) + ".png")
        pg.screenshot(path=str(path))
        return path

    return save


@pytest.fixture
def page(new_page: Callable[[], Page], screenshot: Callable[[Page, str], Path]) -> Iterator[Page]:
    """A watched page; the test fails on any console error, and a screenshot is saved afterwards."""
    pg = new_page()
    try:
        yield pg
    finally:
        with contextlib.suppress(Exception):
            screenshot(pg, "")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """Fail a browser test (in its call phase) when any of its pages logged an error."""
    result: Any = yield
    errors = item.stash.get(CONSOLE_ERRORS, [])
    if errors:
        raise AssertionError("the page logged errors:\n" + "\n".join(errors))
    return result
