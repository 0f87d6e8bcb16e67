"""Exports from the page in a real headless Chromium: SVG, PNG, JSON, DOT, and the offline HTML file."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, Route, expect

from .helpers import DIAMOND, open_app, open_menu, play_to_end, wait_for_diamond

pytestmark = pytest.mark.browser

SVG = "{http://www.w3.org/2000/svg}"


def diamond_page(page: Page, base: str) -> None:
    open_app(page, base)
    page.fill("#source", DIAMOND)
    wait_for_diamond(page)
    expect(page.locator("#paths-title")).to_have_text("Paths from b to e")


def export(page: Page, kind: str, folder: Path) -> Path:
    open_menu(page, "export-menu")
    with page.expect_download() as info:
        page.click(f"#export-{kind}")
    download = info.value
    assert download.failure() is None
    path = folder / download.suggested_filename
    download.save_as(path)
    expect(page.locator("#toast")).to_have_text(f"Exported {kind.upper()}")
    return path


def test_export_svg_is_valid_and_has_the_nodes(page: Page, live_server: str, tmp_path: Path) -> None:
    diamond_page(page, live_server)
    path = export(page, "svg", tmp_path)
    assert path.name == "pathgrad-e.svg"  # named after the output
    root = ET.parse(path).getroot()
    assert root.tag == f"{SVG}svg"
    # What the page draws: the constant 1 is written inside b + 1, so the drawing has 5 nodes, 5 edges.
    nodes = [g for g in root.iter(f"{SVG}g") if "node" in g.get("class", "").split()]
    assert sorted(g.get("data-id") for g in nodes) == ["n0", "n1", "n2", "n4", "n5"]
    edges = [g for g in root.iter(f"{SVG}g") if "edge" in g.get("class", "").split()]
    assert len(edges) == 5
    titles = {t.text for g in nodes for t in g.iter(f"{SVG}text") if "title" in t.get("class", "").split()}
    assert {"a", "b", "a + b", "b + 1", "e = (a + b) × (b + 1)"} <= titles
    assert root.find(f"{SVG}style") is not None, "the graph stylesheet is embedded"


def test_export_json_dot_and_png(page: Page, live_server: str, tmp_path: Path) -> None:
    diamond_page(page, live_server)

    graph = json.loads(export(page, "json", tmp_path).read_text(encoding="utf-8"))
    assert len(graph["nodes"]) == 6
    assert len(graph["edges"]) == 6
    assert {n["name"] for n in graph["nodes"] if n.get("name")} >= {"a", "b", "e"}

    dot = export(page, "dot", tmp_path).read_text(encoding="utf-8")
    assert dot.lstrip().startswith("digraph")
    assert dot.rstrip().endswith("}")
    assert dot.count("->") == 5  # the drawing's edges (the constant is part of b + 1)

    png = export(page, "png", tmp_path).read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")


def test_export_html_works_offline(
    page: Page,
    new_page: Callable[[], Page],
    screenshot: Callable[[Page, str], Path],
    live_server: str,
    tmp_path: Path,
) -> None:
    diamond_page(page, live_server)
    path = export(page, "html", tmp_path)
    assert path.name == "pathgrad-e.html"

    offline = new_page()
    blocked: list[str] = []

    def block_http(route: Route) -> None:
        if route.request.url.startswith(("http:", "https:")):
            blocked.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    offline.route("**/*", block_http)
    offline.goto(path.as_uri())
    expect(offline.locator("#graph svg g.node")).to_have_count(5)
    expect(offline.locator("#graph-info")).to_have_text(re.compile(r"^6 nodes · 6 edges · output e = 6$"))
    expect(offline.locator("#paths-title")).to_have_text("Paths from b to e")
    expect(offline.locator("#gradient")).to_have_text("5")
    play_to_end(offline)
    expect(offline.locator("#sigma")).to_have_text("5")
    assert offline.text_content("#sigma") == offline.text_content("#gradient")

    # The file carries the paths of every input.
    offline.select_option("#input-select", "a")
    expect(offline.locator("#paths-title")).to_have_text("Paths from a to e")
    expect(offline.locator("#gradient")).to_have_text("2")
    screenshot(offline, "-offline")
    assert blocked == [], f"the exported file asked the network for {blocked}"


def test_exports_are_named_after_the_preset_and_dot_keeps_the_names(
    page: Page, live_server: str, tmp_path: Path
) -> None:
    open_app(page, live_server, None)
    page.select_option("#examples", "preset:neuron")
    expect(page.locator("#preset-info")).to_have_attribute("data-preset", "neuron")
    expect(page.locator("#graph-info")).to_contain_text("output y = 0.5")
    path = export(page, "dot", tmp_path)
    assert path.name == "pathgrad-neuron-seed0.dot", path.name
    dot = path.read_text()
    assert dot.startswith('digraph "pathgrad-neuron-seed0" {')
    # The output y keeps its assigned name (the drawn graph runs from the leaves to y).
    assert re.search(r'"n5" \[label="y = σ\(', dot), dot


def test_top_refuses_what_the_server_would_not_list(page: Page, live_server: str) -> None:
    diamond_page(page, live_server)
    for bad in ["0", "-5", "5000"]:
        page.fill("#limit", bad)
        page.press("#limit", "Enter")
        expect(page.locator("#toast")).to_contain_text("top: ")
        expect(page.locator("#limit")).to_have_class(re.compile(r"\binvalid\b"))
        expect(page.locator("#limit")).to_have_value("20")
    page.fill("#limit", "1")
    page.press("#limit", "Enter")
    expect(page.locator("#paths-list li")).to_have_count(1)
    expect(page.locator("#limit")).not_to_have_class(re.compile(r"\binvalid\b"))
