"""WCAG 2.1 AA in a real Chromium: axe-core (from npm) on every view in English and Chinese, the SVG
text contrast that axe skips (from computed colours), a visible focus on every control, reduced motion."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from conftest import CONSOLE_ERRORS, VIEWPORT, watch

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.0 and 2.1, levels A and AA, and axe's best practices (landmarks, headings, empty headers).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


@pytest.fixture
def a11y_page(browser: Browser, live_server: str, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A watched page whose profile may inject axe-core (the page's CSP forbids inline scripts)."""
    lang = getattr(request, "param", "en")
    ctx: BrowserContext = browser.new_context(
        viewport=VIEWPORT, bypass_csp=True, locale="zh-CN" if lang == "zh" else "en-US"
    )
    ctx.set_default_timeout(10_000)
    errors = request.node.stash.setdefault(CONSOLE_ERRORS, [])
    try:
        yield watch(ctx.new_page(), errors, live_server)
    finally:
        ctx.close()


def axe_violations(page: Page) -> list[str]:
    """axe-core's violations on the page as it is now: "rule: target (summary)" per node."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        assert AXE.is_file(), "axe-core is missing: run `make install` (npm ci)"
        page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async (tags) => {
          const r = await axe.run(document, { runOnly: { type: 'tag', values: tags } });
          const why = (n) => (n.failureSummary || '').split('\\n').slice(1).join(' ').trim();
          const line = (v, n) => `${v.id}: ${n.target.join(' ')} (${why(n)})`;
          return r.violations.flatMap((v) => v.nodes.map((n) => line(v, n)));
        }""",
        AXE_TAGS,
    )


def pause(page: Page) -> None:
    """Pause the animation if it is still playing (a slow check may outlast it)."""
    if page.locator("#pause").is_enabled():
        page.click("#pause")


def settled(page: Page) -> None:
    expect(page.locator("#graph svg g.node").first).to_be_attached()
    expect(page.locator("#graph")).to_have_attribute("data-settled", "true")


@pytest.mark.parametrize("a11y_page", ["en", "zh"], indirect=True)
def test_axe_finds_no_violation_on_any_view(a11y_page: Page, live_server: str) -> None:
    page = a11y_page
    page.goto(f"{live_server}/")
    settled(page)
    expect(page.locator("#input-select")).not_to_have_value("")  # a selection: its paths are listed
    found: dict[str, list[str]] = {"default view with a selection": axe_violations(page)}

    page.click("#legend > summary")
    page.click("#options-menu > summary")
    page.click("#help-toggle")
    expect(page.locator("#help")).to_be_visible()
    found["legend, options and help open"] = axe_violations(page)
    page.click("#help-toggle")
    page.click("#legend > summary")
    page.click("#table-toggle")
    expect(page.locator("#graph-table table").first).to_be_visible()
    found["table view"] = axe_violations(page)
    page.click("#table-toggle")

    page.select_option("#speed", "0.25")
    page.click("#play")
    expect(page.locator("#app")).to_have_class(re.compile(r"\bplaying\b"))
    expect(page.locator("#sigma-float")).to_be_visible()
    found["Paths playing"] = axe_violations(page)
    pause(page)

    page.select_option("#examples", "preset:neuron")
    expect(page.locator("#preset-info")).to_have_attribute("data-preset", "neuron")
    settled(page)
    page.click("#tab-train")
    page.fill("#train-steps", "300")
    page.click("#train-start")
    expect(page.locator("#train-panel")).to_have_attribute("data-state", "done", timeout=20_000)
    found["Train tab after a run"] = axe_violations(page)

    page.click("#tab-compare")
    expect(page.locator("#compare-panel")).to_have_attribute("data-state", "ready", timeout=15_000)
    found["Compare"] = axe_violations(page)

    # The teaching panels: the Lab after a run, the Exercises, the guided lesson.
    page.click("#tab-lab")
    page.click("#lab-run")
    expect(page.locator("#panel-lab")).to_have_attribute("data-state", "done", timeout=15_000)
    found["Lab after a run"] = axe_violations(page)
    page.click("#tab-exercises")
    expect(page.locator("#panel-exercises")).to_be_visible()
    found["Exercises"] = axe_violations(page)
    page.goto(f"{live_server}/#lesson=1")
    expect(page.locator("#lesson")).to_be_visible()
    settled(page)
    found["lesson"] = axe_violations(page)
    assert {view: v for view, v in found.items() if v} == {}


