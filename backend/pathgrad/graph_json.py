"""A recorded graph as plain data: the JSON the API returns and the page draws.

Pure (numpy and the standard library). Non-finite numbers travel as ``None`` with a flag, and path
counts as decimal strings, because JSON has no infinity and JavaScript loses integers above 2**53.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from pathgrad import defaults
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


def _kind(number: float) -> str | None:
    if number == number:
        return None if abs(number) != math.inf else ("inf" if number > 0 else "-inf")
    return "nan"


def to_json_kind(value: Any) -> Any:
    """What :func:`to_json_number` sent as ``null``: ``"inf"``, ``"-inf"`` or ``"nan"``.

    ``None`` when every entry is finite (or there is no value); for an array with a non-finite entry,
    nested lists of its shape with ``None`` at the finite entries.
    """
    if value is None:
        return None
    if isinstance(value, float):
        return _kind(value)
    array = np.asarray(value, dtype=np.float64)
    if array.ndim == 0:
        return _kind(float(array))
    bad = ~np.isfinite(array)
    if not bad.any():
        return None
    kinds = np.full(array.shape, None, dtype=object)
    kinds[np.isnan(array)] = "nan"
    kinds[array == math.inf] = "inf"
    kinds[array == -math.inf] = "-inf"
    return kinds.tolist()


CONSTANT_EDGE = "no gradient flows to a constant: its derivative is not needed"


def local_reason(node: Node, index: int) -> str:
    """Why the local derivative d(node)/d(its argument ``index``) is infinite or NaN."""
    parents = node.parents
    for i, parent in enumerate(parents):
        if not is_finite(parent.value):
            return f"{node.op}'s input {i + 1} is not finite, so its derivative is not either"
    row = node.prim
    assert row is not None
    why = row.derivative_domain[index] if index < len(row.derivative_domain) else ""
    if not why:
        why = "it is beyond float64's range (±1.8e308)" if is_finite(node.value) else (
            "the value itself is not finite"
        )
    at = ""
    if all(type(p.value) is float for p in parents):
        at = " (at " + ", ".join(f"{p.value:.6g}" for p in parents) + ")"
    return f"d{node.op}/d(input {index + 1}) is not finite here{at}: {why}"


def format_number(value: float) -> str:
    """A short, readable rendering of a number for labels (4 significant digits; the source printer
    writes numbers exactly instead: ``language.printer.exact_number``)."""
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


NODE_NUMBERS = (
    "value", "value_kind", "grad", "grad_kind", "tangent", "tangent_kind", "nonfinite", "reason",
    "grad_nonfinite",
)
"""A node's fields that change with the leaves' values (the columns of a numbers-only answer)."""
EDGE_NUMBERS = ("local", "local_kind", "local_reason")
"""An edge's fields that change with the leaves' values."""
NODE_STRUCTURE = ("id", "op", "label", "name", "kind", "shape", "group", "expr", "line", "node", "members")
"""A node's fields that do not (the values view's expr, line, node and members included)."""
EDGE_STRUCTURE = ("id", "source", "target", "arg", "local_needed", "occurrences")


def node_numbers(node: Node, adjoint: Any, tangent: Any) -> tuple[Any, ...]:
    """The :data:`NODE_NUMBERS` of one node, in that order: what the full answer and the numbers-only
    answer both send (one function, so that the two cannot disagree)."""
    value = node.value
    if (
        type(value) is float
        and math.isfinite(value)
        and tangent is None
        and (adjoint is None or (type(adjoint) is float and math.isfinite(adjoint)))
    ):
        # The common case, what the general code below gives for finite numbers: 4,000 nodes answer
        # in a third of the time.
        return (value, None, adjoint, None, None, None, False, None, False)
    reason = nonfinite_reason(node)
    return (
        to_json_number(node.value),
        to_json_kind(node.value),
        to_json_number(adjoint),
        to_json_kind(adjoint),
        to_json_number(tangent),
        to_json_kind(tangent),
        reason is not None,
        reason,
        adjoint is not None and not is_finite(adjoint),
    )


def edge_numbers(
    order: Sequence[Node], max_jacobian_entries: int, max_jacobian_total: int
) -> Iterator[tuple[Node, int, Node, tuple[Any, Any, str | None]]]:
    """``(child, argument index, parent, (local, local_kind, local_reason))`` for every edge, in order.

    Tensor edges carry their Jacobian when it has at most ``max_jacobian_entries`` entries and all
    the Jacobians so far hold at most ``max_jacobian_total``.
    """
    jacobian_total = 0
    for node in order:
        partials = node.partials  # the scalar path's local derivatives (no Jacobians); None on arrays
        for index, parent in enumerate(node.parents):
            entries = 0 if partials is not None else math.prod(node.shape) * math.prod(parent.shape)
            local: Any
            why: str | None
            if not parent.requires_grad:
                # A literal or data: no gradient flows to it, so its edge's derivative (2·ln(x − 1) for
                # the exponent of (x − 1)^2, NaN for x < 1) is never used and not computed.
                local, why = None, CONSTANT_EDGE
            elif entries <= max_jacobian_entries and jacobian_total + entries > max_jacobian_total:
                local, why = None, (
                    f"the graph's Jacobians would hold more than {max_jacobian_total:,} entries "
                    "(max_jacobian_total)"
                )
            elif partials is not None:
                local, why = partials[index], None  # what local_derivative answers on numbers
            else:
                local, why = local_derivative(node, index, max_jacobian_entries)
                if local is not None:
                    jacobian_total += entries
            if type(local) is float and math.isfinite(local):  # the common case, as below
                yield node, index, parent, (local, None, why)
                continue
            if local is not None and not is_finite(local):
                why = local_reason(node, index)
            yield node, index, parent, (to_json_number(local), to_json_kind(local), why)


def graph_to_dict(
    output: Node,
    *,
    forward_input: Node | None = None,
    max_jacobian_entries: int = defaults.MAX_JACOBIAN_ENTRIES,
    max_jacobian_total: int = defaults.MAX_JACOBIAN_TOTAL,
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
        numbers = node_numbers(node, adjoints.get(node), tans.get(node))
        nodes.append(
            {
                "id": ids.node[node],
                "op": node.op,
                "label": node_label(node),
                "name": node.name,
                "kind": node.kind,
                "value": numbers[0],
                "value_kind": numbers[1],
                "grad": numbers[2],
                "grad_kind": numbers[3],
                "tangent": numbers[4],
                "tangent_kind": numbers[5],
                "shape": list(node.shape),
                "group": None,
                "nonfinite": numbers[6],
                "reason": numbers[7],
                "grad_nonfinite": numbers[8],
            }
        )
    group_ids = {group: f"g{k}" for k, group in enumerate(groups)}
    for entry, node in zip(nodes, order, strict=True):
        if node.group is not None:
            entry["group"] = group_ids[node.group]
    edges = [
        {
            "id": ids.edge[(node, index)],
            "source": ids.node[parent],
            "target": ids.node[node],
            "arg": index,
            "local": numbers[0],
            "local_kind": numbers[1],
            "local_needed": parent.requires_grad,
            "local_reason": numbers[2],
        }
        for node, index, parent, numbers in edge_numbers(order, max_jacobian_entries, max_jacobian_total)
    ]
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


def columns(fields: Sequence[str], rows: Sequence[Sequence[Any]]) -> dict[str, list[Any]]:
    """Rows of numbers (each in ``fields``' order) as one list per field."""
    if not rows:
        return {field: [] for field in fields}
    return dict(zip(fields, map(list, zip(*rows, strict=True)), strict=True))


def graph_numbers(
    output: Node,
    *,
    forward_input: Node | None = None,
    max_jacobian_entries: int = defaults.MAX_JACOBIAN_ENTRIES,
    max_jacobian_total: int = defaults.MAX_JACOBIAN_TOTAL,
    order: Sequence[Node] | None = None,
) -> dict[str, Any]:
    """Only the numbers of :func:`graph_to_dict`'s answer (arguments as there), as columns:
    ``nodes[field][i]`` is its ``nodes[i][field]`` for each of :data:`NODE_NUMBERS`, likewise for the
    edges; with ``output``. For a client that already holds the graph's structure."""
    if order is None:
        order = topological_order([output])
    adjoints = gradients(output, order=order)
    tans = tangents([output], forward_input) if forward_input is not None else {}
    node_rows = [node_numbers(node, adjoints.get(node), tans.get(node)) for node in order]
    edge_rows = [edge[3] for edge in edge_numbers(order, max_jacobian_entries, max_jacobian_total)]
    return {
        "output": f"n{list(order).index(output)}",
        "nodes": columns(NODE_NUMBERS, node_rows),
        "edges": columns(EDGE_NUMBERS, edge_rows),
    }


def compact_json(content: Any) -> bytes:
    """Compact UTF-8 JSON (no NaN or infinity), as the standard library writes it."""
    return json.dumps(content, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


def structure_digest(graph: dict[str, Any], dumps: Callable[[Any], bytes] = compact_json) -> str:
    """16 hex digits that two graph dicts share iff their structure is the same: their view, the
    :data:`NODE_STRUCTURE` of every node, the :data:`EDGE_STRUCTURE` of every edge, groups, output
    and stats (everything but the numbers), written by ``dumps``: the API passes a faster encoder
    that writes the same text (the structure has strings, integers and lists, no floats)."""
    payload = [
        graph.get("view"),
        [[node.get(field) for field in NODE_STRUCTURE] for node in graph["nodes"]],
        [[edge.get(field) for field in EDGE_STRUCTURE] for edge in graph["edges"]],
        graph["groups"],
        graph["output"],
        graph["stats"],
    ]
    return hashlib.blake2b(dumps(payload), digest_size=8).hexdigest()


def numbers_of(graph: dict[str, Any]) -> dict[str, Any]:
    """A full graph dict's numbers in the numbers-only shape (``output``, ``nodes`` and ``edges`` as
    columns; the view's extra node columns, ``pre`` in the values view, included)."""
    node_fields = (*NODE_NUMBERS, "pre") if graph.get("view") == "values" else NODE_NUMBERS
    return {
        "output": graph["output"],
        "nodes": {f: [node[f] for node in graph["nodes"]] for f in node_fields},
        "edges": {f: [edge[f] for edge in graph["edges"]] for f in EDGE_NUMBERS},
    }


def product_reason(factors: Sequence[float], product: float) -> str | None:
    """Why a path's product is infinite or NaN (None when it is finite)."""
    if math.isfinite(product):
        return None
    if any(math.isnan(f) for f in factors):
        return "a local derivative on this path is undefined (NaN)"
    if any(math.isinf(f) for f in factors):
        if any(f == 0.0 for f in factors):
            return "∞ × 0 is undefined: one local derivative is infinite and another is 0"
        return "a local derivative on this path is infinite"
    return "the local derivatives multiply past float64's range (±1.8e308)"


def sum_reason(products: Sequence[float], total: float) -> str | None:
    """Why the sum of the listed products is infinite or NaN (None when it is finite)."""
    if math.isfinite(total):
        return None
    if any(math.isnan(p) for p in products):
        return "a listed path's product is undefined (NaN)"
    if math.inf in products and -math.inf in products:
        return "∞ + (−∞) is undefined: paths with infinite products of both signs"
    if any(math.isinf(p) for p in products):
        return "a listed path's product is infinite"
    return "the products add up past float64's range (±1.8e308)"


def paths_to_dict(report: PathReport, ids: GraphIds, output: Node, source: Node) -> dict[str, Any]:
    """A :class:`~pathgrad.paths.PathReport` in the graph's ids.

    Non-finite numbers are null beside their ``*_kind``; ``reasons`` says, for each of listed_sum,
    gradient and remainder that is not finite, why.
    """
    products = [p.product for p in report.paths]
    reasons: dict[str, str] = {}
    why_sum = sum_reason(products, report.listed_sum)
    if why_sum is not None:
        reasons["listed_sum"] = why_sum
    if not math.isfinite(report.gradient):
        reasons["gradient"] = (
            "reverse mode adds the same products: " + why_sum
            if why_sum is not None and not report.truncated
            else "reverse mode meets a non-finite local derivative or adjoint on the way"
        )
    if not math.isfinite(report.remainder):
        reasons["remainder"] = "gradient − listed sum is not finite: one of them is not"
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
                "factor_kinds": to_json_kind(path.factors),
                "product": to_json_number(path.product),
                "product_kind": to_json_kind(path.product),
                "product_reason": product_reason(path.factors, path.product),
            }
            for path in report.paths
        ],
        "listed_sum": to_json_number(report.listed_sum),
        "listed_sum_kind": to_json_kind(report.listed_sum),
        "gradient": to_json_number(report.gradient),
        "gradient_kind": to_json_kind(report.gradient),
        "remainder": to_json_number(report.remainder),
        "remainder_kind": to_json_kind(report.remainder),
        "reasons": reasons,
    }


def to_dot(graph: dict[str, Any]) -> str:
    """Graphviz DOT for a graph dict: inputs on the left, the output on the right."""

    def quote(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'

    def show(value: Any, kind: Any = None) -> str:
        if isinstance(value, float):
            return format_number(value)
        if value is None:
            return kind if isinstance(kind, str) else "—"  # "inf", "-inf", "nan"
        return "[…]"

    lines = ["digraph pathgrad {", "  rankdir=LR;", '  node [fontname="Helvetica", shape=box];']
    for node in graph["nodes"]:
        value = show(node["value"], node.get("value_kind"))
        text = f"{node['label']}\nvalue {value}\ngrad {show(node['grad'], node.get('grad_kind'))}"
        if node["name"] and node["name"] != node["label"]:
            text = f"{node['name']} = {text}"
        shape = "ellipse" if node["kind"] in ("input", "param") else "box"
        lines.append(f"  {node['id']} [label={quote(text)}, shape={shape}];")
    for edge in graph["edges"]:
        local = show(edge["local"], edge.get("local_kind"))
        lines.append(f"  {edge['source']} -> {edge['target']} [label={quote(local)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"
