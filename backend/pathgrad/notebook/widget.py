"""The notebook widget (anywidget): the page's graph, paths and animation, computed in the kernel.

Needs the ``notebook`` extra (``pip install pathgrad[notebook]``); the rest of pathgrad does not.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import anywidget
import traitlets

from pathgrad.engine import Node
from pathgrad.notebook.assets import widget_esm
from pathgrad.notebook.session import Session, ops
from pathgrad.notebook.svg import static_html

PATHS_LIMIT = 20
# The snapshot carries the paths of this many leaves, so that a saved notebook (or a kernel that
# is gone) still answers a click on any of them.
SNAPSHOT_INPUTS = 8


class PathgradWidget(anywidget.AnyWidget):
    """One graph in a notebook. Use :func:`pathgrad.show` to make one.

    Synced traits: ``values`` (leaf overrides, name → number; set it from Python to move the
    widget's leaves, read it to see the widget's), ``input`` (the leaf the paths are from),
    ``snapshot`` (what the front end draws first: the offline export's data), ``locked``, ``height``.
    """

    _esm = widget_esm()
    values = traitlets.Dict().tag(sync=True)
    input = traitlets.Unicode(allow_none=True, default_value=None).tag(sync=True)
    snapshot = traitlets.Dict().tag(sync=True)
    locked = traitlets.Bool(False).tag(sync=True)
    height = traitlets.Int(560).tag(sync=True)

    def __init__(
        self,
        session: Session,
        *,
        values: Mapping[str, Any] | None = None,
        input: str | None = None,
        view: str = "operations",
        locked: bool = False,
        height: int = 560,
    ) -> None:
        self.session = session
        self.view = view
        self._from_front = False
        super().__init__(locked=locked, height=height)
        self.values = dict(values or {})
        self.input = input
        self.on_msg(self._on_message)
        self.refresh()

    # ---- Python -> widget
    @traitlets.observe("values", "input")
    def _python_changed(self, change: Any) -> None:
        if not self._from_front and hasattr(self, "session"):
            self.refresh()

    def refresh(self, origin: str = "python") -> None:
        """Compute the graph for the current values again (after changing a Python graph's leaves)."""
        self.snapshot = self._snapshot(origin)

    def set_values(self, **values: Any) -> None:
        """Set some leaves (``w.set_values(a=3)``), keeping the other overrides."""
        self.values = {**self.values, **values}

    def _state(self) -> dict[str, Any]:
        return {
            "source": self.session.source,
            "values": dict(self.values),
            "input": self.input,
            "output": None,
            "view": self.view,
            "limit": PATHS_LIMIT,
        }

    def _body(self, input_name: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"source": self.session.source, "values": dict(self.values), "view": self.view}
        if input_name is not None:
            body.update(input=input_name, limit=PATHS_LIMIT)
        return body

    def _snapshot(self, origin: str) -> dict[str, Any]:
        """The offline export's data (api.js createOfflineApi): state, graph, paths per input, ops."""
        state = self._state()
        status, graph = self.session.answer("graph", self._body())
        data: dict[str, Any] = {
            "state": state,
            "graph": graph if status == 200 else None,
            "error": None if status == 200 else graph,
            "pathsByInput": {},
            "ops": ops(),
            "program": not self.session.python_graph,
            "origin": origin,
        }
        if status != 200:
            return data
        leaves = [n for n in graph["nodes"] if n["op"] == "leaf" and n["kind"] != "const"]
        scalar = [n for n in leaves if not n["shape"]]
        counts = graph["stats"]["path_counts"]
        scalar.sort(key=lambda n: -int(counts.get(n["id"], "0")))
        if state["input"] is None and scalar:
            state["input"] = scalar[0]["name"] or scalar[0]["id"]
        names = [state["input"]] + [n["name"] or n["id"] for n in scalar[:SNAPSHOT_INPUTS]]
        for name in dict.fromkeys(n for n in names if n):
            status, answer = self.session.answer("paths", self._body(name))
            if status == 200:
                data["pathsByInput"][name] = answer
        return data

    # ---- widget -> Python
    def _on_message(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if not isinstance(content, dict) or content.get("type") != "request":
            return
        status, body = self.session.answer(str(content.get("kind")), content.get("body"))
        self.send({"type": "answer", "id": content.get("id"), "status": status, "body": body})
        request = content.get("body")
        if status == 200 and isinstance(request, dict):
            # The widget's leaves are Python's to read (w.values), without drawing them again.
            self._from_front = True
            try:
                if not self.session.python_graph and isinstance(request.get("source"), str):
                    self.session.source = request["source"]  # the program as edited in the widget
                self.values = dict(request.get("values") or {})
                if isinstance(request.get("input"), str):
                    self.input = request["input"]
            finally:
                self._from_front = False

    # ---- the static fallback
    def _repr_mimebundle_(self, **kwargs: Any) -> tuple[dict[str, Any], dict[str, Any]] | None:
        bundle = super()._repr_mimebundle_(**kwargs)
        data, metadata = bundle if isinstance(bundle, tuple) else (bundle or {}, {})
        data = dict(data)
        data["text/html"] = self.static_html()
        return data, metadata

    def static_html(self) -> str:
        """The picture nbviewer and GitHub show: an SVG of the graph with its numbers."""
        snap = self.snapshot
        if snap.get("graph") is None:
            return f"<pre>pathgrad: {json.dumps(snap.get('error'))}</pre>"
        paths = snap["pathsByInput"].get(snap["state"].get("input") or "")
        return static_html(snap["graph"], paths)

    @property
    def source(self) -> str:
        """The program text, as last edited in the widget ("" for a graph built in Python)."""
        return self.session.source

    @property
    def graph(self) -> dict[str, Any] | None:
        """The graph JSON drawn now (as ``POST /api/graph`` answers it)."""
        return self.snapshot.get("graph")


def make_widget(
    what: Node | str,
    *,
    values: Mapping[str, Any] | None = None,
    input: str | None = None,
    view: str = "operations",
    locked: bool = False,
    height: int = 560,
) -> PathgradWidget:
    """A widget for a graph's output node or a program text (see :func:`pathgrad.show`)."""
    if isinstance(what, Node):
        session = Session(output=what)
        if view != "operations":
            raise ValueError("a graph built in Python is shown as its operations (view='operations')")
    elif isinstance(what, str):
        session = Session(source=what)
    else:
        raise TypeError(
            f"show() takes a pathgrad node or a program text, not {type(what).__name__} "
            "(for a micrograd Value: show(pathgrad.from_micrograd(value)))"
        )
    return PathgradWidget(session, values=values, input=input, view=view, locked=locked, height=height)


__all__ = ["PathgradWidget", "make_widget"]
