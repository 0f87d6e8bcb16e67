"""The broken-backprop lab: the reverse sweep done right, and done the ways learners get it wrong.

Every variant runs on the same recorded graph (scalar edges: each node's ``partials``) and answers
with the adjoint d(output)/d(node) it computes for every node that needs a gradient, and how many
node visits it made. Pure (the standard library): no node is changed.

* ``correct`` — reverse topological order, adjoints accumulate with ``+=`` (what :func:`gradients` does);
* ``path-walk`` — the seed's ``get_gradients``: a walk over every path from the output, adding each
  path's product into its end node. Right, but one visit per path: its visits are counted exactly
  from :func:`pathgrad.paths.path_counts_to` and it is run only when they are at most a bound;
* ``recursive-no-topo`` — micrograd's naive recursion: a node pushes its current adjoint to its
  parents, then recurses into each of them, with no topological order and no visited set: a reused
  non-leaf pushes again every time it is reached, so it double-counts (also run only below the bound);
* ``assign-not-accumulate`` — ``=`` instead of ``+=``: the last edge into a node wins (wrong on fan-out);
* ``parents-by-node`` — parents kept in a dict keyed by node, so the two edges of ``x*x`` become one;
* ``no-zero-grad`` — backward called twice with no zeroing in between: the leaves' ``.grad`` doubles.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from pathgrad.engine import Node, topological_order
from pathgrad.graph_json import to_json_number
from pathgrad.paths import path_counts_to

T = TypeVar("T")

VARIANTS = (
    "correct",
    "path-walk",
    "recursive-no-topo",
    "assign-not-accumulate",
    "parents-by-node",
    "no-zero-grad",
)
"""The variants' names, in the order the lab shows them."""

MAX_WALK_VISITS = 100_000
"""Default bound on the node visits of the two walks that grow with the number of paths."""

# Two sweeps that sum the same products in another order agree to rounding, not to the last bit.
SAME_RELATIVE = 1e-9
SAME_ABSOLUTE = 1e-12


@dataclass(frozen=True)
class Sweep:
    """One variant's answer.

    ``adjoints`` holds d(output)/d(node) as that variant computes it, for every node that needs a
    gradient (absent: 0); it is None when the variant was not run (``skipped`` says why). ``visits``
    is the number of node visits, exact even when not run. ``differs`` lists the nodes whose adjoint
    is not ``correct``'s, in topological order.
    """

    variant: str
    adjoints: dict[Node, float] | None
    visits: int
    differs: tuple[Node, ...] = ()
    skipped: str | None = None


@dataclass(frozen=True)
class LabResult:
    """Every variant asked for, run on one output's graph (``order`` is its topological order)."""

    output: Node
    order: list[Node]
    sweeps: dict[str, Sweep]


def _edges(node: Node) -> tuple[tuple[Node, float], ...]:
    partials = node.partials
    assert partials is not None  # checked by _check_scalar
    return tuple(zip(node.parents, partials, strict=True))


def _check_scalar(order: Sequence[Node]) -> None:
    for node in order:
        if node.partials is None:
            what = f"{node.op} node {node.name!r}" if node.name else f"a {node.op} node"
            raise ValueError(
                f"the lab runs on numbers: {what} has an array input (use a program of scalars)"
            )


def _needs(adjoints: dict[Node, float]) -> dict[Node, float]:
    """Only the nodes that need a gradient: the engine's answer leaves out constants."""
    return {node: g for node, g in adjoints.items() if node.requires_grad}


def correct(output: Node, order: Sequence[Node]) -> tuple[dict[Node, float], int]:
    """Reverse topological order, ``+=`` into each parent: one visit per node."""
    adjoints: dict[Node, float] = {output: 1.0}
    for node in reversed(order):
        g = adjoints.get(node)
        if g is None:
            continue
        for parent, d in _edges(node):
            adjoints[parent] = adjoints.get(parent, 0.0) + g * d
    return _needs(adjoints), len(order)


def path_walk(output: Node) -> tuple[dict[Node, float], int]:
    """The seed's recursion over every path, without Python's recursion (an explicit stack).

    Entering a node along a path adds that path's product to the node's total, then walks on into
    each parent: exactly the seed's order of additions, one visit per path from the output.
    """
    totals: dict[Node, float] = {}
    visits = 0
    stack: list[tuple[Node, float]] = [(output, 1.0)]
    while stack:
        node, product = stack.pop()
        visits += 1
        totals[node] = totals.get(node, 0.0) + product
        stack.extend((parent, product * d) for parent, d in reversed(_edges(node)))
    return _needs(totals), visits


def recursive_no_topo(output: Node) -> tuple[dict[Node, float], int]:
    """micrograd's naive ``backward``: push, then recurse into each distinct parent; no visited set."""
    adjoints: dict[Node, float] = {output: 1.0}
    visits = 0
    stack = [output]
    while stack:
        node = stack.pop()
        visits += 1
        g = adjoints.get(node, 0.0)
        for parent, d in _edges(node):
            adjoints[parent] = adjoints.get(parent, 0.0) + g * d
        stack.extend(reversed(_distinct(node.parents)))
    return _needs(adjoints), visits


def assign_not_accumulate(output: Node, order: Sequence[Node]) -> tuple[dict[Node, float], int]:
    """Topological order, but ``parent.grad = g * d``: every edge overwrites the one before."""
    adjoints: dict[Node, float] = {output: 1.0}
    for node in reversed(order):
        g = adjoints.get(node)
        if g is None:
            continue
        for parent, d in _edges(node):
            adjoints[parent] = g * d
    return _needs(adjoints), len(order)


