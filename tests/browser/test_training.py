"""The training side of the page in a real headless Chromium: presets, a live run, replay, comparison."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from pathgrad.presets import PRESETS as PRESET_TABLE

from .helpers import open_app

pytestmark = pytest.mark.browser

# The Examples menu lists the server's presets, in their order (the table of pathgrad.presets).
PRESETS = list(PRESET_TABLE)


def open_preset(page: Page, name: str) -> None:
    page.select_option("#examples", f"preset:{name}")
    expect(page.locator("#preset-info")).to_have_attribute("data-preset", name)
    expect(page.locator("#preset-description")).to_be_visible()


def test_the_presets_menu_lists_every_preset_and_the_seed_regenerates(page: Page, live_server: str) -> None:
    open_app(page, live_server, None)
    options = page.locator("#examples option[data-preset]")
    expect(options).to_have_count(len(PRESETS))
    assert [o.get_attribute("data-preset") for o in options.all()] == PRESETS

    open_preset(page, "neuron")
    expect(page.locator("#preset-title")).to_have_text("One neuron")
    expect(page.locator("#preset-description")).to_contain_text("0.25")
    expect(page.locator("#source")).to_have_value(re.compile(r"y = sigmoid\(w\*x \+ b\)"))
    expect(page.locator("#graph-info")).to_contain_text("output y = 0.5")

    open_preset(page, "relu-chain")
    expect(page.locator("#preset-seed")).to_have_value("0")
    # Seed 0: the third unit's input is negative, so it and every unit after it are dead.
    expect(page.locator("#graph")).to_have_attribute("data-dead-relu", "9")
    expect(page.locator("#graph g.node.dead-relu")).to_have_count(9)
    page.fill("#preset-seed", "5")
    page.press("#preset-seed", "Enter")
    expect(page.locator("#preset-info")).to_have_attribute("data-seed", "5")
    expect(page.locator("#source")).to_have_value(re.compile(r"seed 5\)"))
    expect(page.locator("#source")).to_have_value(re.compile(r"w1 = -0\.8019314252534474;"))


def test_xor_training_loss_falls_and_the_scrubber_replays_step_0(page: Page, live_server: str) -> None:
    open_app(page, live_server, None)
    open_preset(page, "xor")
    # The leaf controls show the graph's values (the drawing may leave out text when zoomed out).
    w1 = page.locator('input[type=number][data-leaf="w1"]')
    expect(w1).to_have_value("2.0409191213851825")  # as in the program for seed 3
    expect(page.locator("#graph-info")).to_contain_text("output C = 1.2547")

    structure = page.locator("#graph").get_attribute("data-structure")
    page.click("#tab-train")
    expect(page.locator("#train-steps")).to_have_value("30000")  # the preset's own setting
    page.fill("#train-steps", "3000")
    page.click("#train-start")
    expect(page.locator("#train-panel")).to_have_attribute("data-state", "done", timeout=20_000)

    chart = page.locator("#loss-chart svg")
    assert int(chart.get_attribute("data-points") or 0) > 100
    first = float(chart.get_attribute("data-first") or "nan")
    last = float(chart.get_attribute("data-last") or "nan")
    assert last < first, (first, last)
    assert (page.locator("#loss-chart svg path.line").get_attribute("d") or "").count("L") > 100
    expect(page.locator("#train-step")).to_have_attribute("data-step", "3000")
    assert float(page.locator("#loss-value").get_attribute("data-loss") or "nan") == last
    expect(page.locator("#grad-strip svg")).to_have_attribute("data-layers", "2")
    expect(page.locator("#train-note")).to_be_visible()

    # The graph followed the run: w1 is no longer its initial value, and C is no longer the first loss.
    expect(w1).not_to_have_value("2.0409191213851825")
    expect(page.locator("#graph-info")).not_to_contain_text("output C = 1.2547")
    # …updated in place: no new layout.
    expect(page.locator("#graph")).to_have_attribute("data-structure", structure or "")

    # Replay step 0: the program's own values and loss again.
    page.locator("#scrubber").fill("0")
    expect(page.locator("#scrub-readout")).to_have_text("step 0, loss 1.255")
    expect(page.locator("#train-step")).to_have_attribute("data-step", "0")
    expect(w1).to_have_value("2.0409191213851825")
    expect(page.locator('input[type=number][data-leaf="b3"]')).to_have_value("-0.8652130762749417")
    expect(page.locator("#graph-info")).to_contain_text("output C = 1.2547")
    # The gallery marks the 12 sigmoid units at their inputs.
    expect(page.locator('#gallery .gallery-cell[data-op="sigmoid"]')).to_have_attribute("data-units", "12")


def test_comparison_of_four_activations(page: Page, live_server: str) -> None:
    open_app(page, live_server, None)
    page.click("#tab-compare")
    expect(page.locator("#compare-panel")).to_have_attribute("data-state", "ready", timeout=15_000)
    table = page.locator("#compare-table table")
    expect(table.locator("tbody tr")).to_have_count(10)
    expect(table.locator("thead th")).to_have_text(["weight", "sigmoid", "tanh", "ReLU", "leaky ReLU"])

    def cell(weight: str, key: str) -> float:
        td = table.locator(f'tr[data-weight="{weight}"] td[data-key="{key}"]')
        return float(td.get_attribute("data-value") or "nan")

    # Vanishing gradient: |dC/dw1| is orders of magnitude below |dC/dw10| with sigmoid.
    assert 0 < cell("w1", "sigmoid") < 1e-4 * cell("w10", "sigmoid")
    # ReLU (seed 0): exact zeros, written "0" and drawn on the chart's floor.
    relu = table.locator('tbody td[data-key="relu"]')
    assert relu.all_text_contents() == ["0"] * 10
    expect(table.locator('tbody td.zero[data-key="relu"]')).to_have_count(10)
    # Leaky ReLU (the server's leaky-relu-chain preset: the ReLU chain with leaky_relu): small, but
    # never exactly 0, and the column is that preset's graph.
    assert all(cell(f"w{i}", "leaky_relu") > 0 for i in range(1, 11))
    leaky = page.evaluate(
        """async () => {
          const body = JSON.stringify({ preset: 'leaky-relu-chain', seed: 0, output: 'C' });
          const headers = { 'content-type': 'application/json' };
          const g = await (await fetch('/api/graph', { method: 'POST', headers, body })).json();
          const weights = g.nodes.filter((n) => /^w\\d+$/.test(n.name ?? ''));
          return Object.fromEntries(weights.map((n) => [n.name, Math.abs(n.grad)]));
        }"""
    )
    assert [cell(f"w{i}", "leaky_relu") for i in range(1, 11)] == [leaky[f"w{i}"] for i in range(1, 11)]
    svg = page.locator("#compare-chart svg")
    expect(svg.locator("g.serie")).to_have_count(4)
    expect(svg.locator('g.serie[data-key="relu"] circle.at-floor')).to_have_count(10)
    expect(page.locator("#compare-panel .chart-note")).to_be_visible()

    # Another seed recomputes all four columns.
    page.fill("#compare-seed", "5")
    page.press("#compare-seed", "Enter")
    expect(svg).to_have_attribute("data-seed", "5")
    assert cell("w1", "sigmoid") < cell("w10", "sigmoid")


def test_a_too_large_step_is_called_saturation_and_an_edit_keeps_the_run(
    page: Page, live_server: str
) -> None:
    """SGD at learning rate 1000 on XOR pins the sigmoids: the verdict says so (not "a local minimum").
    Then an edit of the program keeps the run's curve and strip visible, marked as the old program's."""
    open_app(page, live_server, None)
    open_preset(page, "xor")
    page.click("#tab-train")
    page.select_option("#train-optimizer", "sgd")
    page.fill("#train-lr", "1000")
    page.fill("#train-steps", "3000")
    page.click("#train-start")
    expect(page.locator("#train-panel")).to_have_attribute("data-state", "done", timeout=20_000)
    note = page.locator("#train-note")
    expect(note).to_have_attribute("data-kind", "saturated")
    expect(note).to_contain_text("learning rate 1000) was too large")
    expect(note).not_to_contain_text("local minimum")
    points = page.locator("#loss-chart svg").get_attribute("data-points")

    page.locator("#source").press("End")
    page.locator("#source").press_sequentially("\nD = C + 1")
    expect(page.locator("#train-panel")).to_have_attribute("data-state", "stale")
    expect(note).to_have_attribute("data-kind", "stale")
    expect(note).to_contain_text("previous program")
    expect(page.locator("#loss-chart svg")).to_have_attribute("data-points", points or "")
    expect(page.locator("#train-step")).to_have_attribute("data-step", "3000")
    expect(page.locator("#scrubber")).to_be_disabled()
    expect(page.locator("#train-start")).to_be_enabled()


def test_a_preset_link_restores_preset_seed_tab_and_the_banner_goes_with_the_program(
    page: Page, live_server: str
) -> None:
    open_app(page, live_server, None)
    open_preset(page, "relu-chain")
    page.fill("#preset-seed", "5")
    page.press("#preset-seed", "Enter")
    expect(page.locator("#preset-info")).to_have_attribute("data-seed", "5")
    page.click("#tab-train")
    page.wait_for_function("() => location.hash.includes('tab=train') && location.hash.includes('seed=5')")
    link = page.evaluate("location.href")
    assert "preset=relu-chain" in link

    other = page.context.new_page()
    other.goto(link)
    expect(other.locator("#preset-info")).to_have_attribute("data-preset", "relu-chain")
    expect(other.locator("#preset-info")).to_have_attribute("data-seed", "5")
    expect(other.locator("#preset-info")).to_be_visible()
    expect(other.locator("#panel-train")).to_be_visible()
    expect(other.locator("#source")).to_have_value(re.compile(r"seed 5\)"))

    # Replaced by an unrelated program: no banner, and the link no longer names the preset.
    other.fill("#source", "u = 2\nv = u*u")
    expect(other.locator("#graph-info")).to_contain_text("output v = 4")
    expect(other.locator("#preset-info")).to_be_hidden()
    other.wait_for_function("() => !location.hash.includes('preset=')")
    other.close()
