"""A graph JSON as a standalone SVG picture with its numbers: the notebook's static fallback.

Where no JavaScript runs (nbviewer, GitHub, a notebook opened without its kernel) this is what a
reader sees, so it carries the true numbers: every node's value and gradient, every edge's local
derivative. The layout is simple and layered: a node's column is its longest distance from a leaf,
and a column's nodes are ordered by the mean row of their parents. Pure: standard library only.
"""

from __future__ import annotations

from html import escape
from typing import Any

NODE_H = 54
COLUMN_GAP = 64
ROW_GAP = 18
MARGIN = 16
CHAR_W = 7.4  # a 12.5 px sans-serif character, on average: enough to size a box
MIN_W = 76
CONST_W, CONST_H = 34, 24  # a literal number: a small box with the number alone


def number(value: Any, kind: Any = None, digits: int = 6) -> str:
    """A value as a short text: 6 significant digits, ``[3×2]`` for an array, ∞ and NaN by name."""
    if isinstance(value, bool) or value is None:
        return {"inf": "∞", "-inf": "−∞", "nan": "NaN"}.get(kind, "—") if isinstance(kind, str) else "—"
    if isinstance(value, (int, float)):
        if value == 0:
            return "0"
        text = f"{value:.{digits}g}"
        return text.replace("-", "−") if text.startswith("-") else text
    if isinstance(value, list):
        shape = []
        inner: Any = value
        while isinstance(inner, list):
            shape.append(len(inner))
            inner = inner[0] if inner else None
        return "[" + "×".join(map(str, shape)) + "]"
    return "—"


MAX_EXPRESSION = 28  # longer expressions are written as their operation's symbol alone


def _expressions(graph: dict[str, Any]) -> dict[str, str]:
    """Each operation as the expression it computes from named values (``(a + b) × (b + 1)``)."""
    args: dict[str, list[tuple[int, str]]] = {}
    for edge in graph["edges"]:
        args.setdefault(edge["target"], []).append((edge["arg"], edge["source"]))
    text: dict[str, str] = {}  # how a node reads inside its children's expressions
    infix: dict[str, bool] = {}
    out: dict[str, str] = {}
    for node in graph["nodes"]:
        node_id, label = node["id"], node.get("label") or ""
        operands = [text[source] for _, source in sorted(args.get(node_id, []))]
        wrapped = [f"({x})" if infix[source] else x for x, (_, source) in zip(
            operands, sorted(args.get(node_id, [])), strict=True)]
        symbol = not label[:1].isalnum()
        if not operands:
            expression = node.get("name") or label
        elif len(operands) == 2 and symbol:
            expression = f"{wrapped[0]} {label} {wrapped[1]}"
        elif len(operands) == 1 and symbol:
            expression = f"{label}{wrapped[0]}"  # −x
        else:
            expression = f"{label}({', '.join(operands)})"
        long = len(expression) > MAX_EXPRESSION
        out[node_id] = label if long else expression
        text[node_id] = node.get("name") or ("…" if long else expression)
        infix[node_id] = not node.get("name") and not long and len(operands) == 2 and symbol
    return out


def _title(node: dict[str, Any], expression: str) -> str:
    name = node.get("name")
    if node.get("op") in ("leaf", "const"):
        return name or node.get("label") or ""
    return f"{name} = {expression}" if name and name != expression else expression


def _columns(graph: dict[str, Any]) -> dict[str, int]:
    """Each node's column: the longest path from a leaf to it (nodes come in topological order)."""
    parents: dict[str, list[str]] = {}
    for edge in graph["edges"]:
        parents.setdefault(edge["target"], []).append(edge["source"])
    column: dict[str, int] = {}
    for node in graph["nodes"]:
        column[node["id"]] = 1 + max((column[p] for p in parents.get(node["id"], ())), default=-1)
    # A constant sits just before the first operation that uses it, not with the inputs.
    users: dict[str, list[str]] = {}
    for edge in graph["edges"]:
        users.setdefault(edge["source"], []).append(edge["target"])
    for node in graph["nodes"]:
        if node.get("kind") == "const" and node["id"] in users:
            column[node["id"]] = max(0, min(column[u] for u in users[node["id"]]) - 1)
    return column