def parents_by_node(output: Node, order: Sequence[Node]) -> tuple[dict[Node, float], int]:
    """Topological order and ``+=``, but the edges kept as ``{parent: local}``: a repeated parent
    keeps one edge (the last), so ``x*x`` passes back x instead of 2x."""
    adjoints: dict[Node, float] = {output: 1.0}
    for node in reversed(order):
        g = adjoints.get(node)
        if g is None:
            continue
        for parent, d in dict(_edges(node)).items():
            adjoints[parent] = adjoints.get(parent, 0.0) + g * d
    return _needs(adjoints), len(order)


def no_zero_grad(output: Node, order: Sequence[Node]) -> tuple[dict[Node, float], int]:
    """Two backward calls into the same ``.grad`` with no zeroing in between.

    As in PyTorch, each call sweeps with fresh adjoints and adds its result into the leaves'
    ``.grad``: the leaves get twice the gradient, the inner nodes show the second sweep's.
    """
    first, visits = correct(output, order)
    second, more = correct(output, order)
    for node, g in first.items():
        if node.prim is None:
            second[node] += g
    return second, visits + more


def _distinct(items: Iterable[T]) -> list[T]:
    """The items in order, each once."""
    return list(dict.fromkeys(items))


def path_walk_visits(output: Node, order: Sequence[Node]) -> int:
    """The seed's walk visits each node once per path from the output to it (exact, linear time)."""
    return sum(path_counts_to(output, order).values())


def recursive_visits(order: Sequence[Node]) -> int:
    """The naive recursion visits each node once per path over *distinct* parents (x*x: one edge)."""
    counts: dict[Node, int] = {order[-1]: 1}
    for node in reversed(order):
        c = counts.get(node, 0)
        if c:
            for parent in _distinct(node.parents):
                counts[parent] = counts.get(parent, 0) + c
    return sum(counts.values())


def same(a: float, b: float) -> bool:
    """Equal up to the rounding of summing the same products in another order (NaN equals NaN)."""
    if a != a or b != b:
        return a != a and b != b
    return math.isclose(a, b, rel_tol=SAME_RELATIVE, abs_tol=SAME_ABSOLUTE)


def run_lab(
    output: Node, variants: Sequence[str] = VARIANTS, *, max_visits: int = MAX_WALK_VISITS
) -> LabResult:
    """Run ``variants`` (names from :data:`VARIANTS`) on ``output``'s graph; ``correct`` always runs.

    ``path-walk`` and ``recursive-no-topo`` run only when their exact visit count is at most
    ``max_visits``; otherwise their answer has the count, no adjoints, and the reason. Raises
    ``ValueError`` for an unknown variant or a graph with array values.
    """
    unknown = [v for v in variants if v not in VARIANTS]
    if unknown:
        raise ValueError(f"no lab variant named {unknown[0]!r} (variants: {', '.join(VARIANTS)})")
    order = topological_order([output])
    _check_scalar(order)
    reference, reference_visits = correct(output, order)
    sweeps: dict[str, Sweep] = {}
    for variant in _distinct(variants):
        adjoints: dict[Node, float] | None
        skipped = None
        if variant == "correct":
            adjoints, visits = reference, reference_visits
        elif variant in ("path-walk", "recursive-no-topo"):
            walk = path_walk if variant == "path-walk" else recursive_no_topo
            visits = path_walk_visits(output, order) if variant == "path-walk" else recursive_visits(order)
            if visits <= max_visits:
                adjoints, _ = walk(output)
            else:
                adjoints = None
                skipped = f"{visits:,} node visits, more than the lab's bound of {max_visits:,}: not run"
        else:
            sweep = {
                "assign-not-accumulate": assign_not_accumulate,
                "parents-by-node": parents_by_node,
                "no-zero-grad": no_zero_grad,
            }[variant]
            adjoints, visits = sweep(output, order)
        differs: tuple[Node, ...] = ()
        if adjoints is not None:
            differs = tuple(
                node
                for node in order
                if node.requires_grad and not same(adjoints.get(node, 0.0), reference.get(node, 0.0))
            )
        sweeps[variant] = Sweep(variant, adjoints, visits, differs, skipped)
    return LabResult(output, order, sweeps)


def lab_to_dict(result: LabResult, leaves: Mapping[str, Node], ids: Mapping[Node, str]) -> dict[str, Any]:
    """The lab as JSON-ready data: per variant, the leaves' gradients by name, every node's adjoint
    by graph id (``ids``: :class:`pathgrad.graph_json.GraphIds` ``.node``), the visits as a decimal
    string (they pass 2**53), and the ids of the nodes that differ from ``correct``."""
    variants: dict[str, Any] = {}
    for name, sweep in result.sweeps.items():
        adjoints = sweep.adjoints
        variants[name] = {
            "ran": adjoints is not None,
            "skipped": sweep.skipped,
            "visits": str(sweep.visits),
            "gradients": None
            if adjoints is None
            else {leaf: to_json_number(adjoints.get(node, 0.0)) for leaf, node in leaves.items()},
            "adjoints": None
            if adjoints is None
            else {ids[node]: to_json_number(g) for node, g in adjoints.items() if node in ids},
            "differs": [ids[node] for node in sweep.differs if node in ids],
            "differs_leaves": [leaf for leaf, node in leaves.items() if node in sweep.differs],
        }
    return {"output": ids[result.output], "variants": variants}


__all__ = ["MAX_WALK_VISITS", "VARIANTS", "LabResult", "Sweep", "lab_to_dict", "run_lab"]
