"""A differential test of the whole engine against an independent reference: mpmath.

Programs are generated from fixed seeds, written as program text, built by the language and run by
the engine; the same trees are evaluated with mpmath at 30 significant digits, and every derivative of
the reference is mpmath's own numerical differentiation (``mpmath.diff``), which shares no formula
with the table. Compared, per program:

* scalar programs (two leaves x and w): the value; reverse-mode dy/dx, dy/dw; forward-mode tangents
  from x and from w; the four second derivatives through a recorded backward pass
  (``create_graph=True``); the graph JSON's leaf gradients; and every JSON edge's local derivative,
  against mpmath's derivative of that primitive at the engine's own input values (an edge from a
  constant must carry no derivative: ``local`` null, ``local_needed`` false);
* array programs (leaves A: 2×3, B: 3×2, v: 3, s: a number; broadcasting, ``@`` of matrices,
  transposes, reductions): the value; reverse mode, forward mode and the Hessian along a random
  direction U (⟨∇f, U⟩, the tangent along U, Uᵀ·H·U against d/dt and d²/dt² of f(leaves + t·U)); and
  every JSON edge's Jacobian J, as wᵀ·J·u for random w and u.

Points are kept away from kinks and poles (|x| ≥ 0.01 at relu/abs, x ≥ 0.05 at pow's base, ...):
there the reference's numerical derivative is meaningless and the table's documented conventions
apply instead (tested in test_primitives.py). Every row of the table is reached: each program's root
cycles through the rows, and the broadcasting rows (sum_to, broadcast_to) are reached by the
recorded backward passes of the array programs.

Run alone for the figures: ``.venv/bin/python tests/test_primitives_reference.py``.
"""

from __future__ import annotations

import math
import random
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import mpmath
import numpy as np
import pytest

from pathgrad import PRIMITIVES, Const, Node, grad, service, tangents, topological_order
from pathgrad import sum as total
from test_primitives import DOMAINS

mp = mpmath.mp
DIGITS = 30
RTOL = 1e-10  # relative to the reference, plus ATOL relative to the program's largest magnitude
ATOL = 1e-11
SCALAR_PROGRAMS = 1_600
ARRAY_PROGRAMS = 400
SCALAR_CHUNKS = 8
ARRAY_CHUNKS = 4
SLOPE = 0.1  # leaky_relu's slope in the generated programs


class Reject(Exception):
    """The drawn point is too near a kink, a pole or the edge of a domain: draw another."""


# --- the reference: each row as mpmath computes it (numbers, or numpy arrays of mpf) -----------------


def _elementwise(fn: Callable[[Any], Any]) -> Callable[[Any], Any]:
    vectorized = np.frompyfunc(fn, 1, 1)
    return lambda a: vectorized(a) if isinstance(a, np.ndarray) else fn(a)


def _entries(a: Any) -> list[Any]:
    return list(a.ravel()) if isinstance(a, np.ndarray) else [a]


def _check(a: Any, ok: Callable[[Any], bool]) -> None:
    if not all(ok(v) for v in _entries(a)):
        raise Reject


def _relu(a: Any) -> Any:
    return a if a > 0 else mp.mpf(0)


def _leaky(a: Any) -> Any:
    return a if a > 0 else mp.mpf(SLOPE) * a


