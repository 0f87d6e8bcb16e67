"""Benchmarks of the autodiff core, each beside its reference (run: `make bench`)."""

from __future__ import annotations

import gc
import itertools
import math
import random
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np

import bare_chain
from pathgrad import (
    Const,
    Var,
    count_paths,
    exp,
    grad,
    gradients,
    inv,
    mean,
    paths,
    sigmoid,
    sin,
    square,
    tune_gc,
)
from pathgrad.engine import Node

Row = tuple[str, str, str, str]


def best_of(repeats: int, fn: Callable[[], Any]) -> float:
    """The fastest of several runs, in seconds (the least disturbed by the rest of the machine)."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def chain_times(engine: Any = None, layers: int = 5_000, runs: int = 7) -> tuple[list[float], float, float]:
    """Seconds for forward+backward through ``layers`` of the seed's composed sigmoid, one per run,
    and the median forward and backward times. ``engine`` is pathgrad, or the bare reference."""
    make_leaf, exp_, inv_, backward = (
        (Var, exp, inv, gradients) if engine is None
        else (engine.leaf, engine.exp, engine.inv, engine.gradients)
    )
    forward_times, backward_times = [], []
    for _ in range(runs):
        x = make_leaf(0.5)
        start = time.perf_counter()
        h = x
        for _ in range(layers):
            h = inv_(1.0 + exp_(-h))
        middle = time.perf_counter()
        backward(h)
        end = time.perf_counter()
        forward_times.append(middle - start)
        backward_times.append(end - middle)
        del h, x
    totals = [f + b for f, b in zip(forward_times, backward_times, strict=True)]
    return totals, statistics.median(forward_times), statistics.median(backward_times)


def sigmoid_chain() -> list[Row]:
    """Forward and backward through 5,000 layers of the seed's composed sigmoid: 20,000 ops.

    Measured with CPython's default collector settings, then with pathgrad.tune_gc() (what the
    server runs with; the collector is put back afterwards). The reference is the bare minimum a
    Python scalar engine does per operation (benchmarks/bare_chain.py), in the same run and settings.
    """
    per_op = 1e6 / 20_000

    def cell(totals: list[float]) -> str:
        return f"median {statistics.median(totals) * per_op:.2f} µs, best {min(totals) * per_op:.2f} µs"

    totals, forward, backward = chain_times()
    bare, _, _ = chain_times(bare_chain)
    previous = tune_gc()
    try:
        tuned, _, _ = chain_times()
        tuned_bare, _, _ = chain_times(bare_chain)
    finally:
        gc.unfreeze()
        gc.set_threshold(*previous)
    return [
        ("sigmoid chain, forward+backward per op (7 runs), CPython's default GC", cell(totals),
         "≤ 0.5 µs", f"bare-Python floor {cell(bare)}; micrograd ≈ 2 µs (issue)"),
        ("sigmoid chain, same, with pathgrad.tune_gc() as the server runs", cell(tuned), "≤ 0.5 µs",
         f"bare-Python floor {cell(tuned_bare)}"),
        ("sigmoid chain, backward / forward (default GC, medians)", f"{backward / forward:.2f}", "≤ 1.5", ""),
    ]


def xor_steps(steps: int = 1_000, seed: int = 0) -> float:
    """The seed's XOR 2-2-1 sigmoid net, four samples, plain SGD at rate 0.1; returns the last loss."""
    rng = random.Random(seed)
    params = [Var(rng.gauss(0.0, 1.0), kind="param") for _ in range(9)]
    samples = [((0.0, 0.0), 0.0), ((0.0, 1.0), 1.0), ((1.0, 0.0), 1.0), ((1.0, 1.0), 0.0)]
    loss_value = math.nan
    for _ in range(steps):
        w1, w2, w3, w4, w5, w6, b1, b2, b3 = params
        loss: Node | float = 0.0
        for (x1, x2), target in samples:
            h1 = sigmoid(w1 * x1 + w2 * x2 + b1)
            h2 = sigmoid(w3 * x1 + w4 * x2 + b2)
            y = sigmoid(w5 * h1 + w6 * h2 + b3)
            loss = square(y - target) + loss
        assert isinstance(loss, Node)
        grads = grad(loss, params)
        params = [Var(p.value - 0.1 * g, kind="param") for p, g in zip(params, grads, strict=True)]
        loss_value = loss.value
    return loss_value


