"""Training speed: the seed's XOR on arrays, engine vs hand-written numpy, in one run."""

from __future__ import annotations

import time

import numpy as np

from pathgrad.presets import PRESETS
from pathgrad.service import build
from pathgrad.training import OptimizerSettings, TrainingRun

STEPS = 30_000
SEED = PRESETS["xor-batched"].default_seed


def engine_xor(name: str) -> tuple[float, float]:
    """(seconds, final loss) of 30,000 SGD steps at 0.1 through the engine's training loop."""
    preset = PRESETS[name]
    program = build(preset.source(SEED))
    params = {n: leaf for n, leaf in program.leaves.items() if leaf.kind == "param"}
    run = TrainingRun(program.output, params, OptimizerSettings(lr=0.1), STEPS, STEPS)
    start = time.perf_counter()
    records = list(run.records())
    return time.perf_counter() - start, records[-1].loss


def numpy_xor() -> tuple[float, float]:
    """The same network, forward and backward written by hand with numpy."""
    w1, w2, w3, w4, w5, w6, b1, b2, b3 = np.random.default_rng(SEED).standard_normal(9)
    W1 = np.array([[w1, w3], [w2, w4]])
    B1 = np.array([b1, b2])
    W2 = np.array([[w5], [w6]])
    B2 = np.array([b3])
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    T = np.array([[0], [1], [1], [0]], dtype=float)
    loss = 0.0
    start = time.perf_counter()
    for _ in range(STEPS + 1):
        H = 1.0 / (1.0 + np.exp(-(X @ W1 + B1)))
        F = 1.0 / (1.0 + np.exp(-(H @ W2 + B2)))
        D = F - T
        loss = float((D * D).sum())
        g = 2.0 * D * F * (1.0 - F)
        gH = (g @ W2.T) * H * (1.0 - H)
        W2 -= 0.1 * (H.T @ g)
        B2 -= 0.1 * g.sum(axis=0)
        W1 -= 0.1 * (X.T @ gH)
        B1 -= 0.1 * gH.sum(axis=0)
    return time.perf_counter() - start, loss


def training_rows() -> list[tuple[str, str, str, str]]:
    batched, batched_loss = engine_xor("xor-batched")
    scalar, scalar_loss = engine_xor("xor")
    reference, reference_loss = numpy_xor()
    return [
        (f"xor-batched, {STEPS:,} SGD steps (seed {SEED}, final loss {batched_loss:.5f})",
         f"{batched:.2f} s", "≤ 2 s", f"hand-written numpy {reference:.2f} s, loss {reference_loss:.5f}"),
        (f"xor (scalar graph), {STEPS:,} SGD steps (final loss {scalar_loss:.5f})",
         f"{scalar:.2f} s", "", "same loss curve as xor-batched"),
    ]


if __name__ == "__main__":
    for row in training_rows():
        print("  ".join(row))