# The colour of each drawn text against what is behind it: the box of its node, edge label or badge,
# else the first opaque background of the page behind the SVG. Text drawn dimmed on purpose (the
# paths not highlighted) is not measured: it is read in its undimmed state.
SVG_CONTRAST = """
(selector) => {
  const rgb = (c) => { const m = c.match(/[\\d.]+/g); return m ? m.map(Number) : null; };
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const ratio = (a, b) => {
    const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05);
  };
  const pageBackground = (el) => {
    for (let e = el.closest('svg').parentElement; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c && (c.length < 4 || c[3] > 0.9)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const boxOf = (text) => {
    const g = text.closest('g.node, g.edge-label, g.badge');
    const rect = g && g.querySelector(':scope > rect');
    if (!rect) return pageBackground(text);
    const fill = getComputedStyle(rect).fill;
    // A pattern (the dead ReLU hatch): measured against its darker part, its lines.
    const pattern = fill.match(/url\\("?#([\\w-]+)"?\\)/);
    if (pattern) return rgb(getComputedStyle(document.querySelector(`#${pattern[1]} line`)).stroke);
    if (rect) return rgb(fill);
    return pageBackground(text);
  };
  const out = [];
  for (const svg of document.querySelectorAll(selector)) {
    for (const el of svg.querySelectorAll('text, tspan')) {
      if (el.tagName === 'text' && el.querySelector('tspan')) continue;
      const shown = el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true });
      if (!el.textContent.trim() || !shown) continue;
      const cs = getComputedStyle(el);
      if (Number(cs.fillOpacity) < 1 || Number(cs.opacity) < 1) continue;
      const fg = rgb(cs.fill);
      if (!fg) continue;
      const bg = boxOf(el);
      const size = parseFloat(cs.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(cs.fontWeight) >= 700);
      const need = large ? 3 : 4.5;
      const r = ratio(fg.slice(0, 3), bg);
      const cls = el.getAttribute('class') || el.parentElement.getAttribute('class') || '';
      out.push({ text: el.textContent.trim().slice(0, 30), cls, ratio: Math.round(r * 100) / 100, need });
    }
  }
  return out;
}
"""


def low_contrast(page: Page, selector: str) -> tuple[int, list[dict[str, object]]]:
    """(how many SVG texts were measured, those below their WCAG AA ratio)."""
    measured = page.evaluate(SVG_CONTRAST, selector)
    return len(measured), [m for m in measured if float(m["ratio"]) < float(m["need"])]


def test_svg_text_contrast_is_at_least_aa(a11y_page: Page, live_server: str) -> None:
    page = a11y_page
    page.goto(f"{live_server}/")
    settled(page)
    count, low = low_contrast(page, "#graph svg")
    assert count > 20 and low == []

    # Dead ReLU units, hatched: their text over the pattern's lines.
    page.select_option("#examples", "preset:relu-chain")
    expect(page.locator("#preset-info")).to_have_attribute("data-preset", "relu-chain")
    settled(page)
    expect(page.locator("#graph g.node.dead-relu").first).to_be_attached()
    count, low = low_contrast(page, "#graph svg")
    assert count > 40 and low == []

    # The hottest node fills (the vanishing gradient's input side is pale, its output side orange).
    page.select_option("#examples", "preset:sigmoid-chain")
    expect(page.locator("#preset-info")).to_have_attribute("data-preset", "sigmoid-chain")
    settled(page)
    page.click("#fit")
    count, low = low_contrast(page, "#graph svg")
    assert count > 60 and low == []

    # The animation's badges and the charts of the Train and Compare tabs.
    page.select_option("#speed", "0.25")
    page.click("#play")
    expect(page.locator("#graph g.badge.shown").first).to_be_attached()
    count, low = low_contrast(page, "#graph svg")
    assert low == []
    pause(page)
    page.select_option("#examples", "preset:neuron")
    settled(page)
    page.click("#tab-train")
    page.fill("#train-steps", "200")
    page.click("#train-start")
    expect(page.locator("#train-panel")).to_have_attribute("data-state", "done", timeout=20_000)
    count, low = low_contrast(page, "#loss-chart svg, #grad-strip svg, #gallery svg")
    assert count > 10 and low == []
    page.click("#tab-compare")
    expect(page.locator("#compare-panel")).to_have_attribute("data-state", "ready", timeout=15_000)
    count, low = low_contrast(page, "#compare-chart svg")
    assert count > 10 and low == []


FOCUS_SHOWN = """
() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const shows = (e) => {
    const cs = getComputedStyle(e);
    return (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 1) || cs.boxShadow !== 'none';
  };
  // The editor's textarea shows its focus on the editor's box; a graph node on its box's stroke.
  const ring = el.closest('.editor') ?? el;
  const label = el.id ? `#${el.id}` : `${el.tagName.toLowerCase()}.${el.getAttribute('class') ?? ''}`;
  return { label, shown: shows(ring) || (el.matches('g.node') && !!el.querySelector('.focus-ring')) };
}
"""


