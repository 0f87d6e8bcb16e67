"""Paths: the gradient as a sum over paths of products of edge-local derivatives.

Listed paths are checked against a brute-force enumeration on small random DAGs.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pathgrad import (
    Const,
    Node,
    Path,
    PathReport,
    Var,
    cos,
    count_paths,
    exp,
    expand_composites,
    grad,
    local_derivative,
    mean,
    path_counts_to,
    paths,
    relu,
    sigmoid,
    sin,
    tanh,
    topological_order,
    transpose,
)
from pathgrad import sum as total

Edges = tuple[tuple[Node, int], ...]


def all_paths(output: Node, source: Node) -> list[Edges]:
    """Every path from source to output, by brute force (iterative depth-first enumeration)."""
    children: dict[Node, list[tuple[Node, int]]] = defaultdict(list)
    for node in topological_order([output]):
        for index, parent in enumerate(node.parents):
            children[parent].append((node, index))
    found: list[Edges] = []
    stack: list[tuple[Node, Edges]] = [(source, ())]
    while stack:
        node, edges = stack.pop()
        if node is output:
            found.append(edges)
            continue
        for child, index in children[node]:
            stack.append((child, (*edges, (child, index))))
    return found


def product_of(edges: Edges) -> float:
    product = 1.0
    for child, index in edges:
        assert child.partials is not None
        product *= child.partials[index]
    return product


def edge_key(edges: Edges) -> tuple[tuple[int, int], ...]:
    return tuple((id(child), index) for child, index in edges)


def assert_is_a_real_path(path: Path, source: Node, output: Node) -> None:
    assert path.nodes[0] is source and path.nodes[-1] is output
    assert len(path.nodes) == len(path.edges) + 1 == len(path.factors) + 1
    for k, (child, index) in enumerate(path.edges):
        assert child is path.nodes[k + 1]
        assert child.parents[index] is path.nodes[k]
        assert path.factors[k] == local_derivative(child, index)[0]
    assert path.product == math.prod(path.factors)


def assert_sorted_by_magnitude(report: PathReport) -> None:
    magnitudes = [abs(p.product) for p in report.paths]
    for before, after in itertools.pairwise(magnitudes):
        assert before >= after * (1.0 - 1e-12)


# --- the contract's example -----------------------------------------------------------------------


def test_two_paths_from_b_with_products_3_and_2() -> None:
    a, b = Var(2.0, name="a"), Var(1.0, name="b")
    s = a + b
    t = b + 1.0
    e = s * t
    report = paths(e, b)
    assert report.count == 2 and isinstance(report.count, int)
    assert [p.product for p in report.paths] == [3.0, 2.0]
    first, second = report.paths
    assert first.nodes == (b, t, e) and first.edges == ((t, 0), (e, 1)) and first.factors == (1.0, 3.0)
    assert second.nodes == (b, s, e) and second.edges == ((s, 1), (e, 0))
    assert second.factors == (1.0, 2.0)
    assert report.gradient == 5.0 == grad(e, [b])[0]
    assert report.listed_sum == 5.0 and report.remainder == 0.0
    assert not report.truncated and report.limit == 20


def test_one_path_from_a() -> None:
    a, b = Var(2.0), Var(1.0)
    e = (a + b) * (b + 1.0)
    report = paths(e, a)
    assert report.count == 1
    assert [p.product for p in report.paths] == [2.0]
    assert report.gradient == 2.0


def test_path_counts_to_every_ancestor() -> None:
    a, b = Var(2.0), Var(1.0)
    one = Const(1.0)
    s, t = a + b, b + one
    e = s * t
    counts = path_counts_to(e)
    assert counts[e] == 1 and counts[s] == 1 and counts[t] == 1
    assert counts[a] == 1 and counts[b] == 2 and counts[one] == 1
    assert count_paths(e, b) == 2
    assert count_paths(e, Var(0.0)) == 0


def test_fan_out_edges_are_separate_paths() -> None:
    x = Var(3.0)
    y = x * x
    report = paths(y, x)
    assert report.count == 2
    assert sorted(index for p in report.paths for _, index in p.edges) == [0, 1]
    assert [p.product for p in report.paths] == [3.0, 3.0]
    assert report.listed_sum == 6.0 == report.gradient


def test_seed_neuron_path() -> None:
    x, w, b = Var(1.0), Var(0.0), Var(0.0)
    y = sigmoid(w * x + b)
    report = paths(y, w)
    assert report.count == 1 and report.paths[0].product == 0.25 == report.gradient
    with expand_composites(True):
        y2 = sigmoid(w * x + b)
    report2 = paths(y2, w)
    assert report2.count == 1 and report2.paths[0].product == 0.25 == report2.gradient
    assert len(report2.paths[0].edges) > len(report.paths[0].edges)


# --- counting big numbers of paths ------------------------------------------------------------------


def _ladder(x: Node, rungs: int) -> Node:
    h = x
    for _ in range(rungs):
        h = sin(h) * cos(h)  # one diamond: two paths from h to the product
    return h


def test_a_ladder_of_30_diamonds_has_2_to_the_30_paths_counted() -> None:
    # Counted in one pass over the graph (how fast: benchmarks/budgets.py).
    x = Var(0.4)
    y = _ladder(x, 30)
    count = count_paths(y, x)
    assert count == 2**30 and type(count) is int
    report = paths(y, x, limit=5)
    assert report.count == 2**30 and report.truncated and len(report.paths) == 5
    assert_sorted_by_magnitude(report)
    for path in report.paths:
        assert_is_a_real_path(path, x, y)


def test_path_counts_beyond_2_to_the_53_are_exact() -> None:
    x = Var(0.1)
    h = x
    for _ in range(70):
        h = h + h
    assert count_paths(h, x) == 2**70  # no float rounding
    assert path_counts_to(h)[x] == 2**70


def test_a_100000_deep_chain_counts_and_lists_its_one_path() -> None:
    x = Var(0.3)
    h = x
    for _ in range(100_000):
        h = tanh(h)
    assert count_paths(h, x) == 1
    report = paths(h, x, limit=3)
    assert report.count == 1 and len(report.paths) == 1
    assert len(report.paths[0].edges) == 100_000
    assert report.listed_sum == pytest.approx(report.gradient, rel=1e-12)


def test_listing_a_few_of_many_tied_paths_stays_cheap() -> None:
    # h = h + h, 30 times: 2**30 paths from x, every factor 1, every product tied. Listing 20 of them
    # must cost about 20 walks of length 30, not a sweep over the prefixes of a billion paths.
    x = Var(1.0)
    h = x
    for _ in range(30):
        h = h + h
    report = paths(h, x, limit=20)
    assert report.count == 2**30 and len(report.paths) == 20 and report.truncated
    assert all(p.product == 1.0 and len(p.edges) == 30 for p in report.paths)
    assert len({edge_key(p.edges) for p in report.paths}) == 20
    # The work, counted rather than timed (the time: benchmarks/budgets.py): the listing never held
    # more partial paths than the listed paths have edges.
    assert report.frontier <= 20 * 30


def test_listing_a_few_of_many_zero_products_stays_cheap() -> None:
    x = Var(-1.0)
    h = x
    for _ in range(30):
        h = h + h
    y = relu(h)  # relu'(negative) = 0: every one of the 2**30 products is zero
    report = paths(y, x, limit=5)
    assert len(report.paths) == 5 and all(p.product == 0.0 for p in report.paths)
    assert report.frontier <= 5 * 31  # the edges of the listed paths (the time: benchmarks/budgets.py)
    assert report.gradient == 0.0


def test_nan_products_are_listed_last() -> None:
    x = Var(1.0)
    y = Const(-2.0) ** x + 3.0 * x  # d((-2)^x)/dx = (-2)^x · ln(-2): NaN
    report = paths(y, x)
    assert report.count == 2
    first, second = report.paths
    assert first.product == 3.0 and math.isnan(second.product)
    assert_is_a_real_path(first, x, y)
    assert math.isnan(math.prod(second.factors)) and second.nodes[0] is x and second.nodes[-1] is y
    assert math.isnan(report.gradient) and math.isnan(report.listed_sum)


# --- edge cases -------------------------------------------------------------------------------------


def test_unrelated_source_has_no_paths() -> None:
    x, y = Var(1.0), Var(2.0)
    out = sin(y)
    report = paths(out, x)
    assert (report.count, report.paths, report.listed_sum, report.gradient) == (0, [], 0.0, 0.0)
    assert not report.truncated


def test_source_is_output() -> None:
    x = Var(1.5)
    report = paths(x, x)
    assert report.count == 1 and report.paths[0].nodes == (x,) and report.paths[0].product == 1.0
    assert report.gradient == 1.0


def test_limit_zero_lists_nothing_and_the_remainder_is_everything() -> None:
    a, b = Var(2.0), Var(1.0)
    e = (a + b) * (b + 1.0)
    report = paths(e, b, limit=0)
    assert report.paths == [] and report.truncated and report.count == 2
    assert report.listed_sum == 0.0 and report.remainder == report.gradient == 5.0


def test_limit_one_lists_the_largest() -> None:
    a, b = Var(2.0), Var(1.0)
    e = (a + b) * (b + 1.0)
    report = paths(e, b, limit=1)
    assert [p.product for p in report.paths] == [3.0]
    assert report.truncated and report.remainder == 2.0


def test_array_edges_cannot_be_listed_but_can_be_counted() -> None:
    x = Var(np.array([1.0, 2.0]))
    y = total(sin(x))
    assert count_paths(y, x) == 1
    with pytest.raises(ValueError, match="scalar"):
        paths(y, x)


@pytest.mark.parametrize("reduce", [total, mean, transpose], ids=["sum", "mean", "transpose"])
def test_scalar_structural_nodes_can_be_listed(reduce: Callable[[Node], Node]) -> None:
    x = Var(2.0)
    y = reduce(x) * 3.0  # the expression language accepts `sum(x) * 3` for a number x
    assert count_paths(y, x) == 1 and grad(y, [x]) == [3.0]
    report = paths(y, x)
    assert [p.factors for p in report.paths] == [(1.0, 3.0)]
    assert report.listed_sum == report.gradient == 3.0


# --- properties on random scalar DAGs ----------------------------------------------------------------

PATH_OPS: dict[str, Callable[[Node, Node], Node]] = {
    "add": lambda a, b: a + b,
    "mul": lambda a, b: a * b,
    "sin": lambda a, b: sin(a),
    "tanh": lambda a, b: tanh(a),
}

DAG_STEPS = st.lists(
    st.tuples(st.sampled_from(sorted(PATH_OPS)), st.integers(0, 7), st.integers(0, 7)),
    min_size=3,
    max_size=10,
)


def random_dag(values: list[float], steps: list[tuple[str, int, int]]) -> tuple[Node, list[Node]]:
    """Random fan-in from earlier nodes, then the sum of the nodes nothing else uses.

    i counts from the newest node, j from the oldest. A step at most doubles a path count, so ten
    steps stay within about 2**10 paths (a few dozen in practice).
    """
    inputs = [Var(v) for v in values]
    nodes = list(inputs)
    for op, i, j in steps:
        nodes.append(PATH_OPS[op](nodes[-1 - i % len(nodes)], nodes[j % len(nodes)]))
    used = {id(parent) for node in nodes for parent in node.parents}
    sinks = [node for node in nodes if id(node) not in used]
    output = sinks[0]
    for sink in sinks[1:]:
        output = output + sink
    return output, inputs


VALUES = st.lists(st.floats(-2.0, 2.0), min_size=2, max_size=2)


@settings(derandomize=True, max_examples=200, deadline=None, database=None)
@given(values=VALUES, steps=DAG_STEPS, expand=st.booleans())
def test_the_sum_over_all_paths_is_the_gradient(
    values: list[float], steps: list[tuple[str, int, int]], expand: bool
) -> None:
    with expand_composites(expand):  # tanh as one node, or as (1 − e)/(1 + e) with e = exp(−2z)
        output, inputs = random_dag(values, steps)
    for source in inputs:
        brute = all_paths(output, source)
        count = count_paths(output, source)
        assert count == len(brute) <= 2**10
        report = paths(output, source, limit=count + 3)
        assert report.count == count and len(report.paths) == count and not report.truncated
        magnitude = math.fsum(abs(p.product) for p in report.paths)
        tolerance = 1e-12 + 1e-9 * magnitude
        assert report.gradient == grad(output, [source])[0]
        assert abs(report.listed_sum - report.gradient) <= tolerance
        assert abs(report.remainder) <= tolerance
        assert report.listed_sum == pytest.approx(math.fsum(product_of(e) for e in brute), abs=tolerance)
        assert_sorted_by_magnitude(report)
        for path in report.paths:
            assert_is_a_real_path(path, source, output)
        assert sorted(edge_key(p.edges) for p in report.paths) == sorted(edge_key(e) for e in brute)


@settings(derandomize=True, max_examples=200, deadline=None, database=None)
@given(values=VALUES, steps=DAG_STEPS, k=st.integers(1, 40))
def test_top_k_paths_are_the_k_largest(
    values: list[float], steps: list[tuple[str, int, int]], k: int
) -> None:
    output, inputs = random_dag(values, steps)
    source = inputs[0]
    brute = all_paths(output, source)
    if len(brute) < 2:
        return
    k = min(k, len(brute) - 1)
    report = paths(output, source, limit=k)
    assert report.truncated and len(report.paths) == k and report.count == len(brute)
    expected = sorted((abs(product_of(e)) for e in brute), reverse=True)[:k]
    listed = [abs(p.product) for p in report.paths]
    assert listed == pytest.approx(expected, rel=1e-12, abs=1e-300)
    assert_sorted_by_magnitude(report)
    keys = [edge_key(p.edges) for p in report.paths]
    assert len(set(keys)) == k and set(keys) <= {edge_key(e) for e in brute}
    for path in report.paths:
        assert_is_a_real_path(path, source, output)
    assert report.remainder == report.gradient - report.listed_sum


def hub(branches: int, rungs: int = 10) -> tuple[Node, Node]:
    """A ladder of ``rungs`` diamonds into a hub H, then one strong and ``branches`` weak branches
    H·0.001, summed: 2**rungs · (branches + 1) paths, and every path passes the hub."""
    x = Var(1.0)
    h = x
    for _ in range(rungs):
        h = h * 2.0 + h * 3.0
    y = h
    for _ in range(branches):
        y = y + h * 0.001
    return y, x


def test_the_frontier_of_a_hub_listing_is_bounded_by_the_edges_it_walks() -> None:
    # The seed kept every edge of every node passed: 200 paths through a hub of 2,000 branches left
    # about 400,000 partial paths waiting. Now each edge walked leaves at most one.
    y, x = hub(2_000)
    report = paths(y, x, limit=200)
    assert report.count == 2**10 * 2_001 and len(report.paths) == 200
    walked = sum(len(p.edges) for p in report.paths)
    assert report.frontier <= walked + 1
    assert report.frontier < 2_000 * 3  # not one entry per branch per path listed
    # The strongest path goes the ×3 way up the whole ladder, then straight on (factor 1).
    assert report.paths[0].product == pytest.approx(3.0**10)
    assert_sorted_by_magnitude(report)


def test_the_hub_listing_is_exactly_the_top_paths() -> None:
    y, x = hub(40, rungs=4)
    brute = all_paths(y, x)
    report = paths(y, x, limit=100)
    expected = sorted((abs(product_of(e)) for e in brute), reverse=True)[:100]
    assert [abs(p.product) for p in report.paths] == pytest.approx(expected, rel=1e-12)
    assert len({edge_key(p.edges) for p in report.paths}) == 100


# --- non-finite products and sums are values, never an exception ------------------------------------


def test_finite_products_whose_sum_overflows_add_up_to_infinity() -> None:
    # math.fsum raised OverflowError: x·1e300·1e8 is 1e308 twice, and 2e308 is past float64's range.
    x = Var(1.0)
    y = x * 1e300 * 1e8 + x * 1e300 * 1e8
    report = paths(y, x)
    assert [p.product for p in report.paths] == [1e308, 1e308]
    assert report.listed_sum == math.inf and report.gradient == math.inf
    assert math.isnan(report.remainder)


def test_a_sum_overflowing_only_on_the_way_is_still_exact() -> None:
    x = Var(1.0)
    y = x * 1e300 * 1e8 + x * 1e300 * 1e8 + x * (-1e300) * 1e8
    report = paths(y, x)
    assert report.listed_sum == pytest.approx(1e308, rel=1e-15)


def test_infinite_products_of_both_signs_sum_to_nan() -> None:
    # fsum raised ValueError("-inf + inf in fsum"), which the service turned into a 422 on `input`.
    x = Var(1000.0)
    y = exp(x) - exp(x)
    report = paths(y, x)
    assert sorted(p.product for p in report.paths) == [-math.inf, math.inf]
    assert math.isnan(report.listed_sum) and math.isnan(report.gradient)
