"""A real notebook executed headless (nbclient, ipykernel): show() on a Python graph, a program text
and an imported micrograd graph, each output with the widget and its static SVG fallback."""

from __future__ import annotations

import math

import pytest
from nbclient import NotebookClient

from .helpers import MICROGRAD, PROGRAM, PYTHON_GRAPH, SETUP, WIDGET_VIEW, as_float, notebook, svg_numbers


@pytest.fixture(scope="module")
def executed() -> list[dict]:
    nb = notebook(SETUP, PYTHON_GRAPH, PROGRAM, MICROGRAD, "widget.values = {'x': 1.5}\nround(y.value, 6)")
    NotebookClient(nb, timeout=120, kernel_name="python3", store_widget_state=True).execute()
    return [nb, *[cell.outputs for cell in nb.cells]]


def result(outputs: list) -> dict:
    (out,) = [o for o in outputs if o.output_type == "execute_result"]
    return out.data


def close(text: str, expected: float) -> bool:
    return math.isclose(as_float(text), expected, rel_tol=1e-5)


def test_a_python_graph_shows_as_a_widget_with_its_numbers(executed: list) -> None:
    data = result(executed[2])
    assert data[WIDGET_VIEW]["model_id"]
    nodes = svg_numbers(data["text/html"])
    t = math.tanh(-1.0)
    assert close(nodes["y = tanh(w × x)"]["value"], t)
    assert close(nodes["x"]["grad"], -2.0 * (1 - t * t))  # dy/dx = w (1 − tanh²)
    assert close(nodes["w"]["grad"], 0.5 * (1 - t * t))


def test_a_program_text_shows_as_a_widget_with_its_numbers(executed: list) -> None:
    data = result(executed[3])
    assert data[WIDGET_VIEW]["model_id"]
    nodes = svg_numbers(data["text/html"])
    assert nodes["e = (a + b) × (b + 1)"]["value"] == "6"
    assert nodes["a"]["grad"] == "2"
    assert nodes["b"]["grad"] == "5"
    assert "∂e/∂b = 5, the sum over 2 paths" in data["text/html"]


def test_an_imported_micrograd_graph_shows_micrograd_readme_numbers(executed: list) -> None:
    data = result(executed[4])
    assert data[WIDGET_VIEW]["model_id"]
    nodes = svg_numbers(data["text/html"])
    (g,) = [v for k, v in nodes.items() if k.startswith("g = ")]
    assert g["value"] == "24.7041"
    assert close(nodes["a"]["grad"], 138.8338)
    assert close(nodes["b"]["grad"], 645.5773)
    assert "∂g/∂a = 138.834" in data["text/html"]


def test_values_set_from_python_recompute_the_graph(executed: list) -> None:
    (out,) = [o for o in executed[5] if o.output_type == "execute_result"]
    assert float(out.data["text/plain"]) == round(math.tanh(-3.0), 6)


def test_the_saved_notebook_keeps_each_widget_graph(executed: list) -> None:
    nb = executed[0]
    state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    model_id = result(executed[4])[WIDGET_VIEW]["model_id"]
    snapshot = state[model_id]["state"]["snapshot"]
    output = next(n for n in snapshot["graph"]["nodes"] if n["id"] == snapshot["graph"]["output"])
    assert round(output["value"], 4) == 24.7041
    assert snapshot["state"]["input"] == "a"
    assert round(snapshot["pathsByInput"]["a"]["gradient"], 4) == 138.8338