UNARY_REFERENCE: dict[str, Callable[[Any], Any]] = {
    "neg": lambda a: -a,
    "inv": lambda a: 1 / a,
    "square": lambda a: a * a,
    "sqrt": _elementwise(mp.sqrt),
    "exp": _elementwise(mp.exp),
    "log": _elementwise(mp.log),
    "abs": _elementwise(abs),
    "sin": _elementwise(mp.sin),
    "cos": _elementwise(mp.cos),
    "tanh": _elementwise(mp.tanh),
    "sigmoid": _elementwise(lambda a: 1 / (1 + mp.exp(-a))),
    "relu": _elementwise(_relu),
    "leaky_relu": _elementwise(_leaky),
    "softplus": _elementwise(lambda a: mp.log(1 + mp.exp(a))),
    "sum": lambda a: np.sum(a) if isinstance(a, np.ndarray) else a,
    "mean": lambda a: np.sum(a) / a.size if isinstance(a, np.ndarray) else a,
    "transpose": lambda a: a.T if isinstance(a, np.ndarray) else a,
}
# A newer row brings its mpmath formula in its DOMAINS entry (test_primitives.py).
UNARY_REFERENCE |= {
    name: _elementwise(partial(domain.reference, mp))
    for name, domain in DOMAINS.items()
    if domain.reference is not None
}
BINARY_REFERENCE: dict[str, Callable[[Any, Any], Any]] = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "pow": lambda a, b: a**b,
    "matmul": lambda a, b: np.matmul(a, b),
}
# Where each row is smooth enough for a numerical reference (checked on the arguments).
DOMAIN: dict[str, Callable[..., None]] = {
    "inv": lambda a: _check(a, lambda v: abs(v) >= 0.05),
    "sqrt": lambda a: _check(a, lambda v: v >= 0.01),
    "log": lambda a: _check(a, lambda v: v >= 0.01),
    "exp": lambda a: _check(a, lambda v: v <= 20),
    "abs": lambda a: _check(a, lambda v: abs(v) >= 0.01),
    "relu": lambda a: _check(a, lambda v: abs(v) >= 0.01),
    "leaky_relu": lambda a: _check(a, lambda v: abs(v) >= 0.01),
    "div": lambda a, b: _check(b, lambda v: abs(v) >= 0.05),
    "pow": lambda a, b: (_check(a, lambda v: v >= 0.05), _check(b, lambda v: abs(v) <= 5)),
}


def reference_op(op: str, args: list[Any]) -> Any:
    check = DOMAIN.get(op)
    if check is not None:
        check(*args)
    out = UNARY_REFERENCE[op](args[0]) if len(args) == 1 else BINARY_REFERENCE[op](*args)
    _check(out, lambda v: abs(v) <= 1e4)
    return out


# --- program trees: generated, written as source, evaluated by the reference --------------------------

Tree = tuple[Any, ...]  # ("leaf", name) | ("const", value) | (op, child, ...)


def evaluate(tree: Tree, env: dict[str, Any], seen: list[Any] | None = None) -> Any:
    kind = tree[0]
    if kind == "leaf":
        return env[tree[1]]
    if kind == "const":
        return mp.mpf(tree[1])
    out = reference_op(kind, [evaluate(child, env, seen) for child in tree[1:]])
    if seen is not None:
        seen.extend(_entries(out))
    return out


def source_of(tree: Tree) -> str:
    kind = tree[0]
    if kind == "leaf":
        return str(tree[1])
    if kind == "const":
        return repr(tree[1])
    args = [source_of(child) for child in tree[1:]]
    if kind == "neg":
        return f"(-{args[0]})"
    if kind == "leaky_relu":
        return f"leaky_relu({args[0]}, {SLOPE})"
    if kind in BINARY_REFERENCE:
        symbol = {"add": "+", "sub": "-", "mul": "*", "div": "/", "pow": "^", "matmul": "@"}[kind]
        return f"({args[0]} {symbol} {args[1]})"
    return f"{kind}({args[0]})"


def leaves_of(tree: Tree) -> set[str]:
    if tree[0] == "leaf":
        return {tree[1]}
    return set().union(*(leaves_of(c) for c in tree[1:] if isinstance(c, tuple)))


SCALAR_UNARY = sorted(UNARY_REFERENCE)
SCALAR_BINARY = ["add", "sub", "mul", "div", "pow"]
SCALAR_ROOTS = SCALAR_UNARY + SCALAR_BINARY
CONSTANTS = [0.5, 1.5, 2.0, 3.0]
EXPONENTS = [0.0, 1.0, 2.0, 3.0, 0.5, 1.5]


