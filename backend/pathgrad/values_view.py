"""The values view: one node per named value of a program, and the chain rule between statements.

The operations view has a node per operation. This view has a node per *statement*: each leaf
(``w = 0.5``), each assignment (``h1 = sigmoid(w1*x)``) and an unnamed last expression. An edge goes
from a statement to every later statement that names it, and carries the **local derivative**
∂child/∂parent of that one statement at the current values: the gradient of the statement's own
sub-graph with respect to that parent, i.e. the sum over the paths from the parent to the child
whose interior nodes the statement created. ``y = x*x`` has one edge x → y, local 2x.

The local derivatives are never derived by hand. Each statement is recorded a second time by the
same builder, on fresh variables standing for its named parents; the engine's reverse (and forward)
mode on that small graph gives the local gradient, the vector-Jacobian products that reverse mode
through the values graph needs on arrays, and the Jacobian-vector products of forward mode. With
those, the chain rule holds at this level too: the products along the paths from a leaf to the
output, summed, equal the reverse-mode gradient of the operations graph.

Engine nodes have at most two parents, and a statement may name any number, so the values graph
has its own small node class; path counting and best-first path listing are :mod:`pathgrad.paths`'
own functions, which need only ``.parents`` and ``.partials``. Pure: numpy and the standard library.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Sequence
from typing import Any, cast

import numpy as np

from pathgrad import defaults, engine
from pathgrad.engine import Node, Var, is_finite
from pathgrad.gradcheck import FiniteDifference, richardson
from pathgrad.graph_json import (
    CONSTANT_EDGE,
    EDGE_NUMBERS,
    NODE_NUMBERS,
    GraphIds,
    columns,
    format_number,
    node_numbers,
    paths_to_dict,
    to_json_kind,
    to_json_number,
)
from pathgrad.language.builder import Program, record_expression
from pathgrad.language.errors import Positions
from pathgrad.language.printer import to_source
from pathgrad.language.syntax import Assign, Expr, Name, children, literal_value
from pathgrad.paths import Path, PathReport, _best_paths, path_counts_to, sum_products

VIEWS = ("operations", "values")

_COMMENT = re.compile(r"#[^\n]*")


class ValueNode:
    """One statement's value: its named parents and the statement re-recorded on fresh variables.

    ``parents`` are the statements this one names, in order of their first appearance in it, each
    once (``occurrences`` says how many times). ``node`` is the operations-view node that holds the
    value (for an alias ``y = h`` the node of ``h``); ``members`` the nodes the statement created.
    ``partials`` are the local derivatives as numbers when the value and all its parents are
    numbers (what :mod:`pathgrad.paths` multiplies along a path), else None.
    """

    __slots__ = (
        "_grads", "_rows", "expr", "fresh", "index", "line", "members", "name", "node",
        "occurrences", "parents", "partials", "top",
    )

    def __init__(
        self,
        index: int,
        name: str | None,
        node: Node,
        parents: tuple[ValueNode, ...],
        occurrences: tuple[int, ...],
        members: tuple[Node, ...],
        expr: str,
        line: int,
    ) -> None:
        self.index = index
        self.name = name
        self.node = node
        self.parents = parents
        self.occurrences = occurrences
        self.members = members
        self.expr = expr
        self.line = line
        self.fresh: tuple[Node, ...] = ()
        self.top: Node | None = None
        self.partials: tuple[float, ...] | None = ()
        self._grads: list[Any] | None = None  # d(top)/d(fresh[i]) when top is a number
        self._rows: list[list[Any]] | None = None  # the Jacobians' rows, when top is an array

    def __repr__(self) -> str:
        return f"<ValueNode {self.name or self.expr!r} = {self.expr!r}>"

    @property
    def value(self) -> Any:
        return self.node.value

    @property
    def shape(self) -> tuple[int, ...]:
        return self.node.shape

    @property
    def is_leaf(self) -> bool:
        return self.top is None

    @property
    def op(self) -> str:
        """"leaf", "alias" (``y = h``: the statement makes no operation), or its top node's op."""
        if self.top is None:
            return "leaf"
        if not self.members:
            return "alias"
        return self.node.op

    @property
    def kind(self) -> str:
        """A leaf's kind ("input" or "param"), else "op"."""
        return self.node.kind if self.top is None else "op"

    # --- the statement's own derivatives (computed by the engine on the re-recorded statement) ---

    def vjp(self, g: Any) -> list[Any]:
        """g·∂self/∂parent for each parent, shaped like the parent (``g`` is shaped like self)."""
        if self.partials is not None:
            return [g * d for d in self.partials]
        top = self.top
        assert top is not None
        if type(top.value) is float:
            return [g * d for d in self._scalar_grads()]
        with np.errstate(all="ignore"):
            seeded = engine.sum(top * np.asarray(g, dtype=np.float64))
            adjoints = engine.gradients(seeded, retain=self.fresh)
        return [_or_zeros(adjoints.get(v), v.value) for v in self.fresh]

    def jvp(self, tangents: Sequence[Any]) -> Any:
        """Σ ∂self/∂parent · tangent over the parents whose tangent is not None."""
        if self.partials is not None:
            terms = [d * t for d, t in zip(self.partials, tangents, strict=True) if t is not None]
            return sum_products(terms)
        top = self.top
        assert top is not None
        total: Any = None
        with np.errstate(all="ignore"):
            for variable, t in zip(self.fresh, tangents, strict=True):
                if t is None:
                    continue
                term = engine.tangents([top], variable, seed=t).get(top)
                if term is not None:
                    total = term if total is None else total + term
        if total is None:
            return _or_zeros(None, self.value)
        return total

    def local(self, index: int, max_entries: int) -> tuple[Any, str | None]:
        """∂self/∂parents[index]: a number, or the Jacobian (self's shape + the parent's shape)."""
        if self.partials is not None:
            return self.partials[index], None
        top = self.top
        assert top is not None
        parent = self.parents[index]
        out_size = math.prod(self.shape)
        in_size = math.prod(parent.shape)
        if out_size * in_size > max_entries:
            entries = out_size * in_size
            return None, f"the Jacobian has {entries:,} entries, above the limit of {max_entries:,}"
        if type(top.value) is float:
            return self._scalar_grads()[index], None
        if out_size <= in_size:  # rows: one reverse sweep per entry of self, for every parent at once
            if self._rows is None:
                rows = []
                for k in range(out_size):
                    basis = np.zeros(out_size)
                    basis[k] = 1.0
                    rows.append(self.vjp(basis.reshape(self.shape)))
                self._rows = rows
            jacobian = np.stack([np.ravel(row[index]) for row in self._rows])
        else:  # columns: one forward sweep per entry of the parent
            columns = []
            variable = self.fresh[index]
            with np.errstate(all="ignore"):
                for j in range(in_size):
                    basis = np.zeros(in_size)
                    basis[j] = 1.0
                    seed = float(basis[0]) if not parent.shape else basis.reshape(parent.shape)
                    tangent = engine.tangents([top], variable, seed=seed).get(top)
                    columns.append(np.ravel(_or_zeros(tangent, self.value)))
            jacobian = np.stack(columns, axis=-1)
        return _normal(jacobian.reshape(self.shape + parent.shape)), None

    def _scalar_grads(self) -> list[Any]:
        if self._grads is None:
            top = self.top
            assert top is not None
            with np.errstate(all="ignore"):
                adjoints = engine.gradients(top, retain=self.fresh)
            self._grads = [_or_zeros(adjoints.get(v), v.value) for v in self.fresh]
        return self._grads


