"""A recorded graph as plain data: the JSON the API returns and the page draws.

Pure (numpy and the standard library). Non-finite numbers travel as ``None`` with a flag, and path
counts as decimal strings, because JSON has no infinity and JavaScript loses integers above 2**53.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from pathgrad.engine import (
    Group,
    Node,
    gradients,
    is_finite,
    local_derivative,
    nonfinite_reason,
    tangents,
    topological_order,
)
from pathgrad.paths import PathReport, path_counts_to


def to_json_number(value: Any) -> Any:
    """A float, or nested lists of floats, with every non-finite entry as ``None``."""
    if value is None:
        return None
    if isinstance(value, float):  # also numpy.float64: returned as a plain float
        return float(value) if math.isfinite(value) else None
    array = np.asarray(value, dtype=np.float64)
    if array.ndim == 0:
        number = float(array)
        return number if math.isfinite(number) else None
    if np.all(np.isfinite(array)):
        return array.tolist()
    boxed = array.astype(object)
    boxed[~np.isfinite(array)] = None
    return boxed.tolist()


def format_number(value: float) -> str:
    """A short, readable rendering of a number for labels."""
    if not math.isfinite(value):
        return str(value)
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.4g}"


def node_label(node: Node) -> str:
    if node.prim is not None:
        return node.prim.symbol
    if node.name:
        return node.name
    if type(node.value) is float:
        return format_number(node.value)
    return "[" + "×".join(str(n) for n in node.shape) + "]"


class GraphIds:
    """Stable ids for one serialisation: nodes ``n<k>`` in topological order, edges ``e<k>``."""

    def __init__(self, order: Sequence[Node]) -> None:
        self.order = order
        self.node = {node: f"n{k}" for k, node in enumerate(order)}
        self.edge: dict[tuple[Node, int], str] = {}
        for node in order:
            for index in range(len(node.parents)):
                self.edge[(node, index)] = f"e{len(self.edge)}"


def graph_to_dict(
    output: Node,
    *,
    forward_input: Node | None = None,
    max_jacobian_entries: int = 4096,
    max_jacobian_total: int = 200_000,
    order: Sequence[Node] | None = None,
) -> dict[str, Any]:
    """Nodes, edges, groups, values, adjoints of ``output`` (and tangents) as JSON-ready data.

    Tensor edges carry their Jacobian when it has at most ``max_jacobian_entries`` entries and all
    the Jacobians so far hold at most ``max_jacobian_total``: a small program of 64-element vectors
    would otherwise answer with tens of megabytes of Jacobians.
    """
    if order is None:
        order = topological_order([output])
    ids = GraphIds(order)
    adjoints = gradients(output, order=order)
    tans = tangents([output], forward_input) if forward_input is not None else {}
    counts = path_counts_to(output, order)
    groups: dict[Group, list[Node]] = {}
    nodes = []
    for node in order:
        if node.group is not None:
            groups.setdefault(node.group, []).append(node)
        reason = nonfinite_reason(node)
        adjoint = adjoints.get(node)
        tangent = tans.get(node) if forward_input is not None else None
        nodes.append(
            {
                "id": ids.node[node],
                "op": node.op,
                "label": node_label(node),
                "name": node.name,
                "kind": node.kind,
                "value": to_json_number(node.value),
                "grad": to_json_number(adjoint),
                "tangent": to_json_number(tangent),
                "shape": list(node.shape),
                "group": None,
                "nonfinite": reason is not None,
                "reason": reason,
                "grad_nonfinite": adjoint is not None and not is_finite(adjoint),
            }
        )
    group_ids = {group: f"g{k}" for k, group in enumerate(groups)}
    for entry, node in zip(nodes, order, strict=True):
        if node.group is not None:
            entry["group"] = group_ids[node.group]
    edges = []
    jacobian_total = 0
    for node in order:
        for index, parent in enumerate(node.parents):
            entries = 0 if node.partials is not None else math.prod(node.shape) * math.prod(parent.shape)
            local: Any
            why: str | None
            if entries <= max_jacobian_entries and jacobian_total + entries > max_jacobian_total:
                local, why = None, (
                    f"the graph's Jacobians would hold more than {max_jacobian_total:,} entries "
                    "(max_jacobian_total)"
                )
            else:
                local, why = local_derivative(node, index, max_jacobian_entries)
                if local is not None:
                    jacobian_total += entries
            if local is not None and not is_finite(local):
                why = "the local derivative is not finite here"
            edges.append(
                {
                    "id": ids.edge[(node, index)],
                    "source": ids.node[parent],
                    "target": ids.node[node],
                    "arg": index,
                    "local": to_json_number(local),
                    "local_reason": why,
                }
            )
    return {
        "nodes": nodes,
        "edges": edges,
        "groups": [
            {
                "id": group_ids[group],
                "op": group.op,
                "nodes": [ids.node[n] for n in members],
                "output": ids.node[members[-1]],
            }
            for group, members in groups.items()
        ],
        "output": ids.node[output],
        "stats": {
            "nodes": len(nodes),
            "edges": len(edges),
            "path_counts": {
                ids.node[n]: str(counts.get(n, 0)) for n in order if n.prim is None and n.requires_grad
            },
        },
    }


def paths_to_dict(report: PathReport, ids: GraphIds, output: Node, source: Node) -> dict[str, Any]:
    """A :class:`~pathgrad.paths.PathReport` in the graph's ids."""
    return {
        "output": ids.node[output],
        "input": ids.node.get(source),
        "count": str(report.count),
        "limit": report.limit,
        "truncated": report.truncated,
        "paths": [
            {
                "nodes": [ids.node[n] for n in path.nodes],
                "edges": [ids.edge[e] for e in path.edges],
                "factors": [to_json_number(f) for f in path.factors],
                "product": to_json_number(path.product),
            }
            for path in report.paths
        ],
        "listed_sum": to_json_number(report.listed_sum),
        "gradient": to_json_number(report.gradient),
        "remainder": to_json_number(report.remainder),
    }


def to_dot(graph: dict[str, Any]) -> str:
    """Graphviz DOT for a graph dict: inputs on the left, the output on the right."""

    def quote(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'

    def show(value: Any) -> str:
        if isinstance(value, float):
            return format_number(value)
        return "—" if value is None else "[…]"

    lines = ["digraph pathgrad {", "  rankdir=LR;", '  node [fontname="Helvetica", shape=box];']
    for node in graph["nodes"]:
        text = f"{node['label']}\nvalue {show(node['value'])}\ngrad {show(node['grad'])}"
        if node["name"] and node["name"] != node["label"]:
            text = f"{node['name']} = {text}"
        shape = "ellipse" if node["kind"] in ("input", "param") else "box"
        lines.append(f"  {node['id']} [label={quote(text)}, shape={shape}];")
    for edge in graph["edges"]:
        lines.append(f"  {edge['source']} -> {edge['target']} [label={quote(show(edge['local']))}];")
    lines.append("}")
    return "\n".join(lines) + "\n"