def mlp(sizes: list[int], batch: int, dtype: type, repeats: int) -> Row:
    """One SGD step of a sigmoid MLP with a mean-squared loss, engine vs hand-written numpy."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((batch, sizes[0])).astype(dtype)
    T = rng.standard_normal((batch, sizes[-1])).astype(dtype)
    weights = [
        (rng.standard_normal((m, n)) / math.sqrt(m)).astype(dtype) for m, n in itertools.pairwise(sizes)
    ]
    biases = [np.zeros(n, dtype=dtype) for n in sizes[1:]]
    lr = dtype(0.1)

    def engine_step() -> None:
        Ws = [Var(w, kind="param") for w in weights]
        bs = [Var(b, kind="param") for b in biases]
        h = Const(X)
        for k, (W, b) in enumerate(zip(Ws, bs, strict=True)):
            z = h @ W + b
            h = sigmoid(z) if k < len(Ws) - 1 else z
        loss = mean(square(h - T))
        grads = grad(loss, [*Ws, *bs])
        for param, g in zip([*Ws, *bs], grads, strict=True):
            param.value = param.value - lr * g

    def numpy_step() -> None:
        activations = [X]
        h = X
        for k, (W, b) in enumerate(zip(weights, biases, strict=True)):
            z = h @ W + b
            h = 1.0 / (1.0 + np.exp(-z)) if k < len(weights) - 1 else z
            activations.append(h)
        diff = h - T
        g = (2.0 / diff.size) * diff
        new_w, new_b = [], []
        for k in range(len(weights) - 1, -1, -1):
            a_in = activations[k]
            grad_w = a_in.T @ g
            grad_b = g.sum(axis=0)
            if k:
                g = (g @ weights[k].T) * a_in * (1.0 - a_in)
            new_w.append(weights[k] - lr * grad_w)
            new_b.append(biases[k] - lr * grad_b)

    engine_step(), numpy_step()  # warm up
    engine = best_of(repeats, engine_step)
    reference = best_of(repeats, numpy_step)
    name = "-".join(map(str, sizes))
    goal = "≤ 1.10×" if sizes[0] > 100 else "≤ 2.0×"
    return (f"MLP {name}, batch {batch}, {np.dtype(dtype).name}: one SGD step",
            f"{engine * 1e3:.3f} ms ({engine / reference:.2f}×)", goal,
            f"hand-written numpy {reference * 1e3:.3f} ms (this run)")


def random_dag(n: int, seed: int = 0) -> tuple[Node, Node]:
    """A random scalar DAG of n engine nodes and its one input.

    Each step records sin(a·b) or sin(a+b) (two nodes; sin keeps every value in [−1, 1], so no
    factor overflows) from a recent node a and a node b drawn uniformly from all earlier ones.
    """
    rng = random.Random(seed)
    x = Var(0.7, name="x")
    nodes: list[Node] = [x]
    for _ in range((n - 1) // 2):
        a = nodes[-1 - min(int(rng.expovariate(0.3)), len(nodes) - 1)]
        b = nodes[rng.randrange(len(nodes))]
        nodes.append(sin(a * b) if rng.random() < 0.5 else sin(a + b))
    return nodes[-1], x


def path_figures() -> list[Row]:
    y, x = random_dag(100_000)
    count = 0

    def do_count() -> None:
        nonlocal count
        count = count_paths(y, x)

    counting = best_of(3, do_count)
    listing = best_of(3, lambda: paths(y, x, limit=100))
    digits = len(str(count))
    longest = max(len(p.nodes) for p in paths(y, x, limit=100).paths)
    return [
        (f"exact path count, 100,000-node random DAG ({digits}-digit count)", f"{counting:.3f} s",
         "≤ 0.25 s", "the seed's walk visits every path: infeasible"),
        (f"top-100 paths by |product|, same DAG (paths up to {longest} nodes)", f"{listing:.3f} s",
         "≤ 0.5 s", ""),
    ]


def core_rows() -> list[Row]:
    rows = sigmoid_chain()
    xor = best_of(5, xor_steps)
    rows.append(("XOR 2-2-1, 1,000 SGD steps on 4 samples", f"{xor:.3f} s", "≤ 0.05 s",
                 "micrograd ≈ 0.37 s (issue)"))
    rows.append(mlp([784, 256, 10], 256, np.float32, 20))
    rows.append(mlp([784, 256, 10], 256, np.float64, 20))
    rows.append(mlp([2, 16, 16, 1], 64, np.float64, 2000))
    rows.extend(path_figures())
    return rows