def test_every_control_shows_where_the_keyboard_focus_is(a11y_page: Page, live_server: str) -> None:
    page = a11y_page
    page.goto(f"{live_server}/")
    settled(page)
    page.click("#help-toggle")  # its controls are in the tab order too
    page.locator("#examples").focus()
    seen: dict[str, bool] = {}
    for _ in range(90):
        info = page.evaluate(FOCUS_SHOWN)
        if info is not None:
            seen.setdefault(info["label"], info["shown"])
        page.keyboard.press("Tab")
        # Tab inside the editor indents: Esc then Tab leaves it (the help says so).
        if page.evaluate("() => document.activeElement?.id") == "source":
            seen.setdefault("#source", bool(page.evaluate(FOCUS_SHOWN)["shown"]))
            page.keyboard.press("Escape")
    assert {"#examples", "#source", "#play", "#tab-paths", "#lang"} <= set(seen)
    assert [label for label, shown in seen.items() if not shown] == []


def test_reduced_motion_plays_in_steps(
    browser: Browser, live_server: str, request: pytest.FixtureRequest
) -> None:
    errors = request.node.stash.setdefault(CONSOLE_ERRORS, [])

    def distinct_positions(reduced: bool) -> tuple[int, int]:
        ctx = browser.new_context(viewport=VIEWPORT, reduced_motion="reduce" if reduced else "no-preference")
        try:
            page = watch(ctx.new_page(), errors, live_server)
            page.goto(f"{live_server}/")
            settled(page)
            page.click("#play")
            samples = page.evaluate(
                """() => new Promise((done) => {
                  const seen = [];
                  const id = setInterval(() => seen.push(document.querySelector('#timeline').value), 20);
                  setTimeout(() => { clearInterval(id); done(seen); }, 1500);
                })"""
            )
            changes = sum(1 for a, b in itertools.pairwise(samples) if a != b)
            return changes, len(samples)
        finally:
            ctx.close()

    smooth, n = distinct_positions(False)
    steps, _ = distinct_positions(True)
    # Smooth: the position moves between almost every two samples. In steps: only at the
    # timeline's stops (a path's start, each factor, each arrival) — a handful in 1.5 s.
    assert smooth > n // 2, (smooth, n)
    assert 0 < steps <= 12, steps


def tab_to(page: Page, selector: str, limit: int = 80) -> None:
    """Press Tab (only the keyboard) until the element matching ``selector`` has the focus."""
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement?.matches(s) ?? false", selector):
            return
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement?.id") == "source":
            page.keyboard.press("Escape")  # the editor keeps Tab for indenting until Esc
    raise AssertionError(f"Tab never reached {selector}")


def test_keyboard_only_walk_announce_select_and_play(page: Page, live_server: str) -> None:
    page.goto(f"{live_server}/#src=a%20%3D%202%3B%20b%20%3D%201%3B%20e%20%3D%20(a%2Bb)*(b%2B1)&in=b")
    settled(page)
    live = page.locator("#graph-live")
    tab_to(page, "#graph")
    # The walk starts on the selected input.
    expect(live).to_have_text("b: value 1, gradient 5; 0 in, 2 out; Enter selects it as the input")
    expect(page.locator("#graph g.node.kb-cursor")).to_have_count(1)
    page.keyboard.press("ArrowRight")  # to b's first user, along the edge b → a + b
    expect(live).to_have_text(re.compile(r"^a \+ b: value 3, gradient 2; edge from b: local derivative 1;"))
    page.keyboard.press("ArrowDown")  # b's other user
    expect(live).to_have_text(re.compile(r"^b \+ 1: value 2, gradient 3; edge from b: local derivative 1"))
    page.keyboard.press("ArrowRight")
    after_e = re.compile(r"^e = .*: value 6, gradient 1; edge from b \+ 1: local derivative 3")
    expect(live).to_have_text(after_e)
    page.keyboard.press("ArrowRight")
    expect(live).to_have_text("no node that way")
    page.keyboard.press("ArrowLeft")  # e's first argument
    expect(live).to_have_text(re.compile(r"^a \+ b: .*edge to e = .*: local derivative 2"))
    page.keyboard.press("ArrowLeft")
    expect(live).to_have_text(re.compile(r"^a: value 2, gradient 2; edge to a \+ b: local derivative 1"))
    # ← and → walked the graph: the animation did not step meanwhile.
    expect(page.locator("#timeline")).to_have_value("0")

    page.keyboard.press("Enter")  # a is a leaf: it becomes the input
    expect(live).to_have_text("differentiating with respect to a")
    expect(page.locator("#input-select")).to_have_value("a")
    expect(page.locator("#paths-title")).to_have_text(re.compile(r"Paths from a to e"))
    expect(page.locator("#path-count")).to_have_text("1 path")

    # Play from the keyboard: every factor and the running product are said, then the sum.
    page.keyboard.press("+")
    page.keyboard.press("+")
    page.keyboard.press("+")  # 8×
    page.evaluate(
        """() => { window.__said = []; new MutationObserver(() => window.__said.push(
             document.querySelector('#anim-live').textContent)).observe(document.querySelector('#anim-live'),
             { childList: true, characterData: true, subtree: true }); }"""
    )
    page.keyboard.press(" ")
    expect(page.locator("#timeline")).to_have_value("1000", timeout=15_000)
    said = ". ".join(page.evaluate("() => window.__said"))
    # (A frame that skipped a moment, at 8×, says it with the next one: the order is the same.)
    assert said == (
        "path 1, edge 1 of 2: × 1, running product 1. path 1, edge 2 of 2: × 2, running product 2. "
        "path 1 arrives: product 2; Σ so far 2. all 1 paths added: Σ = 2"
    ), said

    # The paths list by keyboard: ↓ moves, Enter plays from that path.
    page.keyboard.press("Escape")
    page.goto(f"{live_server}/#src=a%20%3D%202%3B%20b%20%3D%201%3B%20e%20%3D%20(a%2Bb)*(b%2B1)&in=b")
    settled(page)
    tab_to(page, "#paths-list li")
    page.keyboard.press("ArrowDown")
    expect(page.locator("#paths-list li").nth(1)).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#paths-list li").nth(1)).to_have_class(re.compile(r"\bcurrent\b"))