def graph_svg(graph: dict[str, Any], *, title: str = "pathgrad graph") -> str:
    """An ``<svg>`` element (text) of a graph JSON of :func:`pathgrad.graph_json.graph_to_dict`."""
    nodes = {n["id"]: n for n in graph["nodes"]}
    column = _columns(graph)
    parents: dict[str, list[str]] = {}
    for edge in graph["edges"]:
        parents.setdefault(edge["target"], []).append(edge["source"])
    count = max(column.values(), default=-1) + 1
    by_column: list[list[str]] = [[] for _ in range(count)]
    for node_id in nodes:
        by_column[column[node_id]].append(node_id)
    row: dict[str, float] = {}
    for members in by_column:
        # Order by the parents' mean row (a stable sort keeps the topological order on ties).
        members.sort(key=lambda i: sum(row[p] for p in parents.get(i, [])) / max(1, len(parents.get(i, []))))
        for k, node_id in enumerate(members):
            row[node_id] = k
    expressions = _expressions(graph)
    lines = {
        i: (_title(n, expressions[i]), f"value {number(n.get('value'), n.get('value_kind'))}",
            f"grad {number(n.get('grad'), n.get('grad_kind'))}")
        if n.get("kind") != "const" else (number(n.get("value"), n.get("value_kind")), "", "")
        for i, n in nodes.items()
    }
    widths = {
        i: max(CONST_W if nodes[i].get("kind") == "const" else MIN_W, 16 + CHAR_W * max(len(t) for t in text))
        for i, text in lines.items()
    }
    column_w = [max((widths[i] for i in members), default=MIN_W) for members in by_column]
    x_at = [MARGIN + sum(column_w[:c]) + COLUMN_GAP * c for c in range(count)]
    tallest = max((len(m) for m in by_column), default=1)
    height = 2 * MARGIN + tallest * NODE_H + (tallest - 1) * ROW_GAP
    width = (x_at[-1] + column_w[-1] + MARGIN) if count else 2 * MARGIN
    box: dict[str, tuple[float, float, float]] = {}
    for c, members in enumerate(by_column):
        top = (height - (len(members) * NODE_H + (len(members) - 1) * ROW_GAP)) / 2
        for k, node_id in enumerate(members):
            w = widths[node_id]
            box[node_id] = (x_at[c] + (column_w[c] - w) / 2, top + k * (NODE_H + ROW_GAP), w)
    out = [
        '<svg xmlns="http://www.w3.org/2000/svg" class="pathgrad-static" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" height="{height:.0f}" role="img" aria-label="{escape(title)}" '
        'font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="12.5">',
        f"<title>{escape(title)}</title>",
        '<rect width="100%" height="100%" fill="#ffffff"/>',
        '<g class="edges" fill="none" stroke="#94a3b8" stroke-width="1.4">',
    ]
    labels = []
    for edge in graph["edges"]:
        sx, sy, sw = box[edge["source"]]
        tx, ty, _ = box[edge["target"]]
        x1, y1, x2, y2 = sx + sw, sy + NODE_H / 2, tx, ty + NODE_H / 2
        bend = max(24.0, (x2 - x1) / 2)
        out.append(
            f'<path class="edge" data-id="{edge["id"]}" d="M{x1:.1f},{y1:.1f} C{x1 + bend:.1f},{y1:.1f} '
            f'{x2 - bend:.1f},{y2:.1f} {x2:.1f},{y2:.1f}"/>'
        )
        if edge.get("local_needed", True):
            local = number(edge.get("local"), edge.get("local_kind"), 4)
            mx, my = (x1 + x2) / 2, (y1 + y2) / 2 - 3
            labels.append(
                f'<text class="local" data-edge="{edge["id"]}" x="{mx:.1f}" y="{my:.1f}" '
                'text-anchor="middle" '
                f'fill="#7c3aed" font-size="11" stroke="#ffffff" stroke-width="3" paint-order="stroke">'
                f"{escape(local)}</text>"
            )
    out.append("</g>")
    out.append('<g class="edge-labels">' + "".join(labels) + "</g>")
    out.append('<g class="nodes">')
    for node_id, node in nodes.items():
        x, y, w = box[node_id]
        leaf = node.get("op") in ("leaf", "const")
        fill = "#eff6ff" if node.get("kind") in ("input", "param") else "#f8fafc"
        stroke = "#2563eb" if node_id == graph.get("output") else "#cbd5e1"
        radius = NODE_H / 2 if leaf else 8
        title_text, value_text, grad_text = lines[node_id]
        if node.get("kind") == "const":
            top = y + (NODE_H - CONST_H) / 2
            out.append(
                f'<g class="node const" data-id="{node_id}"><rect x="{x:.1f}" y="{top:.1f}" width="{w:.1f}" '
                f'height="{CONST_H}" rx="{CONST_H / 2}" fill="#f1f5f9" stroke="#cbd5e1"/>'
                f'<text x="{x + w / 2:.1f}" y="{top + 16:.1f}" text-anchor="middle" fill="#475569" '
                f'class="title">{escape(title_text)}</text></g>'
            )
            continue
        out.append(
            f'<g class="node" data-id="{node_id}">'
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{NODE_H}" '
            f'rx="{min(radius, w / 2):.1f}" fill="{fill}" stroke="{stroke}" stroke-width="1.4"/>'
            f'<text x="{x + w / 2:.1f}" y="{y + 17:.1f}" text-anchor="middle" font-weight="650" '
            'fill="#0f172a" '
            f'class="title">{escape(title_text)}</text>'
            f'<text x="{x + w / 2:.1f}" y="{y + 32:.1f}" text-anchor="middle" fill="#334155" class="value">'
            f"{escape(value_text)}</text>"
            f'<text x="{x + w / 2:.1f}" y="{y + 46:.1f}" text-anchor="middle" fill="#c2410c" class="grad">'
            f"{escape(grad_text)}</text></g>"
        )
    out.append("</g></svg>")
    return "".join(out)


