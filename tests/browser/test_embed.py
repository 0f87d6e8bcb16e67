"""Embedded anywhere, in a real headless Chromium: the page in a course page's iframe (?embed=1,
&lock=1), and <pathgrad-graph> on a static site with no server (only a static file server)."""

from __future__ import annotations

import functools
import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from deploy.helpers import free_port, wait_healthy
from pathgrad.notebook import embed_data, embed_snippet
from pathgrad.notebook.assets import element_script

from .helpers import DIAMOND, state_hash

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
NO_ICON = '<link rel="icon" href="data:,">'


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def static_site(folder: Path) -> Iterator[str]:
    """A plain static file server for ``folder`` (what a blog or a course site is), on loopback."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """(course site, pathgrad server that lets the course site frame it)."""
    folder = tmp_path_factory.mktemp("course")
    with static_site(folder) as site:
        port = free_port()
        env = {**os.environ, "PATHGRAD_LOG_LEVEL": "warning", "PATHGRAD_FRAME_ANCESTORS": site}
        log = folder / "serve.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "pathgrad.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
            )
        pathgrad = f"http://127.0.0.1:{port}"
        try:
            # As long as the suite's own server may take on a loaded machine (tests/conftest.py).
            if not wait_healthy(pathgrad, process, 90.0):
                pytest.fail(f"pathgrad serve did not start:\n{log.read_text(errors='replace')[-2000:]}")
            lesson = f"{pathgrad}/?embed=1&lock=1{state_hash(DIAMOND, **{'in': 'a'})}"
            (folder / "lesson.html").write_text(
                f"<!doctype html><html><head><meta charset='utf-8'>{NO_ICON}<title>Lesson 3</title></head>"
                "<body><h1>Lesson 3: the chain rule</h1><p>Two paths lead from b to e:</p>"
                f'<iframe id="pathgrad" src="{lesson}" width="1100" height="640" style="border:0"></iframe>'
                "</body></html>"
            )
            yield site, pathgrad
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def test_the_page_in_an_iframe_has_no_header_and_locked_controls(page: Page, course: tuple[str, str]) -> None:
    site, _ = course
    page.goto(f"{site}/lesson.html")
    frame = page.frame_locator("#pathgrad")
    expect(frame.locator("#graph-info")).to_have_text(re.compile(r"^6 nodes · 6 edges · output e = 6$"))
    expect(frame.locator(".topbar")).to_be_hidden()
    expect(frame.locator("#paths-title")).to_have_text("Paths from a to e")
    expect(frame.locator("#gradient")).to_have_text("2")
    # Locked: the program cannot be edited, nor the values changed; the animation plays.
    expect(frame.locator("#source")).to_have_attribute("readonly", "")
    expect(frame.locator('#leaves input[type="number"]').first).to_be_disabled()
    expect(frame.locator("#reset-values")).to_be_hidden()
    frame.locator("#play").click()
    expect(frame.locator("#sigma")).to_have_text("2", timeout=15_000)


def test_the_page_refuses_to_be_framed_unless_a_setting_allows_it(
    page: Page, live_server: str, course: tuple[str, str], tmp_path: Path
) -> None:
    site, pathgrad = course
    answer = page.request.get(f"{pathgrad}/")
    assert f"frame-ancestors {site}" in answer.headers["content-security-policy"]
    assert "x-frame-options" not in answer.headers
    strict = page.request.get(f"{live_server}/")
    assert "frame-ancestors 'none'" in strict.headers["content-security-policy"]
    assert strict.headers["x-frame-options"] == "DENY"


@pytest.fixture(scope="module")
def blog(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A static site with no pathgrad server: the element's one script, a graph inline, one by src."""
    folder = tmp_path_factory.mktemp("blog")
    (folder / "pathgrad-graph.js").write_text(element_script(), encoding="utf-8")
    neuron = "x = 1; w = 0.5; b = 0\ny = tanh(w*x + b)"
    (folder / "neuron.json").write_text(json.dumps(embed_data(neuron, input="w")), encoding="utf-8")
    (folder / "broken.json").write_text("this is not the graph's JSON", encoding="utf-8")
    (folder / "post.html").write_text(
        f"<!doctype html><html><head><meta charset='utf-8'>{NO_ICON}<title>A post</title>"
        '<script type="module" src="pathgrad-graph.js"></script></head>'
        "<body style='max-width: 1150px; margin: 20px auto; font-family: serif'>"
        "<h1>Backpropagation by hand</h1><p>The diamond: b reaches e along two paths.</p>"
        f'<div id="diamond">{embed_snippet(DIAMOND, height=600)}</div>'
        '<p>A neuron:</p>'
        '<div id="neuron"><pathgrad-graph src="neuron.json" height="560"></pathgrad-graph></div>'
        '<p>And a broken one:</p><div id="broken"><pathgrad-graph src="broken.json"></pathgrad-graph></div>'
        "</body></html>",
        encoding="utf-8",
    )
    with static_site(folder) as site:
        yield site


def test_pathgrad_graph_draws_baked_in_graphs_with_no_server(page: Page, blog: str) -> None:
    page.goto(f"{blog}/post.html")
    diamond = page.locator("#diamond pathgrad-graph")
    expect(diamond).to_have_attribute("data-state", "drawn")
    expect(diamond.locator(".graph-info")).to_have_text("6 nodes · 6 edges · output e = 6")
    expect(diamond.locator(".sums .gradient")).to_have_text("5")
    expect(diamond.locator(".paths-list li")).to_have_count(2)
    # Another input: its paths were baked in too (the offline export's data).
    diamond.locator(".pickers select").nth(1).select_option("a")
    expect(diamond.locator(".sums .gradient")).to_have_text("2")
    # The values are a snapshot: fixed.
    expect(diamond.locator('.leaf-row input[type="number"]').first).to_be_disabled()
    neuron = page.locator("#neuron pathgrad-graph")
    expect(neuron).to_have_attribute("data-state", "drawn")
    expect(neuron.locator(".sums .gradient")).to_have_text(re.compile(r"^0\.78\d+$"))  # x (1 − tanh²(0.5))
    expect(page.locator("#broken pathgrad-graph")).to_have_attribute("data-state", "no-data")
    # The animation plays from the baked-in paths.
    diamond.locator(".btn.play").click()
    expect(diamond.locator(".readout .sigma-row strong")).to_have_text("2", timeout=15_000)
