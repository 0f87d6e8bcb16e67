"""Training: optimizers, determinism, the seed's XOR figures, early stops."""

from __future__ import annotations

import numpy as np
import pytest

from pathgrad import Var, gradients, recompute, topological_order
from pathgrad.presets import PRESETS
from pathgrad.service import build
from pathgrad.training import OptimizerSettings, StepRecord, TrainingRun


def run(name: str, steps: int | None = None, every: int = 1000, seed: int | None = None,
        optimizer: OptimizerSettings | None = None) -> tuple[list[StepRecord], dict]:
    preset = PRESETS[name]
    built = build(preset.source(seed))
    params = {n: leaf for n, leaf in built.leaves.items() if leaf.kind == "param"}
    training = TrainingRun(
        built.names[preset.loss],
        params,
        optimizer or OptimizerSettings(lr=preset.training.learning_rate),
        steps if steps is not None else preset.training.steps,
        every,
        [list(layer) for layer in preset.layers],
    )
    return list(training.records()), built.names


def test_recompute_in_place_matches_a_fresh_build() -> None:
    x, w = Var(0.3), Var(-1.2)
    y = (w * x).__rtruediv__(1.0) + (w * x) ** 2.0
    order = topological_order([y])
    w.value = 0.7
    recompute(order)
    fresh_w = Var(0.7)
    fresh = (fresh_w * x).__rtruediv__(1.0) + (fresh_w * x) ** 2.0
    assert y.value == fresh.value
    assert gradients(y)[w] == gradients(fresh)[fresh_w]


def test_records_start_at_step_zero_and_end_at_the_last_step() -> None:
    records, _ = run("neuron", steps=10, every=4)
    assert [r.step for r in records] == [0, 4, 8, 10]
    assert records[0].loss == 0.25
    assert records[0].grads == {"w": -0.25, "b": -0.25}


def test_neuron_learns_towards_its_target() -> None:
    records, names = run("neuron")
    assert records[-1].loss < records[0].loss / 10
    assert names["y"].value > 0.9


@pytest.mark.parametrize("kind", ["sgd", "momentum", "adam"])
def test_every_optimizer_lowers_the_xor_loss(kind: str) -> None:
    records, _ = run("xor", steps=300, every=300, optimizer=OptimizerSettings(kind=kind, lr=0.1))
    assert records[-1].loss < records[0].loss


def test_unknown_optimizer_is_refused() -> None:
    with pytest.raises(ValueError, match="rmsprop"):
        OptimizerSettings(kind="rmsprop")


def test_the_same_seed_gives_the_same_run() -> None:
    first, _ = run("xor", steps=200, every=50, seed=4)
    second, _ = run("xor", steps=200, every=50, seed=4)
    assert [r.loss for r in first] == [r.loss for r in second]
    other, _ = run("xor", steps=200, every=50, seed=5)
    assert [r.loss for r in other] != [r.loss for r in first]


def test_xor_with_the_default_seed_learns_xor() -> None:
    records, names = run("xor")
    assert records[-1].loss < 0.01
    assert names["f00"].value < 0.1 and names["f11"].value < 0.1
    assert names["f01"].value > 0.9 and names["f10"].value > 0.9


def test_some_seeds_stall_in_the_local_minimum_near_half() -> None:
    records, _ = run("xor", seed=0)
    assert 0.45 < records[-1].loss < 0.55


def test_xor_batched_gives_the_same_loss_curve_as_xor() -> None:
    scalar, _ = run("xor", every=100)
    batched, _ = run("xor-batched", every=100)
    assert len(scalar) == len(batched) == 301
    np.testing.assert_allclose([r.loss for r in batched], [r.loss for r in scalar], rtol=0, atol=1e-9)


def test_layer_gradients_and_dead_relu_units_are_reported() -> None:
    records, _ = run("relu-chain", steps=5, every=1, seed=0)
    first = records[0]
    assert len(first.layer_grad) == 10
    assert first.dead_relu >= 1
    sigmoid, _ = run("sigmoid-chain", steps=1, every=1)
    assert sigmoid[0].layer_grad[0] < sigmoid[0].layer_grad[-1]
    assert sigmoid[0].dead_relu == 0


def test_a_diverging_run_stops_with_a_reason() -> None:
    built = build("x = 1; w = 1\nC = (w*x - 3)^2")
    training = TrainingRun(built.output, {"w": built.leaves["w"]}, OptimizerSettings(lr=1e6), 50, 1)
    records = list(training.records())
    assert len(records) < 51
    assert training.stopped is not None and "finite" in training.stopped


def test_wall_time_is_bounded() -> None:
    built = build(PRESETS["xor"].source())
    params = {n: leaf for n, leaf in built.leaves.items() if leaf.kind == "param"}
    training = TrainingRun(built.output, params, OptimizerSettings(), 10**9, 10**6, max_seconds=0.2)
    records = list(training.records())
    assert training.stopped is not None and "max_train_seconds" in training.stopped
    assert records[-1].step < 10**9  # stopped by its clock, long before its steps were done


def test_a_loss_must_be_a_number() -> None:
    built = build("x = [1, 2]; w = 2\ny = w*x")
    with pytest.raises(ValueError, match="sum"):
        TrainingRun(built.output, {"w": built.leaves["w"]}, OptimizerSettings(), 1)
