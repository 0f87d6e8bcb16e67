"""Path analysis: the chain rule as a sum over paths, made countable and listable.

dy/dx is the sum, over every path from x to y, of the product of the edge-local derivatives along
it. Paths *explain* gradients here; gradients are always computed by reverse mode.

* :func:`count_paths` counts paths exactly (Python ints) with one pass in topological order.
* :func:`paths` lists them by decreasing |product| with a best-first search whose heuristic, the
  largest |product| from a node to y, is exact: each listed path costs a walk along its own length.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import count as _counter

from pathgrad.engine import Node, gradients, topological_order

Edge = tuple[Node, int]
"""An edge is named by its child and the argument index: ``child.parents[index]`` is its source."""


@dataclass(frozen=True)
class Path:
    """One path from the input to the output."""

    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    factors: tuple[float, ...]
    product: float


@dataclass(frozen=True)
class PathReport:
    """What :func:`paths` found: the listed paths and how they add up to the gradient."""

    count: int
    paths: list[Path]
    listed_sum: float
    gradient: float
    limit: int

    @property
    def remainder(self) -> float:
        """What the unlisted paths contribute: gradient − listed_sum."""
        return self.gradient - self.listed_sum

    @property
    def truncated(self) -> bool:
        return self.count > len(self.paths)


def path_counts_to(output: Node, order: Sequence[Node] | None = None) -> dict[Node, int]:
    """For every ancestor of ``output``, the exact number of paths from it to ``output``."""
    if order is None:
        order = topological_order([output])
    counts: dict[Node, int] = {output: 1}
    get = counts.get
    for node in reversed(order):
        c = get(node, 0)
        if c:
            for parent in node.parents:
                counts[parent] = get(parent, 0) + c
    return counts


def count_paths(output: Node, source: Node, order: Sequence[Node] | None = None) -> int:
    """The exact number of paths from ``source`` to ``output`` (linear time, exact big integers)."""
    return path_counts_to(output, order).get(source, 0)


def _relevant(output: Node, source: Node, order: Sequence[Node]) -> set[int]:
    """ids of the nodes on some path from source to output."""
    above = set()
    for node in order:
        if node is source or any(id(p) in above for p in node.parents):
            above.add(id(node))
    below = {id(output)}
    for node in reversed(order):
        if id(node) in below:
            below.update(id(p) for p in node.parents)
    return above & below


def paths(output: Node, source: Node, limit: int = 20) -> PathReport:
    """The paths from ``source`` to ``output`` in decreasing |product|, at most ``limit`` of them.

    The graph must be scalar between the two nodes (edge factors are numbers).
    """
    order = topological_order([output])
    total = count_paths(output, source, order)
    gradient = gradients(output, order=order).get(source, 0.0)
    listed: list[Path] = []
    if total and limit > 0:
        listed = _best_paths(output, source, order, limit)
    listed_sum = math.fsum(p.product for p in listed)
    return PathReport(total, listed, listed_sum, float(gradient), limit)


def _log_abs(d: float) -> float:
    return math.log(abs(d)) if d != 0.0 and math.isfinite(d) else (
        math.inf if math.isinf(d) else -math.inf
    )


def _best_paths(output: Node, source: Node, order: Sequence[Node], limit: int) -> list[Path]:
    keep = _relevant(output, source, order)
    nodes = [n for n in order if id(n) in keep]
    for node in nodes:
        if node.parents and node.partials is None:
            raise ValueError(
                f"path listing needs scalar edges; {node.op} node {node.name or ''} holds an array"
            )
    # children[id(parent)] = [(child, index, log|d|)] within the relevant subgraph.
    children: dict[int, list[tuple[Node, int, float]]] = {id(n): [] for n in nodes}
    for node in nodes:
        if node is source:
            continue
        assert node.partials is not None
        for i, (parent, d) in enumerate(zip(node.parents, node.partials, strict=True)):
            if id(parent) in keep:
                children[id(parent)].append((node, i, _log_abs(d)))
    # best[id(n)]: the largest log|product| from n to the output (exact heuristic).
    best: dict[int, float] = {id(output): 0.0}
    for node in reversed(nodes):
        if node is output:
            continue
        best[id(node)] = max(
            (lg + best[id(child)] for child, _, lg in children[id(node)]), default=-math.inf
        )
    tiebreak = _counter()
    # Heap entries: (-priority, tiebreak, node, log of prefix, linked list of edges).
    heap: list[tuple[float, int, Node, float, tuple | None]] = [
        (-best[id(source)], next(tiebreak), source, 0.0, None)
    ]
    found: list[Path] = []
    while heap and len(found) < limit:
        _, _, node, prefix, trail = heapq.heappop(heap)
        if node is output:
            found.append(_materialize(source, trail))
            continue
        for child, index, lg in children[id(node)]:
            score = prefix + lg
            priority = score + best[id(child)]
            if math.isnan(priority):
                priority = -math.inf
            heapq.heappush(heap, (-priority, next(tiebreak), child, score, ((child, index), trail)))
    return found


def _materialize(source: Node, trail: tuple | None) -> Path:
    edges: list[Edge] = []
    while trail is not None:
        edge, trail = trail
        edges.append(edge)
    edges.reverse()
    nodes = [source]
    factors = []
    product = 1.0
    for child, index in edges:
        assert child.partials is not None
        d = child.partials[index]
        factors.append(d)
        product *= d
        nodes.append(child)
    return Path(tuple(nodes), tuple(edges), tuple(factors), product)
