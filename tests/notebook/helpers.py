"""What the notebook tests share: the notebook they run, and reading the numbers off the static SVG."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
SVG = "{http://www.w3.org/2000/svg}"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

SETUP = f"""\
import importlib.util, sys
spec = importlib.util.spec_from_file_location("micrograd_value", {str(HERE / "micrograd_value.py")!r})
micrograd_value = importlib.util.module_from_spec(spec)
spec.loader.exec_module(micrograd_value)
import pathgrad
from pathgrad import Var, tanh"""
PYTHON_GRAPH = """\
x = Var(0.5, name="x")
w = Var(-2.0, name="w")
y = tanh(w * x)
y.name = "y"
widget = pathgrad.show(y)
widget"""
PROGRAM = 'pathgrad.show("a = 2; b = 1; e = (a+b)*(b+1)")'
MICROGRAD = """\
a, b, g = micrograd_value.readme_example()
pathgrad.show(pathgrad.from_micrograd(g), input="a")"""


def notebook(*cells: str) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def svg_numbers(html: str) -> dict[str, dict[str, str]]:
    """The static SVG's nodes: title → {"value": ..., "grad": ...} as written (6 significant digits)."""
    match = re.search(r"<svg\b.*?</svg>", html, re.DOTALL)
    assert match, "the static fallback has an inline SVG"
    root = ET.fromstring(match.group(0))
    nodes: dict[str, dict[str, str]] = {}
    for g in root.iter(f"{SVG}g"):
        if g.get("class") != "node":  # (a constant, class "node const", has no value or gradient line)
            continue
        texts = {t.get("class"): (t.text or "") for t in g.iter(f"{SVG}text")}
        nodes[texts["title"]] = {
            "value": texts["value"].removeprefix("value "),
            "grad": texts["grad"].removeprefix("grad "),
        }
    return nodes


def as_float(text: str) -> float:
    return float(text.replace("−", "-"))
