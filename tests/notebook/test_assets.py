"""The widget's one ES module: the page's own modules (never a copy) and the page's bundler."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from pathgrad.notebook.assets import element_script, frontend_dir, module_sources, page_css, widget_esm

# bundle.js's importsOf, run by node over the page's files: the closure the browser bundles.
NODE_CLOSURE = """
import { readFileSync } from 'node:fs';
import { importsOf } from './js/model/bundle.js';
const seen = new Set(); const queue = [process.argv[1]];
while (queue.length) {
  const path = queue.shift();
  if (seen.has(path)) continue;
  seen.add(path);
  queue.push(...importsOf(path, readFileSync(path, 'utf8')));
}
console.log(JSON.stringify([...seen].sort()));
"""


def node_closure(entry: str) -> list[str]:
    out = subprocess.run(["node", "--input-type=module", "-e", NODE_CLOSURE, entry], cwd=frontend_dir(),
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_the_modules_are_the_pages_files_and_what_bundle_js_would_read() -> None:
    for entry in ("js/widget.js", "js/element.js"):
        sources = module_sources(entry)
        assert sorted(sources) == node_closure(entry)
        for path, text in sources.items():
            assert text == (frontend_dir() / path).read_text(encoding="utf-8")
    widget = set(module_sources("js/widget.js"))
    assert {"js/app.js", "js/embed.js", "js/view/render.js", "js/model/bundle.js"} <= widget


def test_the_module_bundles_in_the_browser_with_the_pages_bundler() -> None:
    esm = widget_esm()
    bundler = (frontend_dir() / "js/model/bundle.js").read_text(encoding="utf-8")
    assert esm.startswith(bundler)
    assert 'const ENTRY = "js/widget.js"' in esm and "export default {" in esm
    assert json.dumps(page_css(), ensure_ascii=False) in esm
    assert 'const ENTRY = "js/element.js"' in element_script()
    assert ".app.embedded" in page_css() and ".graph-svg" in page_css()


def test_the_module_runs_and_its_bundle_defines_the_widget(tmp_path: Path) -> None:
    # Under node (no DOM): the ES module evaluates, and bundle.js's bundle() over its sources makes a
    # script whose widget module has render() (the browser tests draw it).
    (tmp_path / "widget.mjs").write_text(widget_esm(), encoding="utf-8")
    (tmp_path / "sources.json").write_text(json.dumps(module_sources("js/widget.js")), encoding="utf-8")
    script = """
import { readFileSync, writeFileSync } from 'node:fs';
const dir = process.argv[1];
const m = await import(`${dir}/widget.mjs`);
const sources = new Map(Object.entries(JSON.parse(readFileSync(`${dir}/sources.json`, 'utf8'))));
writeFileSync(`${dir}/bundled.mjs`, `${m.bundle('js/widget.js', sources)}\\nexport default __modules;\\n`);
const modules = (await import(`${dir}/bundled.mjs`)).default;
console.log(typeof m.default.render, typeof modules['js/widget.js'].render,
  typeof modules['js/embed.js'].mountGraph);
"""
    out = subprocess.run(["node", "--input-type=module", "-e", script, str(tmp_path)], capture_output=True,
                         text=True, check=True)
    assert out.stdout.split() == ["function", "function", "function"]