class ValuesGraph:
    """The values graph of a program: ``nodes`` in statement (topological) order, ``output`` last."""

    def __init__(self, program: Program, nodes: list[ValueNode], output: ValueNode) -> None:
        self.program = program
        self.nodes = nodes
        self.output = output
        self.adjoints: dict[ValueNode, Any] | None = None  # value_gradients' answer, once computed
        self.by_name: dict[str, ValueNode] = {}  # each name's last statement in the graph
        for node in nodes:
            if node.name is not None:
                self.by_name[node.name] = node

    def edges(self) -> Iterator[tuple[ValueNode, int, ValueNode]]:
        """(child, argument index, parent) in order: by child, then by first appearance."""
        for child in self.nodes:
            for index, parent in enumerate(child.parents):
                yield child, index, parent


def values_graph(program: Program) -> ValuesGraph:
    """The values graph of a built program (the statements its output depends on)."""
    records = program.statements
    if not records:
        raise ValueError("the program has no recorded statements (build it with build_program)")
    output_index = program.output_statement % len(records)
    bound: dict[str, int] = {}
    parent_lists: list[list[tuple[int, int]]] = []
    for k, record in enumerate(records):
        counts: dict[int, int] = {}  # first appearance order (dicts keep insertion order)
        for used in _names_in(record.statement.value):
            parent = bound[used]
            counts[parent] = counts.get(parent, 0) + 1
        parent_lists.append(list(counts.items()))
        if isinstance(record.statement, Assign):
            bound[record.statement.name] = k
    needed = {output_index}
    for k in range(output_index, -1, -1):
        if k in needed:
            needed.update(parent for parent, _ in parent_lists[k])
    positions = Positions(program.source)
    made: dict[int, ValueNode] = {}
    nodes: list[ValueNode] = []
    for k in sorted(needed):
        record = records[k]
        statement = record.statement
        expr = statement.value
        name = statement.name if isinstance(statement, Assign) else None
        is_leaf = name is not None and literal_value(expr) is not None
        start = statement.span[0] if isinstance(statement, Assign) else expr.span[0]
        value = ValueNode(
            len(nodes),
            name,
            record.node,
            tuple(made[p] for p, _ in parent_lists[k]),
            tuple(c for _, c in parent_lists[k]),
            () if is_leaf else tuple(sorted(record.members, key=lambda n: n.serial)),
            _expression_text(program.source, expr),
            positions.line_column(start)[0] if program.source else 1,
        )
        if not is_leaf:
            _record(value, expr, program)
        made[k] = value
        nodes.append(value)
    return ValuesGraph(program, nodes, made[output_index])


