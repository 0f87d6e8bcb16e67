"""The broken-backprop lab: the reverse sweep done right, and done the ways learners get it wrong.

Every variant runs on the same recorded graph and answers with the adjoint d(output)/d(node) it
computes for every node that needs a gradient, and how many node visits it made. An edge passes back
its child's adjoint times its local derivative: on numbers the node's ``partials``, on arrays the
primitive's vector-Jacobian product for that one edge (so ``x*x`` on arrays still has two edges, and
each variant makes its mistake the same way, element by element). Pure (numpy and the standard
library): no node is changed.

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
from types import FunctionType
from typing import Any, TypeVar

import numpy as np

from pathgrad.backends import ARRAY, sum_to_shape
from pathgrad.engine import Node, topological_order
from pathgrad.engine.nodes import array_operands, resolve
from pathgrad.graph_json import to_json_number
from pathgrad.paths import path_counts_to

T = TypeVar("T")
Adjoint = Any  # a float, or an array of its node's shape

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

MAX_WALK_ELEMENTS = 2_000_000
"""Default bound on a walk's work on arrays: its visits times the largest array's size."""

# Two sweeps that sum the same products in another order agree to rounding, not to the last bit.
SAME_RELATIVE = 1e-9
SAME_ABSOLUTE = 1e-12


@dataclass(frozen=True)
class Sweep:
    """One variant's answer.

    ``adjoints`` holds d(output)/d(node) as that variant computes it (a float, or an array of the
    node's shape), for every node that needs a gradient (absent: 0); it is None when the variant was
    not run (``skipped`` says why). ``visits`` is the number of node visits, exact even when not run.
    ``differs`` lists the nodes whose adjoint is not ``correct``'s, in topological order.
    """

    variant: str
    adjoints: dict[Node, Adjoint] | None
    visits: int
    differs: tuple[Node, ...] = ()
    skipped: str | None = None


@dataclass(frozen=True)
class LabResult:
    """Every variant asked for, run on one output's graph (``order`` is its topological order)."""

    output: Node
    order: list[Node]
    sweeps: dict[str, Sweep]


def _edges(node: Node, g: Adjoint) -> list[tuple[Node, Adjoint]]:
    """What ``node`` passes back along each of its edges, given its adjoint ``g``: one entry per
    edge, in argument order (``x*x``: two), None for a parent that needs no gradient on arrays."""
    partials = node.partials
    if partials is not None:  # numbers: the local derivatives recorded in the forward pass
        return [(parent, g * d) for parent, d in zip(node.parents, partials, strict=True)]
    row = node.prim
    assert row is not None
    parents = node.parents
    values = [p.value for p in parents]
    needed = [p.requires_grad for p in parents]
    grads: list[Any]
    if row.array_vjp is not None:
        if len(parents) == 1:
            grads = [row.array_vjp(g, node.value, values[0], *node.params) if needed[0] else None]
        else:
            grads = list(row.array_vjp(g, node.value, values[0], values[1], needed[0], needed[1]))
    elif row.vjp is not None:
        ans, args = array_operands(node)
        grads = list(row.vjp(ARRAY, g, ans, *args, *node.params))
    else:
        assert row.partials is not None
        ans, args = array_operands(node)
        local = row.partials(ARRAY, ans, *args, *node.params)
        grads = [g * resolve(d) if need else None for need, d in zip(needed, local, strict=True)]
    out: list[tuple[Node, Adjoint]] = []
    for parent, value, need, grad in zip(parents, values, needed, grads, strict=True):
        if grad is None or not need:
            out.append((parent, None))
            continue
        if type(grad) is FunctionType:  # a lazy rule: computed only for a parent that needs it
            grad = grad()
        out.append((parent, _fit(grad, value)))
    return out


def _fit(grad: Any, value: Any) -> Adjoint:
    """A contribution in its parent's shape: summed over what broadcasting repeated."""
    if type(value) is float:
        return float(np.sum(grad))
    grad = np.asarray(grad, dtype=np.float64)
    return grad if grad.shape == np.shape(value) else sum_to_shape(grad, np.shape(value))


def _add(a: Adjoint | None, b: Adjoint | None) -> Adjoint | None:
    """a + b, a new value (never in place: an adjoint may be the same array as another's)."""
    if a is None:
        return b
    return a if b is None else a + b


def _needs(adjoints: dict[Node, Adjoint | None]) -> dict[Node, Adjoint]:
    """Only the nodes that need a gradient: the engine's answer leaves out constants."""
    return {node: g for node, g in adjoints.items() if node.requires_grad and g is not None}


def _seed(output: Node) -> Adjoint:
    value = output.value
    return 1.0 if type(value) is float else np.ones(np.shape(value))


def correct(output: Node, order: Sequence[Node]) -> tuple[dict[Node, Adjoint], int]:
    """Reverse topological order, ``+=`` into each parent: one visit per node."""
    adjoints: dict[Node, Adjoint | None] = {output: _seed(output)}
    with np.errstate(all="ignore"):
        for node in reversed(order):
            g = adjoints.get(node)
            if g is None:
                continue
            for parent, contribution in _edges(node, g):
                adjoints[parent] = _add(adjoints.get(parent), contribution)
    return _needs(adjoints), len(order)


def path_walk(output: Node) -> tuple[dict[Node, Adjoint], int]:
    """The seed's recursion over every path, without Python's recursion (an explicit stack).

    Entering a node along a path adds that path's product to the node's total, then walks on into
    each parent: exactly the seed's order of additions, one visit per path from the output.
    """
    totals: dict[Node, Adjoint | None] = {}
    visits = 0
    stack: list[tuple[Node, Adjoint | None]] = [(output, _seed(output))]
    with np.errstate(all="ignore"):
        while stack:
            node, product = stack.pop()
            visits += 1
            totals[node] = _add(totals.get(node), product)
            if product is None:  # a path through a node that needs no gradient: visited, adds nothing
                stack.extend((parent, None) for parent in reversed(node.parents))
            else:
                stack.extend(reversed(_edges(node, product)))
    return _needs(totals), visits


def recursive_no_topo(output: Node) -> tuple[dict[Node, Adjoint], int]:
    """micrograd's naive ``backward``: push, then recurse into each distinct parent; no visited set."""
    adjoints: dict[Node, Adjoint | None] = {output: _seed(output)}
    visits = 0
    stack = [output]
    with np.errstate(all="ignore"):
        while stack:
            node = stack.pop()
            visits += 1
            g = adjoints.get(node)
            if g is not None:
                for parent, contribution in _edges(node, g):
                    adjoints[parent] = _add(adjoints.get(parent), contribution)
            stack.extend(reversed(_distinct(node.parents)))
    return _needs(adjoints), visits


def assign_not_accumulate(output: Node, order: Sequence[Node]) -> tuple[dict[Node, Adjoint], int]:
    """Topological order, but ``parent.grad = g * d``: every edge overwrites the one before."""
    adjoints: dict[Node, Adjoint | None] = {output: _seed(output)}
    with np.errstate(all="ignore"):
        for node in reversed(order):
            g = adjoints.get(node)
            if g is None:
                continue
            for parent, contribution in _edges(node, g):
                adjoints[parent] = contribution
    return _needs(adjoints), len(order)


def parents_by_node(output: Node, order: Sequence[Node]) -> tuple[dict[Node, Adjoint], int]:
    """Topological order and ``+=``, but the edges kept as ``{parent: local}``: a repeated parent
    keeps one edge (the last), so ``x*x`` passes back x instead of 2x."""
    adjoints: dict[Node, Adjoint | None] = {output: _seed(output)}
    with np.errstate(all="ignore"):
        for node in reversed(order):
            g = adjoints.get(node)
            if g is None:
                continue
            for parent, contribution in dict(_edges(node, g)).items():
                adjoints[parent] = _add(adjoints.get(parent), contribution)
    return _needs(adjoints), len(order)


def no_zero_grad(output: Node, order: Sequence[Node]) -> tuple[dict[Node, Adjoint], int]:
    """Two backward calls into the same ``.grad`` with no zeroing in between.

    As in PyTorch, each call sweeps with fresh adjoints and adds its result into the leaves'
    ``.grad``: the leaves get twice the gradient, the inner nodes show the second sweep's.
    """
    first, visits = correct(output, order)
    second, more = correct(output, order)
    for node, g in first.items():
        if node.prim is None:
            second[node] = second[node] + g
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


def same(a: Adjoint, b: Adjoint) -> bool:
    """Equal up to the rounding of summing the same products in another order, element by element
    on arrays (NaN equals NaN; an absent adjoint is 0, of any shape)."""
    if type(a) is float and type(b) is float:
        if a != a or b != b:
            return a != a and b != b
        return math.isclose(a, b, rel_tol=SAME_RELATIVE, abs_tol=SAME_ABSOLUTE)
    x, y = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if x.ndim and y.ndim and x.shape != y.shape:
        return False
    return bool(np.allclose(x, y, rtol=SAME_RELATIVE, atol=SAME_ABSOLUTE, equal_nan=True))


def _largest_size(order: Sequence[Node]) -> int:
    return max((int(np.size(node.value)) for node in order), default=1)


def run_lab(
    output: Node,
    variants: Sequence[str] = VARIANTS,
    *,
    max_visits: int = MAX_WALK_VISITS,
    max_elements: int = MAX_WALK_ELEMENTS,
) -> LabResult:
    """Run ``variants`` (names from :data:`VARIANTS`) on ``output``'s graph; ``correct`` always runs.

    Numbers and arrays alike. ``path-walk`` and ``recursive-no-topo`` run only when their exact
    visit count is at most ``max_visits`` and, on arrays, their visits times the largest array's
    size at most ``max_elements``; otherwise their answer has the count, no adjoints, and the reason.
    Raises ``ValueError`` for an unknown variant.
    """
    unknown = [v for v in variants if v not in VARIANTS]
    if unknown:
        raise ValueError(f"no lab variant named {unknown[0]!r} (variants: {', '.join(VARIANTS)})")
    order = topological_order([output])
    elements = _largest_size(order)
    reference, reference_visits = correct(output, order)
    sweeps: dict[str, Sweep] = {}
    for variant in _distinct(variants):
        adjoints: dict[Node, Adjoint] | None
        skipped = None
        if variant == "correct":
            adjoints, visits = reference, reference_visits
        elif variant in ("path-walk", "recursive-no-topo"):
            walk = path_walk if variant == "path-walk" else recursive_no_topo
            visits = path_walk_visits(output, order) if variant == "path-walk" else recursive_visits(order)
            if visits <= max_visits and visits * elements <= max_elements:
                adjoints, _ = walk(output)
            elif visits > max_visits:
                adjoints = None
                skipped = f"{visits:,} node visits, more than the lab's bound of {max_visits:,}: not run"
            else:
                adjoints = None
                skipped = (
                    f"{visits:,} node visits on arrays of up to {elements:,} elements, more than "
                    f"the lab's bound of {max_elements:,} element operations: not run"
                )
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


def _zero(node: Node) -> Adjoint:
    return 0.0 if type(node.value) is float else np.zeros(np.shape(node.value))


def lab_to_dict(result: LabResult, leaves: Mapping[str, Node], ids: Mapping[Node, str]) -> dict[str, Any]:
    """The lab as JSON-ready data: per variant, the leaves' gradients by name, every node's adjoint
    by graph id (``ids``: :class:`pathgrad.graph_json.GraphIds` ``.node``), each a number or, on
    arrays, nested lists of the node's shape; the visits as a decimal string (they pass 2**53), and
    the ids of the nodes that differ from ``correct``."""
    variants: dict[str, Any] = {}
    for name, sweep in result.sweeps.items():
        adjoints = sweep.adjoints
        variants[name] = {
            "ran": adjoints is not None,
            "skipped": sweep.skipped,
            "visits": str(sweep.visits),
            "gradients": None
            if adjoints is None
            else {leaf: to_json_number(adjoints.get(node, _zero(node))) for leaf, node in leaves.items()},
            "adjoints": None
            if adjoints is None
            else {ids[node]: to_json_number(g) for node, g in adjoints.items() if node in ids},
            "differs": [ids[node] for node in sweep.differs if node in ids],
            "differs_leaves": [leaf for leaf, node in leaves.items() if node in sweep.differs],
        }
    return {"output": ids[result.output], "variants": variants}


__all__ = ["MAX_WALK_VISITS", "VARIANTS", "LabResult", "Sweep", "lab_to_dict", "run_lab"]