def test_forward_sweep_has_a_key_and_the_help_lists_the_keys(page: Page, live_server: str) -> None:
    page.goto(f"{live_server}/#src=a%20%3D%202%3B%20b%20%3D%201%3B%20e%20%3D%20(a%2Bb)*(b%2B1)&in=b")
    settled(page)
    page.keyboard.press("?")
    help_ = page.locator("#help")
    expect(help_).to_be_visible()
    for words in ["forward sweep", "walk its edges", "Tab indents", "Esc then Tab leaves it"]:
        expect(help_).to_contain_text(words)
    page.keyboard.press("t")
    expect(page.locator("#app")).to_have_attribute("data-mode", "forward")
    expect(page.locator("#forward-sweep")).to_have_class(re.compile(r"\bactive\b"))
    # The sweeps are spoken too: each node as it completes, with its tangent (forward) or adjoint.
    expect(page.locator("#anim-live")).to_have_text(re.compile(r": tangent -?\d"), timeout=10_000)
    page.keyboard.press("r")
    expect(page.locator("#anim-live")).to_have_text(re.compile(r": adjoint -?\d"), timeout=10_000)


def test_the_table_view_lists_nodes_edges_and_paths_and_copies_as_markdown_and_csv(
    page: Page, live_server: str
) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    page.goto(f"{live_server}/#src=a%20%3D%202%3B%20b%20%3D%201%3B%20e%20%3D%20(a%2Bb)*(b%2B1)&in=b")
    settled(page)
    page.locator("#tab-paths").focus()
    page.keyboard.press("T")  # the key in the help
    view = page.locator("#graph-table")
    expect(view).to_be_visible()
    expect(page.locator("#table-toggle")).to_have_attribute("aria-pressed", "true")
    nodes = view.locator('table[data-part="nodes"] tbody tr')
    expect(nodes).to_have_count(5)
    expect(nodes.nth(3)).to_have_text(re.compile(r"^b \+ 1\s*\+\s*2\s*3$"))
    edges = view.locator('table[data-part="edges"] tbody tr')
    expect(edges).to_have_count(5)
    expect(view.locator('table[data-part="paths"] tbody tr')).to_have_count(2)
    expect(view.locator('table[data-part="sum"]')).to_contain_text("5")

    # The tables follow a new value of b (here: b = 2, so e = (a+b)(b+1) has ∂e/∂b = 7).
    page.fill('input[type=number][data-leaf="b"]', "2")
    expect(view.locator('table[data-part="sum"] tbody tr').last).to_contain_text("7")

    view.locator("#copy-md").click()
    md = page.evaluate("() => navigator.clipboard.readText()")
    assert "| node | operation | value | gradient |" in md
    assert "| b + 1 | + | 3 | 4 |" in md
    assert "| 2 | b → a + b → e = (a + b) × (b + 1) | 1 × 3 | 3 |" in md
    view.locator("#copy-csv").click()
    csv = page.evaluate("() => navigator.clipboard.readText()")
    assert "from,to,local derivative\r\n" in csv
    assert "\r\nb,b + 1,1\r\n" in csv
    page.keyboard.press("T")
    expect(view).to_be_hidden()