def _record(value: ValueNode, expr: Expr, program: Program) -> None:
    """Record the statement again on one fresh variable per parent; take its scalar locals."""
    # Within one statement a name means one statement, so the k-th distinct name is the k-th parent.
    distinct = list(dict.fromkeys(_names_in(expr)))
    fresh = tuple(Var(parent.value, name=parent.name) for parent in value.parents)
    names = dict(zip(distinct, fresh, strict=True))
    with np.errstate(all="ignore"):
        top = record_expression(expr, names, program.limits, program.expand, program.source)
    value.fresh = fresh
    value.top = top
    if type(top.value) is float and all(type(v.value) is float for v in fresh):
        value.partials = tuple(float(d) for d in value._scalar_grads())
    else:
        value.partials = None


def _names_in(expr: Expr) -> Iterator[str]:
    """The names an expression uses, in the order they are written (repeats included)."""
    stack = [expr]
    while stack:
        current = stack.pop()
        if isinstance(current, Name):
            yield current.name
        else:
            stack.extend(reversed(children(current)))


def _expression_text(source: str, expr: Expr) -> str:
    start, end = expr.span
    text = source[start:end] if source and end > start else to_source(expr)
    return " ".join(_COMMENT.sub(" ", text).split())


def _or_zeros(value: Any, like: Any) -> Any:
    if value is not None:
        return value
    return 0.0 if type(like) is float else np.zeros_like(like)


