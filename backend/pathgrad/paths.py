"""Path analysis: the chain rule as a sum over paths, made countable and listable.

dy/dx is the sum, over every path from x to y, of the product of the edge-local derivatives along
it. Paths *explain* gradients here; gradients are always computed by reverse mode.

* :func:`count_paths` counts paths exactly (Python ints) with one pass in topological order.
* :func:`paths` lists them by decreasing |product| with a best-first search whose heuristic, the
  largest |product| from a node to y, is exact: each listed path costs a walk along its own length,
  and the search holds at most one waiting partial path per edge walked.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import count as _counter

from pathgrad import defaults
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
    frontier: int = 0  # the most partial paths the listing held at once (at most its edges, plus one)

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


def paths(output: Node, source: Node, limit: int = defaults.PATHS_LIMIT) -> PathReport:
    """The paths from ``source`` to ``output`` in decreasing |product|, at most ``limit`` of them.

    The graph must be scalar between the two nodes (edge factors are numbers).
    """
    order = topological_order([output])
    total = count_paths(output, source, order)
    gradient = gradients(output, order=order).get(source, 0.0)
    listed: list[Path] = []
    frontier = 0
    if total and limit > 0:
        listed, frontier = _best_paths(output, source, order, limit)
    listed_sum = sum_products([p.product for p in listed])
    return PathReport(total, listed, listed_sum, float(gradient), limit, frontier)


_SCALE = 2.0**-64


def sum_products(products: Sequence[float]) -> float:
    """The correctly rounded sum of the products, as IEEE arithmetic extends it past the finite.

    ``math.fsum`` raises where the answer is not finite: OverflowError when finite terms add up past
    ±1.8e308 and ValueError for ∞ + (−∞). Those are values here (±∞, NaN), to show with their reason.
    """
    if not all(map(math.isfinite, products)):
        infinities = {p for p in products if math.isinf(p)}
        if len(infinities) != 1 or any(map(math.isnan, products)):
            return math.nan  # a NaN term, or ∞ + (−∞)
        return infinities.pop()
    try:
        return math.fsum(products)
    except OverflowError:
        # Scaled down by a power of two (exact), summed, scaled back: ±∞ if the sum is past range.
        return math.fsum(p * _SCALE for p in products) / _SCALE


def _log_abs(d: float) -> float:
    if d != d or d == 0.0:  # NaN factors rank with the zeros, last
        return -math.inf
    return math.log(abs(d)) if math.isfinite(d) else math.inf


def _plus(a: float, b: float) -> float:
    total = a + b
    return -math.inf if total != total else total  # inf + (−inf): rank last, never NaN


def _best_paths(
    output: Node, source: Node, order: Sequence[Node], limit: int
) -> tuple[list[Path], int]:
    # Every node of `order` is an ancestor of the output; keep the descendants of the source.
    # Nodes older than the source cannot descend from it, so the scan starts at the source.
    below = order[order.index(source) :]
    descendants = {source}
    nodes = [source]
    for node in below[1:]:
        for parent in node.parents:
            if parent in descendants:
                descendants.add(node)
                nodes.append(node)
                break
    # children[parent] = [(child, index, log|d|)] within that subgraph.
    children: dict[Node, list[tuple[Node, int, float]]] = {n: [] for n in nodes}
    for node in nodes[1:]:
        partials = node.partials
        if partials is None:
            what = f"{node.op} node {node.name!r}" if node.name else f"a {node.op} node"
            raise ValueError(
                f"path listing needs numbers on every edge; {what} on the way has an array input "
                "(paths are listed for scalar graphs; use reverse mode for arrays)"
            )
        for i, parent in enumerate(node.parents):
            if parent in descendants:
                children[parent].append((node, i, _log_abs(partials[i])))
    # best[n]: the largest log|product| from n to the output (an exact heuristic).
    best: dict[Node, float] = {}
    for node in reversed(nodes):
        if node is output:
            best[node] = 0.0
            continue
        top = -math.inf
        for child, _, lg in children[node]:
            candidate = _plus(lg, best[child])
            if candidate > top:
                top = candidate
        best[node] = top
    if source is output:
        return [_materialize(source, None)], 0
    # Each node's edges, best first, with their "slack": how far below the node's best continuation
    # the edge falls (0 for the best edge, exactly, so equal products tie exactly however long the
    # paths are; summing logs along them would round ties apart).
    ranked: dict[Node, list[tuple[float, Node, int]]] = {}
    for node in nodes:
        if node is output:
            continue
        here = best[node]
        edges = [(_slack(here, _plus(lg, best[child])), child, index) for child, index, lg in children[node]]
        edges.sort(key=_first)
        ranked[node] = edges
    # Best-first search over partial paths, expanded lazily: a heap entry is "a prefix ending at
    # `node`, then its `rank`-th edge", keyed by the slack of the whole. Popping one walks on along
    # best edges (slack 0: nothing in the heap can come first) to the output and leaves, at each node
    # passed, one entry for the next edge there. So each pop lists a path, each node passed adds at
    # most one entry, and the frontier holds at most as many entries as the listed paths have edges
    # (the seed pushed every edge of every node passed: 10,000 entries per path at a hub of 10,000).
    # Ties pop the newest entry first (depth-first).
    tiebreak = _counter(0, -1)
    # Heap entries: (slack, tiebreak, node, rank, slack of the prefix, linked list of its edges).
    heap: list[tuple[float, int, Node, int, float, tuple | None]] = [
        (0.0, next(tiebreak), source, 0, 0.0, None)
    ]
    found: list[Path] = []
    frontier = 1
    while heap and len(found) < limit:
        slack, _, node, rank, prefix, trail = heapq.heappop(heap)
        while True:
            edges = ranked[node]
            _, child, index = edges[rank]
            if rank + 1 < len(edges):
                heapq.heappush(
                    heap, (prefix + edges[rank + 1][0], next(tiebreak), node, rank + 1, prefix, trail)
                )
            trail = ((child, index), trail)
            if child is output:
                found.append(_materialize(source, trail))
                break
            node, rank, prefix = child, 0, slack
        frontier = max(frontier, len(heap))
    return found, frontier


def _first(edge: tuple[float, Node, int]) -> float:
    return edge[0]


def _slack(best_here: float, through_edge: float) -> float:
    """best_here − through_edge ≥ 0, with the infinite cases ranked: equal is 0, worse is +inf."""
    if through_edge == best_here:
        return 0.0
    if through_edge == -math.inf or best_here == math.inf:
        return math.inf
    return best_here - through_edge


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
