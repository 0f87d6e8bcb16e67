"""The widget's and the ``<pathgrad-graph>`` element's front end: the page's own modules, one file.

anywidget takes one ES module, and a static site wants one script. Both are made here, when asked,
from the page's files (frontend/js, frontend/css; no build step, nothing generated is committed):
the module holds the page's modules' sources and the page's bundler, ``model/bundle.js``, which the
offline HTML export uses too. In the browser it bundles them once (``bundle()``) and imports the
result, so the widget runs exactly the page's code, never a copy of it. Standard library only.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

from pathgrad.settings import get_settings

# The import form the page's modules use (model/bundle.js reads the same one).
IMPORT = re.compile(r"""^\s*import\s+[\s\S]*?\s+from\s+['"]([^'"]+)['"]\s*;?""", re.MULTILINE)
CSS_FILES = ("css/app.css", "css/graph.css", "css/embed.css")
_PACKAGE = Path(__file__).resolve().parents[1]


def frontend_dir() -> Path:
    """The page's folder: the settings' ``frontend_dir``, the wheel's copy, or the repository's."""
    configured = get_settings().frontend_dir
    if configured:
        return Path(configured)
    packaged = _PACKAGE / "frontend"
    return packaged if packaged.is_dir() else _PACKAGE.parent.parent / "frontend"


def _resolve(importer: str, spec: str) -> str:
    parts = importer.split("/")[:-1]
    for segment in spec.split("/"):
        if segment == "..":
            parts.pop()
        elif segment not in (".", ""):
            parts.append(segment)
    return "/".join(parts)


def module_sources(entry: str, root: Path | None = None) -> dict[str, str]:
    """``entry`` (``"js/widget.js"``) and every module it imports, transitively: path → source."""
    root = root or frontend_dir()
    sources: dict[str, str] = {}
    pending = [entry]
    while pending:
        path = pending.pop()
        if path in sources:
            continue
        text = (root / path).read_text(encoding="utf-8")
        sources[path] = text
        pending.extend(_resolve(path, spec) for spec in IMPORT.findall(text) if spec.startswith("."))
    return sources


def page_css(root: Path | None = None) -> str:
    """The page's stylesheets that an embedded graph uses, as one text."""
    root = root or frontend_dir()
    return "\n".join((root / path).read_text(encoding="utf-8") for path in CSS_FILES)


def _module(entry: str, tail: str, root: Path | None) -> str:
    root = root or frontend_dir()
    bundler = (root / "js/model/bundle.js").read_text(encoding="utf-8")
    sources = json.dumps(module_sources(entry, root), ensure_ascii=False)
    return (
        f"{bundler}\n"
        "// ---- pathgrad: the page's modules, bundled in the browser by bundle() above\n"
        f"const SOURCES = new Map(Object.entries({sources}));\n"
        f"const CSS = {json.dumps(page_css(root), ensure_ascii=False)};\n"
        f"const ENTRY = {json.dumps(entry)};\n"
        "let loaded = null;\n"
        "function load() {\n"
        "  if (loaded) return loaded;\n"
        "  const tail = `export default __modules[${JSON.stringify(ENTRY)}];`;\n"
        "  const code = `${bundle(ENTRY, SOURCES)}\\n${tail}\\n`;\n"
        "  const url = URL.createObjectURL(new Blob([code], { type: 'text/javascript' }));\n"
        "  loaded = import(url).then((m) => m.default);\n"
        "  return loaded;\n"
        "}\n"
        f"{tail}"
    )


@cache
def widget_esm(root: Path | None = None) -> str:
    """The anywidget ES module: ``export default {render}`` over js/widget.js."""
    tail = (
        "export default {\n"
        "  async render({ model, el }) {\n"
        "    const widget = await load();\n"
        "    return widget.render({ model, el, css: CSS });\n"
        "  },\n"
        "};\n"
    )
    return _module("js/widget.js", tail, root)


@cache
def element_script(root: Path | None = None) -> str:
    """One script (a module) for a static site that defines ``<pathgrad-graph>`` (js/element.js)."""
    tail = "load().then((element) => element.define(CSS));\n"
    return _module("js/element.js", tail, root)


__all__ = ["element_script", "frontend_dir", "module_sources", "page_css", "widget_esm"]