def scalar_tree(rng: random.Random, depth: int, root: str | None = None) -> Tree:
    if root is None and (depth == 0 or rng.random() < 0.2):
        if rng.random() < 0.8:
            return ("leaf", rng.choice("xw"))
        return ("const", rng.choice(CONSTANTS))
    op = root or rng.choice(SCALAR_ROOTS)
    if op in UNARY_REFERENCE:
        return (op, scalar_tree(rng, depth - 1))
    if op == "pow" and rng.random() < 0.6:
        return (op, scalar_tree(rng, depth - 1), ("const", rng.choice(EXPONENTS)))
    return (op, scalar_tree(rng, depth - 1), scalar_tree(rng, depth - 1))


ELEMENTWISE_UNARY = [op for op in SCALAR_UNARY if op not in ("sum", "mean", "transpose")]
ARRAY_LEAVES = {(2, 3): "A", (3, 2): "B", (3,): "v", (): "s"}
ARRAY_ROOTS = [*ELEMENTWISE_UNARY, *SCALAR_BINARY, "matmul", "transpose", "sum", "mean"]


def array_tree(rng: random.Random, shape: tuple[int, ...], depth: int, root: str | None = None) -> Tree:
    """A tree whose value has ``shape``."""
    if root is None and (depth == 0 or rng.random() < 0.2):
        if shape in ARRAY_LEAVES and rng.random() < 0.85:
            return ("leaf", ARRAY_LEAVES[shape])
        if shape == () or depth == 0:
            return _array_fallback(rng, shape)
    op = root or rng.choice(ARRAY_ROOTS)
    if op in ("sum", "mean"):
        inner = rng.choice([(2, 3), (3, 2), (3,), (2, 2)])
        tree = (op, array_tree(rng, inner, depth - 1))
        return tree if shape == () else (rng.choice(SCALAR_BINARY[:3]), array_tree(rng, shape, 0), tree)
    if op == "transpose" and len(shape) == 2:
        return (op, array_tree(rng, shape[::-1], depth - 1))
    if op == "matmul" and len(shape) == 2:
        inner = rng.choice([2, 3])
        left = array_tree(rng, (shape[0], inner), depth - 1)
        return (op, left, array_tree(rng, (inner, shape[1]), depth - 1))
    if op in SCALAR_BINARY:
        other = rng.choice([shape, (), *([(3,)] if shape[-1:] == (3,) else [])]) if shape else ()
        if op == "pow" and rng.random() < 0.6:
            return (op, array_tree(rng, shape, depth - 1), ("const", rng.choice(EXPONENTS)))
        pair = [array_tree(rng, shape, depth - 1), array_tree(rng, other, depth - 1)]
        if op != "pow" and rng.random() < 0.5:
            pair.reverse()
        return (op, *pair)
    if op in ELEMENTWISE_UNARY:
        return (op, array_tree(rng, shape, depth - 1))
    return array_tree(rng, shape, depth, root=rng.choice(ELEMENTWISE_UNARY))


def _array_fallback(rng: random.Random, shape: tuple[int, ...]) -> Tree:
    if shape == ():
        return ("leaf", "s") if rng.random() < 0.7 else ("const", rng.choice(CONSTANTS))
    if shape in ARRAY_LEAVES:
        return ("leaf", ARRAY_LEAVES[shape])
    if shape == (2, 2):
        return ("matmul", ("leaf", "A"), ("leaf", "B"))
    if shape == (3, 3):
        return ("matmul", ("leaf", "B"), ("leaf", "A"))
    raise AssertionError(shape)


# --- comparing ----------------------------------------------------------------------------------------


@dataclass
class Tally:
    """What one run compared."""

    programs: int = 0
    rejected: int = 0
    compared: Counter[str] = field(default_factory=Counter)
    mismatches: list[str] = field(default_factory=list)
    rows: set[str] = field(default_factory=set)

    def compare(self, what: str, engine: Any, reference: Any, scale: float, source: str) -> None:
        self.compared[what] += 1
        value = float(engine) if engine is not None else math.nan
        expected = float(reference)
        if not abs(value - expected) <= RTOL * abs(expected) + ATOL * scale:
            self.mismatches.append(f"{what}: engine {value!r}, reference {expected!r} in {source!r}")


def _scale(values: list[Any]) -> float:
    return max([1.0, *(abs(float(v)) for v in values)])


