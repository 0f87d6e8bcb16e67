"""The widget in a real JupyterLab (from PyPI, headless on loopback) in a real Chromium: a notebook
opened, the widget rendered, a leaf changed in it and the kernel's new gradient shown; then a value
set from Python redraws it."""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import nbformat
import pytest
from playwright.sync_api import Page, expect

from deploy.helpers import free_port

from .helpers import notebook

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
START_SECONDS = 60.0
CELLS = (
    "import pathgrad\nw = pathgrad.show('a = 2; b = 1; e = (a+b)*(b+1)')\nw",
    "print('python sees', w.values)",
    "w.values = {'a': 5}",
)


@pytest.fixture(scope="module")
def jupyterlab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of notebook.ipynb in a JupyterLab of its own (own config, data and settings folders)."""
    home = tmp_path_factory.mktemp("jupyterlab")
    work = home / "work"
    work.mkdir()
    nbformat.write(notebook(*CELLS), work / "notebook.ipynb")
    # No "Would you like to get notified about official Jupyter news?" over the notebook.
    settings = home / "settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text(json.dumps({"fetchNews": "false"}))
    token = secrets.token_hex(16)
    port = free_port()
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
    }
    log = (home / "lab.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", "--ip=127.0.0.1",
         f"--port={port}", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={work}",
         "--LabApp.news_url=None"],
        cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"JupyterLab did not start; see {home / 'lab.log'}")
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                time.sleep(0.3)
        yield f"{base}/lab/tree/notebook.ipynb?token={token}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def run_cell(page: Page, index: int) -> None:
    """Run the notebook's cell ``index`` as a user does: click into it, Shift+Enter."""
    cell = page.locator(".jp-Notebook .jp-Cell").nth(index)
    cell.locator(".jp-InputArea-editor").click()
    page.keyboard.press("Shift+Enter")
    expect(cell.locator(".jp-InputPrompt")).to_have_text(re.compile(r"\[\d+\]"), timeout=30_000)


def test_the_widget_in_jupyterlab_recomputes_in_the_kernel(
    page: Page, jupyterlab: str, screenshot: Callable[[Page, str], Path]
) -> None:
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(jupyterlab)
    expect(page.get_by_text(re.compile(r"Python 3 \(ipykernel\) \| Idle"))).to_be_visible(timeout=60_000)
    run_cell(page, 0)
    widget = page.locator(".jp-Notebook .jp-Cell").nth(0).locator(".pathgrad-widget")
    # Playwright's locators pierce the widget's (open) shadow root.
    expect(widget.locator(".graph-info")).to_have_text("6 nodes · 6 edges · output e = 6", timeout=30_000)
    gradient = widget.locator(".sums .gradient")
    expect(gradient).to_have_text("5")  # de/db = (b+1) + (a+b) at a = 2, b = 1
    expect(widget.locator(".paths-list li")).to_have_count(2)
    page.mouse.move(0, 0)
    screenshot(page, "_widget")

    # A leaf changed in the widget: the kernel computes the new graph and paths.
    number = widget.locator('.leaf-row[data-leaf-row="a"] input.leaf-number')
    number.fill("3")
    number.press("Enter")
    expect(gradient).to_have_text("6")
    expect(widget.locator(".graph-info")).to_have_text("6 nodes · 6 edges · output e = 8")
    run_cell(page, 1)
    expect(page.locator(".jp-Notebook .jp-Cell").nth(1).locator(".jp-OutputArea-output")).to_have_text(
        "python sees {'a': 3}"
    )

    # A value set from Python: the widget draws the kernel's new numbers.
    run_cell(page, 2)
    expect(gradient).to_have_text("8")
    expect(widget.locator(".graph-info")).to_have_text("6 nodes · 6 edges · output e = 12")
    expect(number).to_have_value("5")
