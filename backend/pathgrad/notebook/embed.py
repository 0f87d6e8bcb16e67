"""A graph for a static page: the data a ``<pathgrad-graph>`` element draws, and the element itself.

The data is the offline HTML export's (``{state, graph, pathsByInput, ops}``), computed here by the
engine, so the page needs no server: ``embed_snippet()`` writes the element with its data inside,
and ``assets.element_script()`` the one script that defines the element.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from typing import Any

from pathgrad.engine import Node
from pathgrad.notebook.session import Session, ops

MAX_INPUTS = 24  # as the page's HTML export: paths for at most this many leaves


def embed_data(
    what: Node | str,
    values: Mapping[str, Any] | None = None,
    input: str | None = None,
    limit: int = 20,
) -> dict[str, Any]:
    """The data of a ``<pathgrad-graph>`` for a program text or a graph's output node.

    Raises ``ValueError`` with the API's error when the program does not build.
    """
    session = Session(output=what) if isinstance(what, Node) else Session(source=what)
    base: dict[str, Any] = {"source": session.source, "values": dict(values or {}), "view": "operations"}
    status, graph = session.answer("graph", base)
    if status != 200:
        detail = graph.get("detail")
        why = "; ".join(d["msg"] for d in detail) if isinstance(detail, list) else json.dumps(detail)
        raise ValueError(f"the program does not build: {why}")
    counts = graph["stats"]["path_counts"]
    leaves = [n for n in graph["nodes"] if n["op"] == "leaf" and n["kind"] != "const" and not n["shape"]]
    leaves.sort(key=lambda n: -int(counts.get(n["id"], "0")))
    names = [n["name"] or n["id"] for n in leaves[:MAX_INPUTS]]
    chosen = input or (names[0] if names else None)
    by_input = {}
    for name in dict.fromkeys([chosen, *names]):
        if name is None:
            continue
        status, answer = session.answer("paths", {**base, "input": name, "limit": limit})
        if status == 200:
            by_input[name] = answer
    state = {"source": session.source, "values": dict(values or {}), "input": chosen, "output": None,
             "view": "operations", "limit": limit}
    return {"state": state, "graph": graph, "pathsByInput": by_input, "ops": ops(),
            "program": not session.python_graph}


def embed_snippet(what: Node | str, *, height: int | None = None, **options: Any) -> str:
    """``<pathgrad-graph>`` with its data inside, to paste into a page that loads the element's script."""
    data = json.dumps(embed_data(what, **options), ensure_ascii=False, separators=(",", ":"))
    # Safe inside <script>: no closing tag can appear in it.
    data = data.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    size = f' height="{int(height)}"' if height else ""
    return (
        f'<pathgrad-graph{size} aria-label="{html.escape("pathgrad computation graph")}">'
        f'<script type="application/json">{data}</script></pathgrad-graph>\n'
    )


__all__ = ["embed_data", "embed_snippet"]