def _graph_ops(nodes: list[Node]) -> set[str]:
    return {n.op for n in topological_order(nodes)}


def _mpf_array(value: Any) -> Any:
    if isinstance(value, list):
        out = np.empty(np.shape(value), dtype=object)
        for index, v in np.ndenumerate(np.array(value, dtype=np.float64)):
            out[index] = mp.mpf(float(v))
        return out
    return mp.mpf(value)


def check_edges(graph: dict[str, Any], tally: Tally, source: str, rng: np.random.Generator) -> None:
    """Every edge's local derivative against mpmath's derivative of its primitive at the engine's values."""
    nodes = {n["id"]: n for n in graph["nodes"]}
    inputs: dict[str, list[dict[str, Any]]] = {}
    for edge in graph["edges"]:
        inputs.setdefault(edge["target"], []).append(edge)
    # Constants: literals, and operations on constants alone (no leaf above them): no gradient flows
    # to them, so their edges carry no derivative. Ids are topological: parents come first.
    constant: set[str] = set()
    for node in graph["nodes"]:
        if node["kind"] == "const" or (
            node["kind"] == "op" and all(e["source"] in constant for e in inputs.get(node["id"], []))
        ):
            constant.add(node["id"])
    for edge in graph["edges"]:
        if edge["local_needed"] is not (edge["source"] not in constant):
            tally.mismatches.append(f"edge {edge['id']}: local_needed is wrong in {source!r}")
        if edge["source"] in constant:
            tally.compared["edge from a constant (no derivative)"] += 1
            if edge["local"] is not None:
                tally.mismatches.append(f"edge from a constant has a derivative in {source!r}")
            continue
        target = nodes[edge["target"]]
        ordered = sorted(inputs[target["id"]], key=lambda e: e["arg"])
        args = [_mpf_array(nodes[e["source"]]["value"]) for e in ordered]
        index = edge["arg"]
        local = edge["local"]
        op = target["op"]
        at = args[index]
        if not isinstance(at, np.ndarray) and not isinstance(local, list):

            def partial(t: Any, args: list[Any] = args, index: int = index, op: str = op) -> Any:
                moved = list(args)
                moved[index] = t
                return reference_op(op, moved)

            expected = mpmath.diff(partial, at)
            tally.compare("JSON edge derivative (number)", local, expected, _scale([expected]), source)
            continue
        # A Jacobian: compare wᵀ·J·u with d/dt wᵀ·op(…, input + t·u, …) at t = 0.
        in_shape = np.shape(at)
        out_value = reference_op(op, args)
        out_shape = np.shape(out_value)
        u = rng.uniform(-1.0, 1.0, size=in_shape)
        w = rng.uniform(-1.0, 1.0, size=out_shape)
        jacobian = np.asarray(local, dtype=np.float64).reshape(out_shape + in_shape)
        engine = float(np.sum(w * np.tensordot(jacobian, u, axes=len(in_shape))))
        u_mp = _mpf_array(u.tolist() if in_shape else float(u))
        w_mp = _mpf_array(w.tolist() if out_shape else float(w))

        def along(t: Any, args: list[Any] = args, index: int = index, op: str = op,
                  u_mp: Any = u_mp, w_mp: Any = w_mp) -> Any:
            moved = list(args)
            moved[index] = args[index] + t * u_mp
            out = reference_op(op, moved)
            return np.sum(w_mp * out) if isinstance(out, np.ndarray) else w_mp * out

        expected = mpmath.diff(along, 0)
        scale = _scale([expected, *_entries(out_value)])
        tally.compare("JSON edge Jacobian (wᵀJu)", engine, expected, scale, source)


# --- scalar programs --------------------------------------------------------------------------------


