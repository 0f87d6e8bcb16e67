"""The seed's experiments as presets: each builds, and teaches what it should."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from pathgrad import count_paths, grad, gradients, numeric_gradient, topological_order
from pathgrad.language import Program
from pathgrad.presets import CHAIN_LAYERS, PRESETS
from pathgrad.primitives import PRIMITIVES
from pathgrad.service import build


def program(name: str, seed: int | None = None) -> Program:
    return build(PRESETS[name].source(seed))


@pytest.mark.parametrize("name", list(PRESETS))
@pytest.mark.parametrize("seed", [None, 1, 7])
def test_every_preset_builds_and_passes_the_finite_difference_check(name: str, seed: int | None) -> None:
    preset = PRESETS[name]
    built = program(name, seed)
    loss = built.names[preset.loss]
    assert loss is built.output
    params = [leaf for leaf in built.leaves.values() if leaf.kind == "param"]
    assert params
    assert {n for layer in preset.layers for n in layer} == {
        n for n, leaf in built.leaves.items() if leaf.kind == "param"
    }
    for param, analytic in zip(params, grad(loss, params), strict=True):
        numeric = numeric_gradient(loss, param)
        np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-7)
    if preset.view_output is not None:
        assert preset.view_output in built.names
    if preset.view_input is not None:
        assert preset.view_input in built.leaves


def test_the_same_seed_gives_the_same_program_and_another_seed_another() -> None:
    for name in PRESETS:
        assert PRESETS[name].source(5) == PRESETS[name].source(5)
    assert PRESETS["xor"].source(5) != PRESETS["xor"].source(6)


def test_neuron_starts_at_a_quarter() -> None:
    built = program("neuron")
    y = built.names["y"]
    assert grad(y, [built.leaves["w"], built.leaves["b"]]) == [0.25, 0.25]


def test_xor_has_nine_parameters_named_like_the_seed() -> None:
    built = program("xor")
    params = [n for n, leaf in built.leaves.items() if leaf.kind == "param"]
    assert params == ["w1", "w2", "w3", "w4", "w5", "w6", "b1", "b2", "b3"]


def test_xor_batched_is_the_same_network_on_arrays() -> None:
    scalar, batched = program("xor", 11), program("xor-batched", 11)
    assert scalar.output.value == pytest.approx(batched.output.value, rel=1e-12)
    ws = grad(scalar.output, [scalar.leaves[n] for n in ("w1", "w2", "w3", "w4")])
    (w1_batched,) = grad(batched.output, [batched.leaves["W1"]])
    np.testing.assert_allclose(w1_batched, [[ws[0], ws[2]], [ws[1], ws[3]]], rtol=1e-12)
    assert len(topological_order([batched.output])) < len(topological_order([scalar.output])) / 5


def chain_grads(name: str, seed: int | None = None) -> tuple[Program, list[float]]:
    built = program(name, seed)
    weights = [built.leaves[f"w{i}"] for i in range(1, CHAIN_LAYERS + 1)]
    return built, grad(built.output, weights)


@pytest.mark.parametrize("seed", [None, 1, 2, 3])
def test_sigmoid_chain_gradients_vanish_within_the_sigmoid_bound(seed: int | None) -> None:
    built, _ = chain_grads("sigmoid-chain", seed)
    assert count_paths(built.output, built.leaves["w1"]) == 2
    assert count_paths(built.output, built.leaves["w5"]) == 1
    adjoints = gradients(built.output)
    # dC/dh_k = dC/dh_(k+1) · σ'(w_k h_k) · w_k, and σ' ≤ 1/4: each layer shrinks it by ≤ |w_k|/4.
    for k in range(1, CHAIN_LAYERS + 1):
        upper = adjoints[built.names[f"h{k + 1}"]]
        lower = adjoints[built.names[f"h{k}"]]
        weight = built.leaves[f"w{k}"].value
        assert abs(lower) <= abs(upper) * abs(weight) / 4 * (1 + 1e-12)


def test_sigmoid_chain_gradients_shrink_by_orders_of_magnitude_towards_the_input() -> None:
    _, grads = chain_grads("sigmoid-chain")
    assert abs(grads[0]) < abs(grads[-1]) * 1e-4


def test_relu_chain_is_exactly_zero_upstream_of_a_negative_pre_activation() -> None:
    for seed in range(20):
        built = program("relu-chain", seed)
        pre = [built.names[f"h{k}"].parents[0].value for k in range(1, CHAIN_LAYERS + 2)]
        negative = [k for k, z in enumerate(pre, start=1) if z < 0]
        if not negative:
            continue
        last_dead = max(negative)
        adjoints = gradients(built.output)
        for k in range(1, last_dead):  # every h_k below the dead unit feeds it
            assert adjoints[built.names[f"h{k}"]] == 0.0
        return
    pytest.fail("no seed in 0..19 gave a negative pre-activation")


@pytest.mark.parametrize("seed", [None, 1, 5, 11])
def test_leaky_relu_chain_is_the_relu_chain_with_leaky_relu(seed: int | None) -> None:
    """The same program and weights as relu-chain, each relu a leaky_relu with the table's slope."""
    relu_source = PRESETS["relu-chain"].source(seed)
    assert PRESETS["leaky-relu-chain"].source(seed) == re.sub(r"\brelu\b", "leaky_relu", relu_source)
    relu, leaky = program("relu-chain", seed), program("leaky-relu-chain", seed)
    assert [relu.leaves[f"w{i}"].value for i in range(1, CHAIN_LAYERS + 1)] == [
        leaky.leaves[f"w{i}"].value for i in range(1, CHAIN_LAYERS + 1)
    ]


@pytest.mark.parametrize("seed", range(8))
def test_leaky_relu_chain_passes_a_hundredth_where_relu_passes_nothing(seed: int) -> None:
    built, grads = chain_grads("leaky-relu-chain", seed)
    assert all(g != 0.0 and math.isfinite(g) for g in grads)
    slope = PRIMITIVES["leaky_relu"].params[0].default
    adjoints = gradients(built.output)
    # dC/dh_k = dC/dh_(k+1) · f'(w_k h_k) · w_k, with f' = 1 above zero and the slope below.
    for k in range(1, CHAIN_LAYERS + 1):
        pre = built.names[f"h{k + 1}"].parents[0].value
        local = 1.0 if pre > 0 else slope
        weight = built.leaves[f"w{k}"].value
        expected = adjoints[built.names[f"h{k + 1}"]] * local * weight
        assert adjoints[built.names[f"h{k}"]] == pytest.approx(expected, rel=1e-12)


def test_leaky_relu_wide_has_no_gradient_exactly_zero() -> None:
    for seed in range(10):
        built = program("leaky-relu-wide", seed)
        params = [leaf for leaf in built.leaves.values() if leaf.kind == "param"]
        assert all(g != 0.0 for g in grad(built.output, params))


def test_tanh_chain_fades_less_than_the_sigmoid_chain() -> None:
    _, sig = chain_grads("sigmoid-chain")
    _, tan = chain_grads("tanh-chain")
    assert abs(tan[0] / tan[-1]) > abs(sig[0] / sig[-1])
    assert all(math.isfinite(g) for g in tan)


def test_describe_is_what_api_presets_sends() -> None:
    from pathgrad.api.models import PresetModel

    for preset in PRESETS.values():
        described = preset.describe(7)
        assert PresetModel.model_validate(described).model_dump() == described
        assert (described["seed"], described["source"]) == (7, preset.source(7))
        assert preset.describe()["seed"] == preset.default_seed
