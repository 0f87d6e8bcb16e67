"""pathgrad in Jupyter (and anywhere else): ``show()`` draws a graph as an interactive widget.

``show(y)`` for a graph built in Python, ``show("a = 2; b = 1; e = (a+b)*(b+1)")`` for a program
text: the page's graph, values and gradients, paths panel, animation and sweeps, computed in the
kernel by pathgrad's engine. The widget needs the ``notebook`` extra (anywidget); the static parts
(the SVG picture, the ``<pathgrad-graph>`` element's data and script) need nothing more than pathgrad.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pathgrad.engine import Node
from pathgrad.notebook.embed import embed_data, embed_snippet
from pathgrad.notebook.svg import graph_svg, static_html

if TYPE_CHECKING:
    from pathgrad.notebook.widget import PathgradWidget


def show(
    what: Node | str,
    *,
    values: Mapping[str, Any] | None = None,
    input: str | None = None,
    view: str = "operations",
    locked: bool = False,
    height: int = 560,
) -> PathgradWidget:
    """An interactive widget of a graph's output node or of a program text.

    Args:
        what: a node (``y = sigmoid(w*x + b)``; ``pathgrad.from_micrograd(v)`` for micrograd) or a
            program text (``"x = 1; w = 0; b = 0\\ny = sigmoid(w*x + b)"``).
        values: leaf values to start from (name → number), overriding the graph's.
        input: the leaf to list paths from (default: the one with the most paths).
        view: ``"operations"`` (one node per operation) or, for a program, ``"values"``.
        locked: the widget's leaves cannot be changed (the animation still plays).
        height: the widget's height in pixels.

    Changing a leaf in the widget recomputes in the kernel (a Python graph's leaves take the new
    values); setting ``widget.values = {...}`` from Python redraws the widget. Each output also
    carries an SVG picture of the graph with its numbers, for nbviewer and GitHub.
    """
    try:
        from pathgrad.notebook.widget import make_widget
    except ImportError as error:  # anywidget is the notebook extra's
        raise ImportError(
            "pathgrad.show() needs the notebook extra: pip install 'pathgrad[notebook]'"
        ) from error
    return make_widget(what, values=values, input=input, view=view, locked=locked, height=height)


__all__ = ["embed_data", "embed_snippet", "graph_svg", "show", "static_html"]