def run_scalar(seed: int, tally: Tally) -> None:
    rng = random.Random(seed)
    root = SCALAR_ROOTS[(seed // SCALAR_CHUNKS) % len(SCALAR_ROOTS)]  # every chunk meets every row
    while True:
        tree = scalar_tree(rng, 3, root)
        if not leaves_of(tree):
            continue
        x0 = rng.choice([-1, 1]) * rng.uniform(0.3, 2.0)
        w0 = rng.choice([-1, 1]) * rng.uniform(0.3, 2.0)
        seen: list[Any] = []
        try:
            value = evaluate(tree, {"x": mp.mpf(x0), "w": mp.mpf(w0)}, seen)
        except Reject:
            tally.rejected += 1
            continue
        break
    source = f"x = {x0!r}; w = {w0!r}\ny = {source_of(tree)}"
    expand = (seed // SCALAR_CHUNKS) % 4 == 1  # sigmoid and tanh as compositions, a quarter of the time
    program = service.build(source, expand=expand)
    out, x, w = program.output, program.leaves["x"], program.leaves["w"]
    scale = _scale([value, *seen])
    tally.programs += 1
    tally.compare("value", out.value, value, scale, source)

    def f(a: Any, b: Any) -> Any:
        return evaluate(tree, {"x": a, "w": b})

    point = (mp.mpf(x0), mp.mpf(w0))
    first = [mpmath.diff(f, point, (1, 0)), mpmath.diff(f, point, (0, 1))]
    second = [mpmath.diff(f, point, order) for order in ((2, 0), (1, 1), (1, 1), (0, 2))]
    scale_d = _scale([*seen, *first, *second])
    for name, g, ref in zip("xw", grad(out, [x, w]), first, strict=True):
        tally.compare(f"reverse mode d/d{name}", g, ref, scale_d, source)
    for leaf, ref in zip((x, w), first, strict=True):
        tally.compare("forward mode", tangents([out], leaf).get(out, 0.0), ref, scale_d, source)
    firsts = grad(out, [x, w], create_graph=True)
    hessian = [h for g in firsts for h in grad(g, [x, w])]
    for h, ref in zip(hessian, second, strict=True):
        tally.compare("second derivative (create_graph)", h, ref, scale_d, source)
    tally.rows |= _graph_ops([out, *firsts])
    graph = service.graph_for(program)
    by_name = {n["name"]: n for n in graph["nodes"] if n["op"] == "leaf"}
    for name, ref in zip("xw", first, strict=True):
        if name in by_name:  # a leaf the output does not use is not in its graph
            tally.compare("JSON leaf gradient", by_name[name]["grad"], ref, scale_d, source)
    check_edges(graph, tally, source, np.random.default_rng(seed))


# --- array programs ---------------------------------------------------------------------------------

SHAPES = {"A": (2, 3), "B": (3, 2), "v": (3,), "s": ()}


def _literal(value: Any) -> str:
    return repr(float(value)) if np.ndim(value) == 0 else "[" + ", ".join(_literal(v) for v in value) + "]"


def run_array(seed: int, tally: Tally) -> None:
    rng = random.Random(10_000 + seed)
    nrng = np.random.default_rng(10_000 + seed)
    root = ARRAY_ROOTS[(seed // ARRAY_CHUNKS) % len(ARRAY_ROOTS)]
    while True:
        tree = array_tree(rng, rng.choice([(2, 3), (3, 2), (2, 2), (3,)]), 3, root)
        tree = (rng.choice(["sum", "mean"]), tree)
        leaves = {
            n: nrng.choice([-1, 1], size=s) * nrng.uniform(0.3, 1.5, size=s) for n, s in SHAPES.items()
        }
        leaves["s"] = float(leaves["s"])
        env = {n: _mpf_array(v.tolist() if n != "s" else v) for n, v in leaves.items()}
        seen: list[Any] = []
        try:
            value = evaluate(tree, env, seen)
        except Reject:
            tally.rejected += 1
            continue
        break
    source = "\n".join(f"{n} = {_literal(v)}" for n, v in leaves.items()) + f"\ny = {source_of(tree)}"
    program = service.build(source)
    out = program.output
    used = [n for n in SHAPES if n in leaves_of(tree)]
    nodes = [program.leaves[n] for n in used]
    direction = {n: nrng.uniform(-1.0, 1.0, size=SHAPES[n]) for n in used}
    direction_mp = {n: _mpf_array(d.tolist() if SHAPES[n] else float(d)) for n, d in direction.items()}
    tally.programs += 1
    tally.compare("value (array program)", out.value, value, _scale([value, *seen]), source)

    def along(t: Any) -> Any:
        moved = dict(env)
        for n in used:
            moved[n] = env[n] + t * direction_mp[n]
        return evaluate(tree, moved)

    first, second = mpmath.diff(along, 0), mpmath.diff(along, 0, 2)
    scale = _scale([*seen, first, second])
    grads = grad(out, nodes)
    reverse = sum(float(np.sum(g * direction[n])) for n, g in zip(used, grads, strict=True))
    tally.compare("reverse mode ⟨∇f, U⟩", reverse, first, scale, source)
    forward = sum(
        float(tangents([out], node, seed=direction[n]).get(out, 0.0))
        for n, node in zip(used, nodes, strict=True)
    )
    tally.compare("forward mode along U", forward, first, scale, source)
    firsts = grad(out, nodes, create_graph=True)
    along_u = None
    for n, g in zip(used, firsts, strict=True):
        term = total(g * Const(direction[n]))
        along_u = term if along_u is None else along_u + term
    assert along_u is not None
    hv = grad(along_u, nodes)
    curvature = sum(float(np.sum(h * direction[n])) for n, h in zip(used, hv, strict=True))
    tally.compare("second derivative Uᵀ·H·U (create_graph)", curvature, second, scale, source)
    tally.rows |= _graph_ops([out, along_u])
    check_edges(service.graph_for(program), tally, source, nrng)


# --- the tests ----------------------------------------------------------------------------------------

ARRAY_ROWS = {*ARRAY_ROOTS, "sum_to", "broadcast_to"}


def run_chunk(kind: str, chunk: int) -> Tally:
    tally = Tally()
    count, chunks, run = (
        (SCALAR_PROGRAMS, SCALAR_CHUNKS, run_scalar)
        if kind == "scalar"
        else (ARRAY_PROGRAMS, ARRAY_CHUNKS, run_array)
    )
    with mpmath.workdps(DIGITS), np.errstate(all="ignore"):
        for seed in range(chunk, count, chunks):
            run(seed, tally)
    return tally


def test_the_rows_reached_are_the_whole_table() -> None:
    assert set(SCALAR_ROOTS) | ARRAY_ROWS == set(PRIMITIVES)


CHUNKS = [("scalar", k) for k in range(SCALAR_CHUNKS)] + [("array", k) for k in range(ARRAY_CHUNKS)]


@pytest.mark.parametrize(("kind", "chunk"), CHUNKS)
def test_the_engine_agrees_with_mpmath(kind: str, chunk: int) -> None:
    tally = run_chunk(kind, chunk)
    per_chunk = SCALAR_PROGRAMS // SCALAR_CHUNKS if kind == "scalar" else ARRAY_PROGRAMS // ARRAY_CHUNKS
    assert tally.programs == per_chunk
    assert tally.mismatches == []
    designed = set(SCALAR_ROOTS) if kind == "scalar" else ARRAY_ROWS
    assert designed <= tally.rows, sorted(designed - tally.rows)


def main() -> int:
    import time

    start = time.perf_counter()
    tallies = [run_chunk(kind, k) for kind, k in CHUNKS]
    compared: Counter[str] = Counter()
    for t in tallies:
        compared.update(t.compared)
    mismatches = [m for t in tallies for m in t.mismatches]
    rows = set().union(*(t.rows for t in tallies))
    programs = sum(t.programs for t in tallies)
    rejected = sum(t.rejected for t in tallies)
    print(f"programs: {programs:,} ({SCALAR_PROGRAMS:,} scalar, {ARRAY_PROGRAMS:,} array; "
          f"{rejected:,} draws rejected near kinks or poles)")
    print(f"rows reached: {len(rows & set(PRIMITIVES))} of {len(PRIMITIVES)}")
    for what, n in sorted(compared.items()):
        print(f"  {n:7,}  {what}")
    print(f"quantities compared: {sum(compared.values()):,}; mismatches: {len(mismatches)}")
    for m in mismatches[:20]:
        print("  ", m)
    print(f"{time.perf_counter() - start:.1f} s")
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
