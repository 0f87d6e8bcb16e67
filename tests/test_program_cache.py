"""program_cache: kept programs re-evaluated for new leaf values, within their bounds."""

from __future__ import annotations

import json

import numpy as np
import pytest

from pathgrad import service
from pathgrad.language import LanguageError, Limits, Program
from pathgrad.program_cache import Built, ProgramCache

LIMITS = Limits()


def chain(layers: int, start: str = "0.5") -> str:
    lines = [f"x = {start}", "w = 0.9"]
    lines += [f"h{i} = sigmoid(w*{'x' if i == 1 else f'h{i - 1}'} + 0.1)" for i in range(1, layers + 1)]
    return "\n".join(lines)


def build(cache: ProgramCache, source: str, values: dict[str, object] | None = None) -> Built:
    return cache.build(source, values, None, limits=LIMITS, expand=False)


def graph_json(program: Program) -> str:
    return json.dumps(service.graph_for(program, forward="w"), allow_nan=False)


def test_new_values_re_evaluate_the_kept_graph() -> None:
    cache = ProgramCache(4, 100_000, 0)
    first = build(cache, chain(10))
    again = build(cache, chain(10), {"w": -2.0})
    assert again.reused and again.program is first.program
    assert graph_json(again.program) == graph_json(service.build(chain(10), {"w": -2.0}))
    back = build(cache, chain(10))  # no values: the literals again
    assert graph_json(back.program) == graph_json(service.build(chain(10)))
    assert cache.hits == 2


def test_a_leaf_that_changes_shape_builds_afresh() -> None:
    source = "x = [1, 2]; w = 0.5; y = sum(w*x)"
    cache = ProgramCache(4, 100_000, 0)
    build(cache, source)
    changed = build(cache, source, {"x": [1.0, 2.0, 3.0]})
    assert not changed.reused and changed.program.output.value == 3.0
    assert build(cache, source, {"x": 4.0}).program.output.value == 2.0
    assert build(cache, source, {"x": 5.0}).reused
    assert len(cache) == 1


def test_bad_values_get_the_fresh_builds_errors_and_leave_the_program_as_it_was() -> None:
    cache = ProgramCache(4, 100_000, 0)
    build(cache, chain(3))
    for values in ({"nope": 1.0}, {"h2": 1.0}, {"w": 1e301}, {"w": [[1.0], [2.0, 3.0]]}, {"w": "a"}):
        with pytest.raises(LanguageError) as kept:
            build(cache, chain(3), values)
        with pytest.raises(LanguageError) as fresh:
            service.build(chain(3), values)
        assert (str(kept.value), kept.value.field, kept.value.limit) == (
            str(fresh.value), fresh.value.field, fresh.value.limit
        )
    assert graph_json(build(cache, chain(3)).program) == graph_json(service.build(chain(3)))


def test_the_cache_is_bounded_by_entries_and_by_nodes() -> None:
    cache = ProgramCache(max_entries=2, max_nodes=850, min_nodes=0)
    for start in ("0.1", "0.2", "0.3"):  # three sources of 42 nodes
        build(cache, chain(10, start))
    assert len(cache) == 2 and cache.nodes == 2 * 42
    assert not build(cache, chain(10, "0.1")).reused  # the oldest went
    assert build(cache, chain(10, "0.3")).reused
    build(cache, chain(205))  # 822 nodes: the others make way
    assert len(cache) == 1 and cache.nodes == 822
    build(cache, chain(300))  # 1,202 nodes: more than the cache holds in all, not kept
    assert len(cache) == 1 and cache.nodes == 822
    assert not build(cache, chain(300)).reused


def test_small_programs_are_not_kept() -> None:
    cache = ProgramCache(max_entries=4, max_nodes=100_000, min_nodes=100)
    build(cache, chain(10))
    assert len(cache) == 0
    build(cache, chain(30))
    assert len(cache) == 1


def test_no_entries_keeps_nothing() -> None:
    cache = ProgramCache(max_entries=0, max_nodes=100_000, min_nodes=0)
    build(cache, chain(10))
    assert len(cache) == 0 and cache.nodes == 0


def test_an_array_leaf_takes_a_copy_of_the_value() -> None:
    source = "x = [1, 2]; y = sum(x*x)"
    cache = ProgramCache(4, 100_000, 0)
    build(cache, source)
    values = {"x": np.array([3.0, 4.0])}
    kept = build(cache, source, values)
    values["x"][0] = 100.0
    assert kept.program.output.value == 25.0


def test_an_edit_of_a_kept_program_reads_only_its_changed_statements() -> None:
    """A new line typed at the end: the kept program's parse gives every statement before its last
    (which had no line break), and the program built is the one a fresh build makes."""
    cache = ProgramCache(4, 100_000, 0)
    first = build(cache, chain(50))
    edited = chain(50) + "\nz = h50 * 2"
    second = build(cache, edited)
    assert not second.reused
    old = first.program.statements
    new = second.program.statements
    assert [a.statement is b.statement for a, b in zip(old, new, strict=False)] == [True] * 51 + [False]
    assert graph_json(second.program) == graph_json(service.build(edited))
    # Parsed with other limits, a kept tree is not used.
    other = cache.build(
        chain(50) + "\nq = h50 * 3", None, None, limits=Limits(max_nodes=10_000), expand=False
    )
    assert all(a.statement is not b.statement for a, b in zip(old, other.program.statements, strict=False))
