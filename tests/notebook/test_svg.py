"""The static fallback: an SVG of the graph with its true numbers, readable with no JavaScript."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

from hypothesis import given, settings
from hypothesis import strategies as st

from pathgrad import Var, log
from pathgrad.graph_json import graph_to_dict
from pathgrad.notebook.svg import graph_svg, number, static_html

from .helpers import as_float, svg_numbers


def test_numbers_are_written_with_six_significant_digits() -> None:
    assert number(24.70408163265306) == "24.7041"
    assert number(-0.0001234567) == "−0.000123457"
    assert number(6.0) == "6"
    assert number(0.0) == "0"
    assert number(None, "inf") == "∞" and number(None, "-inf") == "−∞" and number(None, "nan") == "NaN"
    assert number(None) == "—"
    assert number([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]) == "[2×3]"


@settings(max_examples=80, deadline=None, derandomize=True)
@given(st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False))
def test_a_written_number_reads_back_within_its_digits(x: float) -> None:
    assert math.isclose(as_float(number(x)), x, rel_tol=1e-5, abs_tol=1e-300)


def test_the_svg_is_valid_and_carries_every_node_and_edge() -> None:
    x, w = Var(3.0, name="x"), Var(-2.0, name="w")
    y = log(w * x + 7.0)
    y.name = "y"
    graph = graph_to_dict(y)
    root = ET.fromstring(graph_svg(graph))
    ns = "{http://www.w3.org/2000/svg}"
    drawn = [g for g in root.iter(f"{ns}g") if g.get("class", "").split()[:1] == ["node"]]
    assert len(drawn) == len(graph["nodes"])
    (const,) = [g for g in drawn if "const" in g.get("class", "")]
    assert [t.text for t in const.iter(f"{ns}text")] == ["7"]  # a literal: its number alone
    assert len([p for p in root.iter(f"{ns}path") if p.get("class") == "edge"]) == len(graph["edges"])
    nodes = svg_numbers(graph_svg(graph))
    assert nodes["y = ln((w × x) + 7)"]["value"] == "0"  # log(1)
    assert nodes["x"]["grad"] == "−2" and nodes["w"]["grad"] == "3"
    locals_ = {t.get("data-edge"): t.text for t in root.iter(f"{ns}text") if t.get("class") == "local"}
    ids = {n["op"] if n["op"] == "mul" else n["name"]: n["id"] for n in graph["nodes"]}
    mul = next(e for e in graph["edges"] if e["target"] == ids["mul"] and e["source"] == ids["w"])
    assert locals_[mul["id"]] == "3"  # ∂(w·x)/∂w = x


def test_names_are_escaped_and_non_finite_values_named() -> None:
    x = Var(0.0, name="<x & y>")
    y = log(x)
    nodes = svg_numbers(graph_svg(graph_to_dict(y)))
    assert nodes["<x & y>"]["value"] == "0"
    assert nodes["ln(<x & y>)"]["value"] == "−∞"
    assert nodes["<x & y>"]["grad"] == "∞"


def test_the_html_says_the_gradient_as_a_sum_of_paths() -> None:
    from pathgrad.notebook.session import Session

    session = Session(source="a = 2; b = 1; e = (a+b)*(b+1)")
    graph = session.answer("graph", {"source": session.source})[1]
    paths = session.answer("paths", {"source": session.source, "input": "b"})[1]
    html = static_html(graph, paths)
    assert "e = 6 · ∂e/∂b = 5, the sum over 2 paths · 6 nodes" in html
    assert "∂e" not in static_html(graph)
