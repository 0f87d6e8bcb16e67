"""简体中文 and English in a real Chromium: no untranslated text on the Chinese page, the switch persists
and travels in the share link, the browser's language is followed, errors come from the catalog."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from conftest import CONSOLE_ERRORS, VIEWPORT, watch

from .helpers import state_hash

pytestmark = pytest.mark.browser

# Latin words that a Chinese page may show: names of things (activations, optimizers, formats,
# keys), not words of English. Identifiers of the program on show (and words with digits or
# underscores, like w1 or leaky_relu) are allowed too: they are program text.
ALLOWED = {
    "pathgrad", "ReLU", "LReLU", "relu", "sigmoid", "tanh", "leaky", "Leaky", "softplus", "SGD", "Adam",
    "XOR",
    "HTML", "SVG", "PNG", "JSON", "DOT", "HTTP", "NaN", "Home", "End", "Space", "Esc", "Tab", "Enter",
    "max", "exp", "ln", "log", "sin", "cos", "sign", "mean", "sum", "slope", "shape", "dC", "dw", "dy",
    "SiLU", "silu", "swish",
    "dx", "dz", "df", "da", "db", "dA", "dB", "Markdown", "CSV", "English",
    # the naming rule of parameters (identifier prefixes: weight…, bias…, theta…)
    "weight", "bias", "theta",
    # micrograd's API, named in the Lab's explanations (.grad, backward(), zero_grad())
    "grad", "backward", "micrograd",
}

SCAN = """
(allowed) => {
  const allow = new Set(allowed);
  const source = document.querySelector('#source')?.value ?? '';
  for (const m of source.matchAll(/[A-Za-z_]\\w*/g)) allow.add(m[0]);
  const found = [];
  // Program text, keys and formulas are not words of a language.
  const skip = (el) => el.closest(
    'textarea, code, kbd, pre, .formula, .sym, [lang="en"], #editor, [data-i18n-skip]');
  const visible = (el) => el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true });
  const check = (text, where) => {
    for (const m of String(text).matchAll(/[A-Za-z_][A-Za-z0-9_']*/g)) {
      const w = m[0];
      if (w.length < 2 || /[0-9_]/.test(w) || allow.has(w) || allow.has(w.replace(/'+$/, ''))) continue;
      found.push(`${where}: ${w} in "${String(text).trim().slice(0, 80)}"`);
    }
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!el || !n.textContent.trim() || skip(el) || el.closest('option, optgroup, script, style')) continue;
    if (!visible(el)) continue;
    check(n.textContent, el.id ? `#${el.id}` : el.tagName.toLowerCase());
  }
  for (const el of document.querySelectorAll('[title], [aria-label], [placeholder]')) {
    if (skip(el) || !visible(el)) continue;
    for (const a of ['title', 'aria-label', 'placeholder']) {
      if (el.hasAttribute(a)) check(el.getAttribute(a), `${el.id || el.tagName.toLowerCase()}[${a}]`);
    }
  }
  for (const el of document.querySelectorAll('option, optgroup')) {
    if (skip(el)) continue;
    check(el.tagName === 'OPTGROUP' ? el.label : el.textContent, `${el.closest('select')?.id}>option`);
  }
  return [...new Set(found)];
}
"""


def untranslated(page: Page) -> list[str]:
    """Visible Latin words on the page that are neither names nor program text."""
    return page.evaluate(SCAN, sorted(ALLOWED))


@pytest.fixture
def zh_context(browser: Browser, live_server: str) -> Iterator[BrowserContext]:
    """A browser profile whose language is Simplified Chinese."""
    ctx = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    ctx.set_default_timeout(10_000)
    try:
        yield ctx
    finally:
        ctx.close()


@pytest.fixture
def zh_page(zh_context: BrowserContext, live_server: str, request: pytest.FixtureRequest) -> Page:
    """A watched page of that profile (the test fails on its console errors)."""
    errors = request.node.stash.setdefault(CONSOLE_ERRORS, [])
    return watch(zh_context.new_page(), errors, live_server)


def wait_graph(page: Page) -> None:
    expect(page.locator("#graph svg g.node").first).to_be_attached()
    expect(page.locator("#graph")).to_have_attribute("data-settled", "true")


def test_a_chinese_browser_gets_the_chinese_page_with_nothing_left_in_english(
    zh_page: Page, live_server: str, screenshot: Callable[[Page, str], object]
) -> None:
    page = zh_page
    page.goto(f"{live_server}/")
    wait_graph(page)
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.locator("#lang")).to_have_value("zh")
    expect(page.locator("#tab-train")).to_have_text("训练")
    expect(page.locator("#path-count")).to_contain_text("条路径")
    expect(page.locator("#check")).to_contain_text("反向模式的梯度")
    assert untranslated(page) == []

    # The menus, the legend and the help open: still nothing in English.
    page.click("#options-menu > summary")
    page.click("#export-menu > summary")
    page.click("#legend > summary")
    page.keyboard.press("Escape")
    page.locator("#tab-paths").focus()
    page.keyboard.press("?")
    expect(page.locator("#help")).to_be_visible()
    expect(page.locator("#help")).to_contain_text("前向扫描")
    assert untranslated(page) == []
    screenshot(page, "-default")
    page.click("#table-toggle")
    expect(page.locator("#graph-table caption").first).to_contain_text("节点")
    assert untranslated(page) == []
    page.click("#table-toggle")

    # Paths playing: the running product and the floating sum.
    page.select_option("#speed", "0.25")
    page.click("#play")
    expect(page.locator("#sigma-float")).to_be_visible()
    expect(page.locator("#sigma-float")).to_contain_text("条路径")
    assert untranslated(page) == []
    page.click("#pause")

    # A preset: its title and what to look at come from the catalog.
    page.select_option("#examples", "preset:sigmoid-chain")
    expect(page.locator("#preset-info")).to_have_attribute("data-preset", "sigmoid-chain")
    expect(page.locator("#preset-title")).to_have_text("梯度消失：sigmoid 链")
    wait_graph(page)
    assert untranslated(page) == []
    screenshot(page, "-preset")

    # The Train tab after a run: the verdict and the run's line in Chinese.
    page.select_option("#examples", "preset:neuron")
    expect(page.locator("#preset-info")).to_have_attribute("data-preset", "neuron")
    wait_graph(page)
    page.click("#tab-train")
    page.fill("#train-steps", "300")
    page.click("#train-start")
    expect(page.locator("#train-panel")).to_have_attribute("data-state", "done", timeout=20_000)
    expect(page.locator("#train-note")).to_be_visible()
    expect(page.locator("#train-program")).to_contain_text("最小化")
    page.locator("#scrubber").fill("0")
    expect(page.locator("#scrub-readout")).to_contain_text("第 0 步")
    assert untranslated(page) == []
    screenshot(page, "-train")

    # Compare.
    page.click("#tab-compare")
    expect(page.locator("#compare-panel")).to_have_attribute("data-state", "ready", timeout=15_000)
    expect(page.locator("#compare-table thead th").first).to_have_text("权重")
    assert untranslated(page) == []
    screenshot(page, "-compare")

    # The teaching panels: the Lab after a run, the Exercises, the guided lesson.
    page.click("#tab-lab")
    page.click("#lab-run")
    expect(page.locator("#panel-lab")).to_have_attribute("data-state", "done", timeout=15_000)
    assert untranslated(page) == []
    page.click("#tab-exercises")
    expect(page.locator("#panel-exercises")).to_be_visible()
    assert untranslated(page) == []
    page.goto(f"{live_server}/#lesson=1")
    expect(page.locator("#lesson")).to_be_visible()
    wait_graph(page)
    assert untranslated(page) == []


def test_every_preset_and_operation_the_server_has_is_in_the_catalog(page: Page, live_server: str) -> None:
    page.goto(f"{live_server}/")
    wait_graph(page)
    missing = page.evaluate(
        """async () => {
          const { has } = await import('./js/i18n.js');
          const presets = await (await fetch('/api/presets')).json();
          const ops = await (await fetch('/api/ops')).json();
          return [
            ...presets.flatMap((p) => [`preset.${p.name}.title`, `preset.${p.name}.description`]),
            ...ops.map((o) => `op.${o.name}.doc`),
          ].filter((k) => !has(k));
        }"""
    )
    assert missing == []


def test_the_switch_persists_travels_in_the_link_and_redraws_in_place(page: Page, live_server: str) -> None:
    page.goto(f"{live_server}/{state_hash('a = 2; b = 1; e = (a+b)*(b+1)', **{'in': 'b'})}")
    wait_graph(page)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#tab-train")).to_have_text("Train")
    structure = page.locator("#graph").get_attribute("data-structure")

    page.select_option("#lang", "zh")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.locator("#tab-train")).to_have_text("训练")
    expect(page.locator("#paths-title")).to_have_text("从 b 到 e 的路径")
    expect(page.locator("#graph text.val tspan.k").first).to_have_text("值 ")
    expect(page.locator("#graph-info")).to_have_text(re.compile(r"^6 个节点 · 6 条边 · 输出 e = 6$"))
    # No new request: the same graph, drawn again.
    expect(page.locator("#graph")).to_have_attribute("data-structure", structure or "")
    expect(page).to_have_url(re.compile(r"[#&]lang=zh"))
    assert untranslated(page) == []

    # The choice is stored: a page loaded again, its link without the language, opens in Chinese.
    page.goto("about:blank")
    page.goto(f"{live_server}/{state_hash('x = 1; y = 2*x')}")
    wait_graph(page)
    expect(page.locator("#lang")).to_have_value("zh")
    # …and a link that names a language wins over the stored choice.
    page.goto("about:blank")
    page.goto(f"{live_server}/{state_hash('x = 1; y = 3*x', lang='en')}")
    expect(page.locator("#graph-info")).to_have_text(re.compile(r"output y = 3$"))
    expect(page.locator("#lang")).to_have_value("en")
    expect(page.locator("#tab-train")).to_have_text("Train")


def test_a_program_error_in_chinese_names_line_and_column(page: Page, live_server: str) -> None:
    program = "x = 1\ny = x + foo"
    page.goto(f"{live_server}/{state_hash(program, lang='zh')}")
    expect(page.locator("#error")).to_be_visible()
    expect(page.locator("#error")).to_have_text("第 2 行第 9 列：“foo”未定义")
    page.select_option("#lang", "en")
    expect(page.locator("#error")).to_have_text("line 2, column 9: 'foo' is not defined")


def test_the_html_export_speaks_the_language_it_was_saved_in(
    page: Page, new_page: Callable[[], Page], live_server: str, tmp_path: Path
) -> None:
    page.goto(f"{live_server}/{state_hash('a = 2; b = 1; e = (a+b)*(b+1)', **{'in': 'b', 'lang': 'zh'})}")
    wait_graph(page)
    page.click("#export-menu > summary")
    with page.expect_download() as info:
        page.click("#export-html")
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    expect(page.locator("#toast")).to_have_text("已导出 HTML")

    offline = new_page()
    offline.goto(path.as_uri())
    expect(offline.locator("#graph svg g.node").first).to_be_attached()
    expect(offline.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(offline.locator("#paths-title")).to_have_text("从 b 到 e 的路径")
    expect(offline.locator("#graph-info")).to_have_text(re.compile(r"^6 个节点 · 6 条边 · 输出 e = 6$"))
