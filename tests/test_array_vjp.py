"""Each row's numpy-only ``array_vjp`` gives exactly (bit for bit) what its generic rule gives."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from pathgrad import PRIMITIVES, Const, Var, grad, mean, sigmoid, square
from pathgrad.backends import ARRAY, sum_to_shape
from pathgrad.engine.nodes import FLOAT_DTYPES as _FLOAT_DTYPES
from pathgrad.engine.nodes import as_value
from pathgrad.engine.nodes import resolve as _resolve
from pathgrad.engine.reverse import _fit

FAST = sorted(name for name, row in PRIMITIVES.items() if row.array_vjp is not None)


def _generic(name: str, g: Any, ans: Any, *xs: Any) -> list[Any]:
    row = PRIMITIVES[name]
    if row.vjp is not None:
        grads = row.vjp(ARRAY, g, ans, *xs)
    else:
        grads = [g * _resolve(d) for d in row.partials(ARRAY, ans, *xs)]
    return [_fit(_resolve(gr), x) for gr, x in zip(grads, xs, strict=True)]


def _fast(name: str, g: Any, ans: Any, *xs: Any, need: tuple[bool, ...] | None = None) -> list[Any]:
    row = PRIMITIVES[name]
    if row.arity == 1:
        return [_fit(row.array_vjp(g, ans, *xs), xs[0])]
    need = need or (True, True)
    grads = row.array_vjp(g, ans, *xs, *need)
    return [_fit(gr, x) if n else gr for gr, x, n in zip(grads, xs, need, strict=True)]


SHAPES = {
    1: [((3, 4),), ((5,),)],
    2: [((3, 4), (3, 4)), ((3, 4), (4,)), ((2, 3), (2, 1)), ((4,), ()), ((), (3, 2))],
}


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", FAST)
def test_array_vjp_matches_the_generic_rule_bit_for_bit(name: str, dtype: type) -> None:
    row = PRIMITIVES[name]
    rng = np.random.default_rng(1)
    shapes = SHAPES[row.arity]
    if name == "matmul":
        shapes = [((3, 4), (4, 2)), ((4,), (4, 2)), ((3, 4), (4,)), ((2, 3, 4), (4, 5))]
    elif name in ("sum", "mean"):
        shapes = [((3, 4),), ((6,),)]
    elif name == "transpose":
        shapes = [((3, 4),), ((2, 3, 4),)]
    for shape in shapes:
        xs = [
            float(rng.standard_normal()) if s == () else rng.standard_normal(s).astype(dtype) for s in shape
        ]
        if row.arity == 2 and all(type(x) is float for x in xs):
            continue
        ans = row.forward(ARRAY, *xs)
        ans = float(ans) if np.ndim(ans) == 0 else ans
        g = 1.0 if type(ans) is float else rng.standard_normal(np.shape(ans)).astype(np.result_type(ans))
        for g_case in (g, np.broadcast_to(np.asarray(0.5, np.result_type(ans)), np.shape(ans))
                       if type(ans) is not float else 0.5):
            expected = _generic(name, g_case, ans, *xs)
            got = _fast(name, g_case, ans, *xs)
            for e, o in zip(expected, got, strict=True):
                assert np.shape(e) == np.shape(o) and np.result_type(e) == np.result_type(o)
                np.testing.assert_array_equal(e, o)
            for x in xs:
                if isinstance(x, np.ndarray):
                    assert x.flags.writeable  # inputs untouched (not frozen, not overwritten)


@pytest.mark.parametrize("name", [n for n in FAST if PRIMITIVES[n].arity == 2])
def test_binary_array_vjp_skips_the_sides_not_needed(name: str) -> None:
    a, b = np.ones((2, 2)), np.ones((2, 2))
    ans = PRIMITIVES[name].forward(ARRAY, a, b)
    ga, gb = PRIMITIVES[name].array_vjp(np.ones((2, 2)), ans, a, b, False, True)
    assert gb is not None
    if name not in ("add", "sub"):  # g passed through as is costs nothing to skip
        assert ga is None


def test_mean_gradient_is_read_only_and_keeps_precision() -> None:
    x = Var(np.arange(6.0, dtype=np.float32).reshape(2, 3))
    (g,) = grad(mean(x), [x])
    assert g.dtype == np.float32 and g.shape == (2, 3) and not g.flags.writeable
    np.testing.assert_array_equal(g, np.full((2, 3), 1 / 6, np.float32))


def test_inputs_and_adjoints_are_never_overwritten() -> None:
    rng = np.random.default_rng(0)
    X, W, T = rng.standard_normal((5, 3)), rng.standard_normal((3, 2)), rng.standard_normal((5, 2))
    copies = [X.copy(), W.copy(), T.copy()]
    w = Var(W, kind="param")
    h = sigmoid(Const(X) @ w)
    loss = mean(square(h - T))
    values = [h.value.copy()]
    (gw,) = grad(loss, [w])
    for a, c in zip([X, W, T], copies, strict=True):
        np.testing.assert_array_equal(a, c)
    np.testing.assert_array_equal(h.value, values[0])
    s = 1 / (1 + np.exp(-(X @ W)))
    expected = X.T @ ((2.0 / T.size) * (s - T) * s * (1 - s))
    np.testing.assert_allclose(gw, expected, rtol=1e-12)


@pytest.mark.parametrize(
    ("big", "small"), [((4, 3), (3,)), ((4, 3), (1, 3)), ((2, 4, 3), (3,)), ((4, 1), (1,))]
)
def test_sum_to_shape_fast_path_matches_np_sum(big: tuple[int, ...], small: tuple[int, ...]) -> None:
    g = np.random.default_rng(0).standard_normal(big)
    lead = len(big) - len(small)
    axes = tuple(range(lead)) + tuple(lead + i for i, n in enumerate(small) if n == 1 and big[lead + i] != 1)
    expected = np.sum(g, axis=axes, keepdims=True).reshape(small)
    np.testing.assert_array_equal(sum_to_shape(g, small), expected)


def test_as_value_passes_float_arrays_through() -> None:
    a = np.zeros((2, 2), np.float32)
    assert as_value(a) is a and a.dtype in _FLOAT_DTYPES
    assert as_value(np.zeros(2, int)).dtype == np.float64
    assert as_value(np.zeros((), np.float64)) == 0.0 and type(as_value(np.zeros(()))) is float
    assert as_value(np.zeros(2, ">f8")).dtype == np.float64
