"""The widget's kernel side, through ipywidgets' own message path (no front end here: the browser
tests have one): what show() returns and displays, and how it answers the page's requests."""

from __future__ import annotations

import math
from typing import Any

import pytest

import pathgrad
from pathgrad import Var, tanh
from pathgrad.notebook.widget import PathgradWidget

from .helpers import WIDGET_VIEW, svg_numbers
from .micrograd_value import readme_example

DIAMOND = "a = 2; b = 1; e = (a+b)*(b+1)"


class Wire:
    """What the widget sends to its comm (ipywidgets' ``_send``) and a way to hand it a message."""

    def __init__(self, widget: PathgradWidget) -> None:
        self.widget = widget
        self.sent: list[dict[str, Any]] = []
        widget._send = lambda msg, buffers=None: self.sent.append(msg)

    def request(self, kind: str, body: dict[str, Any], id: str = "v:1") -> dict[str, Any]:
        content = {"type": "request", "id": id, "kind": kind, "body": body}
        message = {"content": {"data": {"method": "custom", "content": content}}, "buffers": []}
        self.widget._handle_msg(message)
        (answer,) = [m["content"] for m in self.sent if m["method"] == "custom" and m["content"]["id"] == id]
        return answer

    def updates(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for message in self.sent:
            if message["method"] == "update":
                out.update(message["state"])
        return out


def test_show_returns_a_widget_with_the_static_fallback() -> None:
    widget = pathgrad.show(DIAMOND)
    assert isinstance(widget, PathgradWidget)
    data, _ = widget._repr_mimebundle_()
    assert data[WIDGET_VIEW]["model_id"] == widget.model_id
    nodes = svg_numbers(data["text/html"])
    assert nodes["b"]["grad"] == "5"
    snapshot = widget.snapshot
    assert snapshot["state"]["input"] == "b" and snapshot["graph"]["view"] == "operations"
    assert snapshot["pathsByInput"]["b"]["gradient"] == 5.0
    assert widget.get_state()["_esm"].startswith("// A tiny bundler")


def test_a_leaf_changed_in_the_widget_is_computed_and_seen_from_python() -> None:
    x, w = Var(0.5, name="x"), Var(-2.0, name="w")
    y = tanh(w * x)
    widget = pathgrad.show(y, input="x")
    wire = Wire(widget)
    before = widget.snapshot
    answer = wire.request("paths", {"source": "", "input": "x", "values": {"w": 1.0}, "limit": 20})
    assert answer["status"] == 200
    assert answer["body"]["gradient"] == pytest.approx(1.0 * (1 - math.tanh(0.5) ** 2))  # w (1 − tanh²(w x))
    assert w.value == 1.0 and y.value == pytest.approx(math.tanh(0.5))  # Python's graph follows
    assert widget.values == {"w": 1.0}
    # The widget drew its own answer: the snapshot is not sent back to it.
    assert widget.snapshot == before and "snapshot" not in wire.updates()


def test_values_set_from_python_are_sent_to_the_widget() -> None:
    widget = pathgrad.show(DIAMOND)
    wire = Wire(widget)
    widget.values = {"a": 5}
    snapshot = wire.updates()["snapshot"]
    assert snapshot["origin"] == "python" and snapshot["state"]["values"] == {"a": 5}
    assert snapshot["pathsByInput"]["b"]["gradient"] == 8.0
    widget.set_values(b=2)
    assert wire.updates()["snapshot"]["graph"]["nodes"][-1]["value"] == 21.0


def test_a_bad_request_is_answered_with_the_apis_error() -> None:
    wire = Wire(pathgrad.show(DIAMOND))
    answer = wire.request("paths", {"source": DIAMOND, "input": "nope"})
    assert answer["status"] == 422 and answer["body"]["detail"][0]["loc"] == ["body", "input"]
    assert wire.request("nope", {}, id="v:2")["status"] == 404


def test_a_micrograd_graph_shows_with_pathgrads_numbers() -> None:
    _, _, g = readme_example()
    widget = pathgrad.show(pathgrad.from_micrograd(g), input="a")
    assert widget.snapshot["program"] is False
    assert round(widget.snapshot["pathsByInput"]["a"]["gradient"], 4) == 138.8338


def test_what_show_refuses_says_what_to_do() -> None:
    _, _, g = readme_example()
    with pytest.raises(TypeError, match="from_micrograd"):
        pathgrad.show(g)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="operations"):
        pathgrad.show(Var(1.0, name="x") * 2, view="values")
    broken = pathgrad.show("a = 2; e = a +")
    assert broken.snapshot["graph"] is None and "pathgrad:" in broken._repr_mimebundle_()[0]["text/html"]


def test_a_program_edited_in_the_widget_is_the_one_python_redraws() -> None:
    widget = pathgrad.show(DIAMOND)
    wire = Wire(widget)
    edited = "a = 2; b = 1; e = (a+b)*(b+3)"
    assert wire.request("paths", {"source": edited, "input": "b"})["body"]["gradient"] == 7.0
    assert widget.source == edited
    widget.values = {"a": 4}
    snapshot = wire.updates()["snapshot"]
    assert snapshot["state"]["source"] == edited and snapshot["pathsByInput"]["b"]["gradient"] == 9.0