def _normal(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return float(value) if value.ndim == 0 else value
    return float(value)


def _ones_like(value: Any) -> Any:
    return 1.0 if type(value) is float else np.ones_like(value)


# --- the chain rule through the values graph ----------------------------------------------------


def value_gradients(graph: ValuesGraph) -> dict[ValueNode, Any]:
    """Reverse mode through the values graph: d(output)/d(value) for every value needing one.

    One vector-Jacobian product per edge, each the engine's reverse mode on the re-recorded
    statement; like the operations view, values that do not depend on a leaf get no adjoint.
    Computed once per graph (the values do not change): the same dict is returned again.
    """
    if graph.adjoints is not None:
        return graph.adjoints
    output = graph.output
    adjoints: dict[ValueNode, Any] = {output: _ones_like(output.value)}
    with np.errstate(all="ignore"):
        for value in reversed(graph.nodes):
            g = adjoints.get(value)
            if g is None or not value.parents:
                continue
            for parent, contribution in zip(value.parents, value.vjp(g), strict=True):
                if not parent.node.requires_grad:
                    continue
                previous = adjoints.get(parent)
                adjoints[parent] = contribution if previous is None else previous + contribution
    graph.adjoints = adjoints
    return adjoints


def value_tangents(graph: ValuesGraph, wrt: ValueNode) -> dict[ValueNode, Any]:
    """Forward mode through the values graph: d(value)/d(wrt) for every value downstream of wrt."""
    tangents: dict[ValueNode, Any] = {wrt: _ones_like(wrt.value)}
    with np.errstate(all="ignore"):
        for value in graph.nodes[wrt.index + 1 :]:
            ts = [tangents.get(p) for p in value.parents]
            if all(t is None for t in ts):
                continue
            tangents[value] = value.jvp(ts)
    return tangents


def value_path_counts(graph: ValuesGraph) -> dict[ValueNode, int]:
    """For every value, the exact number of paths from it to the output."""
    return cast(dict[ValueNode, int], path_counts_to(_as_node(graph.output), _as_nodes(graph.nodes)))


def value_paths(
    graph: ValuesGraph, source: ValueNode, limit: int = defaults.PATHS_LIMIT
) -> PathReport:
    """The paths from ``source`` to the output through values, by decreasing |product|.

    The values between them must be numbers (edge factors are numbers); ``gradient`` is reverse
    mode through the values graph.
    """
    total = value_path_counts(graph).get(source, 0)
    listed: list[Path] = []
    frontier = 0
    if total and limit > 0:
        listed, frontier = _best_paths(
            _as_node(graph.output), _as_node(source), _as_nodes(graph.nodes), limit
        )
    gradient = value_gradients(graph).get(source, 0.0)
    listed_sum = sum_products([p.product for p in listed])  # ±∞ or NaN, never an exception
    return PathReport(total, listed, listed_sum, float(gradient), limit, frontier)


def value_numeric_gradient(graph: ValuesGraph, source: ValueNode, eps: float = 1e-6) -> Any:
    """d(output)/d(source) by central differences, replaying the re-recorded statements.

    Only the statements that name ``source`` see the change: for an alias ``y = h`` this is
    d(output)/d(y), not d(output)/d(h).
    """
    base = source.value
    if type(base) is float:
        return (_replay(graph, source, base + eps) - _replay(graph, source, base - eps)) / (2.0 * eps)
    flat = np.array(base, dtype=np.float64).ravel()
    out = np.empty_like(flat)
    for i in range(flat.size):
        shifted = flat.copy()
        shifted[i] += eps
        plus = _replay(graph, source, shifted.reshape(np.shape(base)))
        shifted[i] -= 2.0 * eps
        minus = _replay(graph, source, shifted.reshape(np.shape(base)))
        out[i] = (plus - minus) / (2.0 * eps)
    return out.reshape(np.shape(base))


def value_finite_difference(graph: ValuesGraph, source: ValueNode) -> FiniteDifference:
    """d(output)/d(source), a number, by extrapolated differences with their own error
    (:func:`pathgrad.gradcheck.richardson`), replaying the re-recorded statements."""
    if type(source.value) is not float:
        return FiniteDifference(math.nan, math.inf)
    return richardson(lambda v: float(_replay(graph, source, v)), source.value)


def _replay(graph: ValuesGraph, source: ValueNode, value: Any) -> Any:
    values: dict[ValueNode, Any] = {source: value}
    for node in graph.nodes[source.index + 1 :]:
        if not node.parents or not any(p in values for p in node.parents):
            continue
        assert node.top is not None
        overrides = {v: values.get(p, p.value) for v, p in zip(node.fresh, node.parents, strict=True)}
        values[node] = engine.evaluate([node.top], overrides)[node.top]
    return values.get(graph.output, graph.output.value)


def _as_node(value: ValueNode) -> Node:
    # paths.py reads only .parents and .partials of the nodes it is handed (and the order given).
    return cast(Node, value)


def _as_nodes(values: Sequence[ValueNode]) -> Sequence[Node]:
    return cast(Sequence[Node], values)


# --- JSON ---------------------------------------------------------------------------------------


class ValueIds:
    """Ids for one serialisation: values ``v<k>`` in statement order, edges ``u<k>``."""

    def __init__(self, graph: ValuesGraph) -> None:
        self.node: dict[ValueNode, str] = {v: f"v{k}" for k, v in enumerate(graph.nodes)}
        self.edge: dict[tuple[ValueNode, int], str] = {}
        for child, index, _ in graph.edges():
            self.edge[(child, index)] = f"u{len(self.edge)}"


VALUE_NODE_NUMBERS = (*NODE_NUMBERS, "pre")
"""A value node's fields that change with the leaves' values: the operations view's, and ``pre``."""


def _value_numbers(value: ValueNode, adjoint: Any, tangent: Any) -> tuple[Any, ...]:
    # A value is its operations-view node's value: the same numbers, reason and flags as there.
    return (*node_numbers(value.node, adjoint, tangent), to_json_number(_pre_activation(value)))


def _value_edge_numbers(
    graph: ValuesGraph, max_jacobian_entries: int, max_jacobian_total: int
) -> Iterator[tuple[ValueNode, int, ValueNode, tuple[Any, Any, str | None]]]:
    """``(child, argument index, parent, (local, local_kind, local_reason))`` for every edge."""
    jacobian_total = 0
    for child, index, parent in graph.edges():
        entries = 0 if child.partials is not None else math.prod(child.shape) * math.prod(parent.shape)
        local: Any
        why: str | None
        if not parent.node.requires_grad:  # a statement of constants alone gets no gradient
            local, why = None, CONSTANT_EDGE
        elif entries <= max_jacobian_entries and jacobian_total + entries > max_jacobian_total:
            local, why = None, (
                f"the graph's Jacobians would hold more than {max_jacobian_total:,} entries "
                "(max_jacobian_total)"
            )
        else:
            local, why = child.local(index, max_jacobian_entries)
            if local is not None:
                jacobian_total += entries
        if local is not None and not is_finite(local):
            why = "the local derivative is not finite here"
        yield child, index, parent, (to_json_number(local), to_json_kind(local), why)


def values_to_dict(
    graph: ValuesGraph,
    op_ids: GraphIds,
    *,
    forward_input: ValueNode | None = None,
    max_jacobian_entries: int = defaults.MAX_JACOBIAN_ENTRIES,
    max_jacobian_total: int = defaults.MAX_JACOBIAN_TOTAL,
) -> dict[str, Any]:
    """The values graph as JSON-ready data, in the shape of the operations graph (``view: values``).

    ``op_ids`` are the ids of the operations graph of the same program, which ``node`` and
    ``members`` refer to. Array edges carry their Jacobian under the same two limits as there.
    """
    ids = ValueIds(graph)
    adjoints = value_gradients(graph)
    tangents = value_tangents(graph, forward_input) if forward_input is not None else {}
    counts = value_path_counts(graph)
    nodes = []
    for value in graph.nodes:
        numbers = _value_numbers(value, adjoints.get(value), tangents.get(value))
        nodes.append(
            {
                "id": ids.node[value],
                "op": value.op,
                "label": value.name if value.name is not None else value.expr,
                "name": value.name,
                "kind": value.kind,
                "value": numbers[0],
                "value_kind": numbers[1],
                "grad": numbers[2],
                "grad_kind": numbers[3],
                "tangent": numbers[4],
                "tangent_kind": numbers[5],
                "shape": list(value.shape),
                "group": None,
                "nonfinite": numbers[6],
                "reason": numbers[7],
                "grad_nonfinite": numbers[8],
                "expr": value.expr,
                "line": value.line,
                "node": op_ids.node[value.node],
                "members": [op_ids.node[m] for m in value.members],
                # The input of the statement's last operation (an activation's pre-activation), so
                # that the page can mark a dead ReLU and place the unit on the activation's curve.
                "pre": numbers[9],
            }
        )
    edges = [
        {
            "id": ids.edge[(child, index)],
            "source": ids.node[parent],
            "target": ids.node[child],
            "arg": index,
            "local": numbers[0],
            "local_kind": numbers[1],
            "local_needed": parent.node.requires_grad,
            "local_reason": numbers[2],
            "occurrences": child.occurrences[index],
        }
        for child, index, parent, numbers in _value_edge_numbers(
            graph, max_jacobian_entries, max_jacobian_total
        )
    ]
    return {
        "view": "values",
        "nodes": nodes,
        "edges": edges,
        "groups": [],
        "output": ids.node[graph.output],
        "stats": {
            "nodes": len(nodes),
            "edges": len(edges),
            "path_counts": {
                ids.node[v]: str(counts.get(v, 0))
                for v in graph.nodes
                if v.is_leaf and v.node.requires_grad
            },
        },
    }


def values_numbers(
    graph: ValuesGraph,
    *,
    forward_input: ValueNode | None = None,
    max_jacobian_entries: int = defaults.MAX_JACOBIAN_ENTRIES,
    max_jacobian_total: int = defaults.MAX_JACOBIAN_TOTAL,
) -> dict[str, Any]:
    """Only the numbers of :func:`values_to_dict`'s answer, as columns (see
    :func:`pathgrad.graph_json.graph_numbers`), with ``view`` and ``output``."""
    adjoints = value_gradients(graph)
    tangents = value_tangents(graph, forward_input) if forward_input is not None else {}
    node_rows = [_value_numbers(v, adjoints.get(v), tangents.get(v)) for v in graph.nodes]
    edge_rows = [edge[3] for edge in _value_edge_numbers(graph, max_jacobian_entries, max_jacobian_total)]
    return {
        "view": "values",
        "output": f"v{graph.output.index}",
        "nodes": columns(VALUE_NODE_NUMBERS, node_rows),
        "edges": columns(EDGE_NUMBERS, edge_rows),
    }


def _pre_activation(value: ValueNode) -> Any:
    """The value of the first argument of the statement's last operation, or None (leaf, alias).

    For an expanded composite (sigmoid recorded as 1/(1+exp(−z))) the last operation is the
    composite: its input z, the first argument from outside its group that is not a constant.
    """
    top = value.node
    if not value.members or not top.parents:
        return None
    group = top.group
    if group is None:
        return top.parents[0].value
    for member in value.members:  # in recording order
        if member.group is not group:
            continue
        for parent in member.parents:
            if parent.group is not group and parent.kind != "const":
                return parent.value
    return top.parents[0].value


def value_paths_to_dict(report: PathReport, graph: ValuesGraph, source: ValueNode) -> dict[str, Any]:
    """A :class:`~pathgrad.paths.PathReport` of :func:`value_paths` in the values graph's ids."""
    return paths_to_dict(report, cast(GraphIds, ValueIds(graph)), _as_node(graph.output), _as_node(source))


def describe(value: ValueNode) -> str:
    """``h1 = sigmoid(w1*x)`` (or the value for a leaf): for messages and the command line."""
    if value.top is None:
        shown = format_number(value.value) if type(value.value) is float else value.expr
        return f"{value.name} = {shown}"
    return f"{value.name} = {value.expr}" if value.name else value.expr
