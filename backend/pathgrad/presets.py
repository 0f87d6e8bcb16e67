"""The seed's experiments as presets: each one a program in the expression language.

Every preset is generated from a random seed (weights drawn from a standard normal with numpy's
``default_rng(seed)``), so "same seed, same program, same run" holds, and a user can open any preset
as an editable program. Nothing here is a hard-coded result: the numbers come from the engine.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from pathgrad.defaults import LEARNING_RATE, TRAIN_STEPS

XOR_SAMPLES = (((0, 0), 0), ((0, 1), 1), ((1, 0), 1), ((1, 1), 0))


@dataclass(frozen=True)
class TrainingDefaults:
    """How the seed trained this experiment."""

    optimizer: str = "sgd"
    learning_rate: float = LEARNING_RATE
    steps: int = TRAIN_STEPS


@dataclass(frozen=True)
class Preset:
    """One experiment: its program, what to look at, and how to train it."""

    name: str
    title: str
    description: str  # what to look at
    make_source: Callable[[int], str]
    default_seed: int = 0
    view_output: str | None = None  # the statement the page differentiates first (None: the last)
    view_input: str | None = None  # the leaf the paths panel starts with
    loss: str = "C"
    layers: tuple[tuple[str, ...], ...] = ()  # parameter names per layer, input side first
    training: TrainingDefaults = field(default_factory=TrainingDefaults)
    view: str = "values"  # the page's first view of it: "operations" or "values" (one node per statement)

    def source(self, seed: int | None = None) -> str:
        """The program text for ``seed`` (default: the preset's documented seed)."""
        return self.make_source(self.default_seed if seed is None else seed)

    def describe(self, seed: int | None = None) -> dict[str, Any]:
        """The preset as JSON-ready data (``/api/presets``), its program generated with ``seed``."""
        used = self.default_seed if seed is None else seed
        return {
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "default_seed": self.default_seed,
            "seed": used,
            "source": self.source(used),
            "view_output": self.view_output,
            "view_input": self.view_input,
            "view": self.view,
            "loss": self.loss,
            "layers": [list(layer) for layer in self.layers],
            "training": {
                "optimizer": self.training.optimizer,
                "learning_rate": self.training.learning_rate,
                "steps": self.training.steps,
            },
        }


def _normal(seed: int, count: int) -> list[float]:
    return [float(v) for v in np.random.default_rng(seed).standard_normal(count)]


def _num(value: float) -> str:
    return repr(float(value))


def _neuron(seed: int) -> str:
    return (
        "# One sigmoid neuron (the seed's first experiment). At the start dy/dw = dy/db = 0.25.\n"
        "x = 1; w = 0; b = 0; Y = 1\n"
        "y = sigmoid(w*x + b)\n"
        "C = (y - Y)^2\n"
    )


def _xor_lines(params: list[float], samples: tuple[tuple[tuple[int, int], int], ...]) -> str:
    names = ["w1", "w2", "w3", "w4", "w5", "w6", "b1", "b2", "b3"]
    lines = ["; ".join(f"{n} = {_num(v)}" for n, v in zip(names[:6], params[:6], strict=True))]
    lines.append("; ".join(f"{n} = {_num(v)}" for n, v in zip(names[6:], params[6:], strict=True)))
    terms = []
    for (x1, x2), target in samples:
        tag = f"{x1}{x2}"
        lines.append(f"h1_{tag} = sigmoid(w1*{x1} + w2*{x2} + b1)")
        lines.append(f"h2_{tag} = sigmoid(w3*{x1} + w4*{x2} + b2)")
        lines.append(f"f{tag} = sigmoid(w5*h1_{tag} + w6*h2_{tag} + b3)")
        terms.append(f"(f{tag} - {target})^2")
    lines.append("C = " + " + ".join(terms))
    return "\n".join(lines) + "\n"


def _xor_one_sample(seed: int) -> str:
    return (
        "# XOR network, all 9 parameters zero, trained on the single sample (1, 0) -> 1.\n"
        + _xor_lines([0.0] * 9, (((1, 0), 1),))
    )


def _xor(seed: int) -> str:
    return (
        f"# XOR 2-2-1 sigmoid network on its four samples; parameters ~ N(0, 1) with seed {seed}.\n"
        + _xor_lines(_normal(seed, 9), XOR_SAMPLES)
    )


def _xor_batched(seed: int) -> str:
    w1, w2, w3, w4, w5, w6, b1, b2, b3 = (_num(v) for v in _normal(seed, 9))
    return (
        f"# The same XOR network on arrays: all four samples at once (seed {seed}).\n"
        "X = [[0, 0], [0, 1], [1, 0], [1, 1]]\n"
        "T = [[0], [1], [1], [0]]\n"
        f"W1 = [[{w1}, {w3}], [{w2}, {w4}]]\n"
        f"b1 = [{b1}, {b2}]\n"
        f"W2 = [[{w5}], [{w6}]]\n"
        f"b2 = [{b3}]\n"
        "H = sigmoid(X @ W1 + b1)\n"
        "F = sigmoid(H @ W2 + b2)\n"
        "C = sum((F - T)^2)\n"
    )


CHAIN_LAYERS = 10


def _chain(activation: str) -> Callable[[int], str]:
    def make(seed: int) -> str:
        weights = _normal(seed, CHAIN_LAYERS)
        lines = [
            f"# A chain of one-unit {activation} layers from x = 1 to y; target Y = 3 (seed {seed}).",
            "# The first weight is used twice (as in the seed), so w1 has two paths.",
            "x = 1; Y = 3",
            "; ".join(f"w{i + 1} = {_num(w)}" for i, w in enumerate(weights[:5])),
            "; ".join(f"w{i + 6} = {_num(w)}" for i, w in enumerate(weights[5:])),
            f"h1 = {activation}(w1*x)",
        ]
        for i in range(1, CHAIN_LAYERS + 1):
            lines.append(f"h{i + 1} = {activation}(w{i}*h{i})")
        lines.append(f"y = h{CHAIN_LAYERS + 1}")
        lines.append("C = (y - Y)^2")
        return "\n".join(lines) + "\n"

    return make


def _leaky_wide(seed: int) -> str:
    values = iter(_normal(seed, 3 + 3 + 9 + 3 + 3 + 1))
    lines = [
        f"# Two hidden layers of three leaky-ReLU units (slope 0.01), seed {seed}.",
        "# Unlike ReLU, no gradient here is exactly zero: a negative input still passes 0.01.",
        "x = 1; Y = 3",
    ]
    lines.append("; ".join(f"w1_{j} = {_num(next(values))}" for j in range(1, 4)))
    lines.append("; ".join(f"b1_{j} = {_num(next(values))}" for j in range(1, 4)))
    lines.append("; ".join(f"w2_{i}{j} = {_num(next(values))}" for i in range(1, 4) for j in range(1, 4)))
    lines.append("; ".join(f"b2_{j} = {_num(next(values))}" for j in range(1, 4)))
    lines.append("; ".join(f"w3_{j} = {_num(next(values))}" for j in range(1, 4)))
    lines.append(f"b3 = {_num(next(values))}")
    for j in range(1, 4):
        lines.append(f"h1_{j} = leaky_relu(w1_{j}*x + b1_{j}, 0.01)")
    for j in range(1, 4):
        total = " + ".join(f"w2_{i}{j}*h1_{i}" for i in range(1, 4))
        lines.append(f"h2_{j} = leaky_relu({total} + b2_{j}, 0.01)")
    lines.append("y = " + " + ".join(f"w3_{j}*h2_{j}" for j in range(1, 4)) + " + b3")
    lines.append("C = (y - Y)^2")
    return "\n".join(lines) + "\n"


_CHAIN_LAYER_NAMES = tuple((f"w{i}",) for i in range(1, CHAIN_LAYERS + 1))

_CHAIN_HINT = (
    "Compare |dC/dw| from the output back to w1: each layer multiplies the gradient by the "
    "activation's slope times the weight."
)

PRESETS: dict[str, Preset] = {
    p.name: p
    for p in [
        Preset(
            "neuron",
            "One neuron",
            "y = sigmoid(w·x + b) at x = 1, w = b = 0: dy/dw = dy/db = σ'(0) = 0.25. "
            "Train it: y climbs towards the target 1.",
            _neuron,
            view_output="y",
            view_input="w",
            layers=(("w", "b"),),
            view="operations",
        ),
        Preset(
            "xor-one-sample",
            "XOR, one sample",
            "The 2-2-1 network with every parameter 0, trained on (1, 0) → 1 only. "
            "With equal weights both hidden units get the same gradient: they stay identical.",
            _xor_one_sample,
            view_input="w1",
            layers=(("w1", "w2", "w3", "w4", "b1", "b2"), ("w5", "w6", "b3")),
        ),
        Preset(
            "xor",
            "XOR, four samples",
            "Nine parameters w1..w6, b1..b3 drawn from N(0, 1). With the default seed 30,000 steps of "
            "SGD at 0.1 learn XOR (loss < 0.01); about one seed in five stalls near loss 0.5, "
            "a local minimum — try seeds 0, 1 and 2.",
            _xor,
            default_seed=3,
            view_input="w1",
            layers=(("w1", "w2", "w3", "w4", "b1", "b2"), ("w5", "w6", "b3")),
            training=TrainingDefaults(steps=30_000),
        ),
        Preset(
            "xor-batched",
            "XOR on arrays",
            "The same network with the four samples as one array (the seed author's wish): the "
            "same loss curve as the scalar version, with a graph a tenth of the size.",
            _xor_batched,
            default_seed=3,
            view_input=None,  # path listing is for scalar graphs
            layers=(("W1", "b1"), ("W2", "b2")),
            training=TrainingDefaults(steps=30_000),
        ),
        Preset(
            "sigmoid-chain",
            "Vanishing gradient: sigmoid chain",
            "Eleven one-unit sigmoid layers, target Y = 3 out of reach. σ' ≤ 0.25, so |dC/dw| "
            "shrinks by orders of magnitude towards the input. " + _CHAIN_HINT,
            _chain("sigmoid"),
            view_input="w1",
            layers=_CHAIN_LAYER_NAMES,
        ),
        Preset(
            "relu-chain",
            "ReLU chain: dead units",
            "The same chain with ReLU. As soon as one unit's input is negative its slope is 0, and "
            "every gradient upstream of it is exactly 0 (a dead unit). Try other seeds.",
            _chain("relu"),
            view_input="w1",
            layers=_CHAIN_LAYER_NAMES,
        ),
        Preset(
            "leaky-relu-chain",
            "Leaky ReLU chain: no dead units",
            "The ReLU chain with the same weights and leaky ReLU (slope 0.01 below zero): a negative "
            "input passes 0.01 of the gradient instead of 0, so no gradient is exactly zero, but "
            "each such unit shrinks it a hundredfold.",
            _chain("leaky_relu"),
            view_input="w1",
            layers=_CHAIN_LAYER_NAMES,
        ),
        Preset(
            "leaky-relu-wide",
            "Leaky ReLU, two hidden layers",
            "Two hidden layers of three leaky-ReLU units, slope 0.01: negative inputs still pass "
            "a small gradient, so no parameter's gradient is exactly zero.",
            _leaky_wide,
            view_input="w1_1",
            layers=(
                ("w1_1", "w1_2", "w1_3", "b1_1", "b1_2", "b1_3"),
                (*(f"w2_{i}{j}" for i in range(1, 4) for j in range(1, 4)), "b2_1", "b2_2", "b2_3"),
                ("w3_1", "w3_2", "w3_3", "b3"),
            ),
        ),
        Preset(
            "tanh-chain",
            "tanh chain",
            "The chain with tanh: tanh' ≤ 1, so gradients fade far less than with sigmoid. "
            + _CHAIN_HINT,
            _chain("tanh"),
            view_input="w1",
            layers=_CHAIN_LAYER_NAMES,
        ),
    ]
}
"""Every preset by name, in the order the page lists them."""
