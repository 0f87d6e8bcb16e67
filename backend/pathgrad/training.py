"""Gradient-descent training of a program's parameters, step by step, as a stream of records.

The graph is recorded once; each step sets the parameters, recomputes the graph in place and runs
reverse mode, so thousands of steps cost no parsing and no new nodes. Deterministic: the same
program and settings give the same run every time.
"""

from __future__ import annotations

import math
import time
from collections.abc import Generator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from pathgrad.defaults import LEARNING_RATE
from pathgrad.engine import Node, gradients, recompute, topological_order


@dataclass(frozen=True)
class OptimizerSettings:
    """SGD (``lr``), momentum (``lr``, ``momentum``) or Adam (``lr``, ``beta1``, ``beta2``, ``eps``)."""

    kind: str = "sgd"
    lr: float = LEARNING_RATE
    momentum: float = 0.9
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8

    def __post_init__(self) -> None:
        if self.kind not in ("sgd", "momentum", "adam"):
            raise ValueError(f"unknown optimizer {self.kind!r}: use sgd, momentum or adam")


class Optimizer:
    """Updates parameter values from their gradients; keeps its state (velocity, moments)."""

    def __init__(self, settings: OptimizerSettings, params: Sequence[Node]) -> None:
        self.settings = settings
        self.params = list(params)
        self.velocity = [_zeros(p.value) for p in self.params]
        self.second = [_zeros(p.value) for p in self.params]
        self.t = 0

    def step(self, grads: Sequence[Any]) -> None:
        s = self.settings
        self.t += 1
        for i, (param, g) in enumerate(zip(self.params, grads, strict=True)):
            if s.kind == "sgd":
                update = s.lr * g
            elif s.kind == "momentum":
                self.velocity[i] = s.momentum * self.velocity[i] + g
                update = s.lr * self.velocity[i]
            else:
                self.velocity[i] = s.beta1 * self.velocity[i] + (1 - s.beta1) * g
                self.second[i] = s.beta2 * self.second[i] + (1 - s.beta2) * g * g
                m_hat = self.velocity[i] / (1 - s.beta1**self.t)
                v_hat = self.second[i] / (1 - s.beta2**self.t)
                update = s.lr * m_hat / (np.sqrt(v_hat) + s.eps)
            value = param.value - update
            param.value = float(value) if type(param.value) is float else value


def _zeros(value: Any) -> Any:
    return 0.0 if type(value) is float else np.zeros_like(value)


@dataclass
class StepRecord:
    """What one sampled step looked like: before its update, so step 0 is the initial state."""

    step: int
    loss: float
    params: dict[str, Any]
    grads: dict[str, Any]
    layer_grad: list[float]  # mean |gradient| of each layer's parameters
    dead_relu: int
    elapsed: float


@dataclass
class TrainingRun:
    """A training run over a built graph. Iterate :meth:`records` to drive it."""

    loss: Node
    params: dict[str, Node]
    optimizer: OptimizerSettings
    steps: int
    sample_every: int = 1
    layers: list[list[str]] = field(default_factory=list)
    max_seconds: float = math.inf
    stopped: str | None = None  # why the run ended early, if it did

    def __post_init__(self) -> None:
        if type(self.loss.value) is not float:
            raise ValueError("the loss must be a number; reduce an array loss with sum() or mean()")
        if not self.params:
            raise ValueError("there are no parameters to train")
        if not self.layers:
            self.layers = [[name] for name in self.params]

    def records(self) -> Generator[StepRecord, None, None]:
        """Train, yielding a record every ``sample_every`` steps, at step 0 and at the last step."""
        order = topological_order([self.loss])
        relus = [n for n in order if n.op == "relu"]
        names = list(self.params)
        nodes = [self.params[n] for n in names]
        optimizer = Optimizer(self.optimizer, nodes)
        start = time.perf_counter()
        for step in range(self.steps + 1):
            adjoints = gradients(self.loss, order=order, retain=nodes)
            grads = [adjoints[p] if p in adjoints else _zeros(p.value) for p in nodes]
            last = step == self.steps
            elapsed = time.perf_counter() - start
            out_of_time = elapsed > self.max_seconds
            if step % self.sample_every == 0 or last or out_of_time:
                yield self._record(step, names, nodes, grads, relus, elapsed)
            if not math.isfinite(self.loss.value):
                self.stopped = "the loss is no longer finite (try a smaller learning rate)"
                return
            if out_of_time:
                self.stopped = f"stopped after {self.max_seconds:g} s (max_train_seconds)"
                return
            if last:
                return
            optimizer.step(grads)
            recompute(order)

    def _record(
        self,
        step: int,
        names: list[str],
        nodes: list[Node],
        grads: list[Any],
        relus: list[Node],
        elapsed: float,
    ) -> StepRecord:
        by_name = dict(zip(names, grads, strict=True))
        layer_grad = []
        for layer in self.layers:
            magnitudes = [np.abs(np.asarray(by_name[n], dtype=np.float64)).ravel() for n in layer]
            layer_grad.append(float(np.mean(np.concatenate(magnitudes))) if magnitudes else 0.0)
        return StepRecord(
            step=step,
            loss=float(self.loss.value),
            params={n: _copy(p.value) for n, p in zip(names, nodes, strict=True)},
            grads={n: _copy(g) for n, g in by_name.items()},
            layer_grad=layer_grad,
            dead_relu=sum(dead_units(r) for r in relus),
            elapsed=elapsed,
        )


def _copy(value: Any) -> Any:
    return value if type(value) is float else np.array(value, copy=True)


def dead_units(relu: Node) -> int:
    """How many units of a ReLU node get no gradient: pre-activation ≤ 0 (for every sample)."""
    pre = relu.parents[0].value
    if type(pre) is float:
        return int(pre <= 0.0)
    pre = np.asarray(pre)
    if pre.ndim <= 1:
        return int(np.sum(pre <= 0.0))
    return int(np.sum(np.all(pre <= 0.0, axis=0)))
