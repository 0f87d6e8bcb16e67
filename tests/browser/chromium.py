"""Debian's Chromium, headless, as Playwright launches it for the browser tests (tests/conftest.py)
and the browser benchmarks (benchmarks/browser.py, benchmarks/view.py): one setup for both.

Playwright never downloads a browser here: it drives /usr/bin/chromium (or PATHGRAD_CHROMIUM).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Playwright

CHROMIUM = os.environ.get("PATHGRAD_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@contextmanager
def launched(playwright: Playwright) -> Iterator[Browser]:
    """A headless Chromium of Debian's, closed on the way out."""
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    try:
        yield browser
    finally:
        browser.close()