def static_html(graph: dict[str, Any], paths: dict[str, Any] | None = None) -> str:
    """The notebook's ``text/html`` fallback: the SVG and, with a paths answer, its sum of paths."""
    output = next((n for n in graph["nodes"] if n["id"] == graph["output"]), None)
    name = (output or {}).get("name") or "output"
    out = output or {}
    caption = f"{escape(name)} = {escape(number(out.get('value'), out.get('value_kind')))}"
    if paths is not None:
        source: dict[str, Any] = next((n for n in graph["nodes"] if n["id"] == paths.get("input")), {})
        wrt = source.get("name") or str(paths.get("input"))
        count = paths.get("count", "?")
        gradient = number(paths.get("gradient"), paths.get("gradient_kind"))
        caption += (
            f" · ∂{escape(name)}/∂{escape(wrt)} = {escape(gradient)}"
            f", the sum over {escape(str(count))} path{'s' if count != '1' else ''}"
        )
    nodes = graph.get("stats", {}).get("nodes", len(graph["nodes"]))
    note = "pathgrad (static picture: run the notebook for the interactive graph)"
    return (
        f'<div class="pathgrad-static" style="overflow:auto;max-width:100%">{graph_svg(graph)}'
        f'<p style="font:12px system-ui,sans-serif;color:#475569;margin:4px 0">{caption} · {nodes} nodes · '
        f"{escape(note)}</p></div>"
    )



__all__ = ["graph_svg", "number", "static_html"]
