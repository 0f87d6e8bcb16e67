"""The compute tasks with a cache of built programs: byte for byte what a fresh build answers.

A compute process keeps large programs (``pathgrad.program_cache``) and, when a request changes only
leaves' values, re-evaluates the kept graph instead of building it. Here every program is kept
(``min_nodes=0``), so that random small programs exercise the same code, and each answer through the
cache is compared with the answer of a process that has no cache.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pathgrad import service
from pathgrad.api import tasks
from pathgrad.api.models import GraphRequest, PathsRequest
from pathgrad.graph_json import numbers_of, structure_digest
from pathgrad.language import LanguageError
from pathgrad.presets import PRESETS
from pathgrad.program_cache import ProgramCache
from pathgrad.settings import Settings
from test_values_view import array_programs, programs

SETTINGS = Settings()
LEAVES = ("a", "b", "c")
# Numbers that make nodes infinite or NaN somewhere (exp(1e3), log(0), sqrt(-1), 1/0, 1e200^2 ...),
# one above max_number_abs (a 422), and ordinary ones.
EDGY = st.sampled_from([0.0, -1.0, 1.0, 1e3, -1e3, 710.0, 1e200, -1e-310, 1e301])
NUMBER = st.one_of(st.floats(-3.0, 3.0), EDGY)
VECTOR = st.lists(NUMBER, min_size=3, max_size=3)


@st.composite
def leaf_values(draw: st.DrawFn, shapes: dict[str, str]) -> dict[str, Any]:
    """Values for some leaves: of their own shape, or now and then of another (the graph changes)."""
    out: dict[str, Any] = {}
    for name in draw(st.lists(st.sampled_from(LEAVES), unique=True)):
        kind = shapes[name]
        if draw(st.integers(0, 7)) == 0:
            kind = "vector" if kind == "number" else "number"
        out[name] = draw(VECTOR if kind == "vector" else NUMBER)
    return out


def _request(kind: str, source: str, values: dict[str, Any], common: dict[str, Any]) -> Any:
    body = {"source": source, "values": values, **common}
    return PathsRequest(**body) if kind == "paths" else GraphRequest(**body)


def _run(kind: str, request: Any, cache: ProgramCache | None) -> tuple[int, bytes]:
    """The answer (an exception, which the server would answer with a 500, fails the test)."""
    return tasks.TASKS[kind](SETTINGS, request, cache=cache)


def _check(kind: str, source: str, steps: list[dict[str, Any]], common: dict[str, Any]) -> None:
    """Each request in turn through one cache, against the same request answered without one; each
    after the first also sent with the structure of the answer before it."""
    cache = ProgramCache(max_entries=4, max_nodes=100_000, min_nodes=0)
    structure = None
    for values in steps:
        for sent in (None, structure):
            hits = cache.hits
            request = _request(kind, source, values, {**common, "structure": sent})
            cached = _run(kind, request, cache)
            fresh = _run(kind, request, None)
            assert cached == fresh, (source, values, sent)
        status, body = cached
        if status == 200:  # built, so kept: the same values again were a hit
            assert cache.hits == hits + 1
        if status == 200:
            answer = json.loads(body)
            graph = answer.get("graph", answer)
            structure = graph["structure"]
            if graph["numbers_only"]:
                # The numbers are the full answer's, column by column.
                request = _request(kind, source, values, {**common, "structure": None})
                full = json.loads(_run(kind, request, None)[1])
                full_graph = full.get("graph", full)
                assert graph["structure"] == full_graph["structure"]
                expected = numbers_of(full_graph)
                assert (graph["output"], graph["nodes"], graph["edges"]) == (
                    expected["output"], expected["nodes"], expected["edges"]
                )


COMMON = st.fixed_dictionaries(
    {
        "view": st.sampled_from(["operations", "values"]),
        "options": st.fixed_dictionaries(
            {"expand": st.booleans(), "forward": st.sampled_from([None, "a", "b"])}
        ),
    }
)


@settings(derandomize=True, max_examples=150, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(source=programs(), data=st.data(), common=COMMON, kind=st.sampled_from(["graph", "paths"]))
def test_a_kept_program_answers_as_a_fresh_build_on_random_programs(
    source: str, data: st.DataObject, common: dict[str, Any], kind: str
) -> None:
    shapes = dict.fromkeys(LEAVES, "number")
    steps = data.draw(st.lists(leaf_values(shapes), min_size=2, max_size=4))
    if kind == "paths":
        common = {"view": common["view"], "options": {"expand": common["options"]["expand"]},
                  "input": data.draw(st.sampled_from(LEAVES))}
    _check(kind, source, steps, common)


@settings(derandomize=True, max_examples=60, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(source=array_programs(), data=st.data(), common=COMMON)
def test_a_kept_program_answers_as_a_fresh_build_on_random_array_programs(
    source: str, data: st.DataObject, common: dict[str, Any]
) -> None:
    shapes = {"a": "vector", "b": "number", "c": "vector"}
    steps = data.draw(st.lists(leaf_values(shapes), min_size=2, max_size=4))
    _check("graph", source, steps, common)


def test_the_leaf_change_is_a_cache_hit_and_answers_only_numbers() -> None:
    source = "x = 0.5; w = 0.9\n" + "\n".join(
        f"h{i} = sigmoid(w*{'x' if i == 1 else f'h{i - 1}'} + 0.1)" for i in range(1, 40)
    )
    cache = ProgramCache(max_entries=4, max_nodes=100_000, min_nodes=100)
    first = json.loads(_run("paths", PathsRequest(source=source, input="w"), cache)[1])
    assert first["graph"]["numbers_only"] is False and len(cache) == 1 and cache.hits == 0
    structure = first["graph"]["structure"]
    request = PathsRequest(source=source, input="w", values={"w": 0.85}, structure=structure)
    second = json.loads(_run("paths", request, cache)[1])
    assert cache.hits == 1
    assert second["graph"]["numbers_only"] is True
    assert second["graph"]["nodes"]["value"][1] == 0.85  # n1 is w
    assert second["gradient"] != first["gradient"]


def test_the_small_request_thread_never_uses_a_cache() -> None:
    cache = ProgramCache(max_entries=4, max_nodes=100_000, min_nodes=0)
    request = GraphRequest(source="x = 1; y = x*x")
    assert tasks.graph(SETTINGS, request, small=True, cache=cache)[0] == 200
    assert len(cache) == 0
    assert tasks.graph(SETTINGS, request, cache=cache)[0] == 200
    assert len(cache) == 1


@pytest.mark.parametrize("view", ["operations", "values"])
@pytest.mark.parametrize("expand", [False, True])
def test_the_kept_chain_answers_as_a_fresh_build(view: str, expand: bool) -> None:
    """The benchmark's program, smaller: 300 layers of sigmoid, kept by the default bounds."""
    source = "x = 0.5; w = 0.9\n" + "\n".join(
        f"h{i} = sigmoid(w*{'x' if i == 1 else f'h{i - 1}'} + 0.1)" for i in range(1, 301)
    )
    common = {"view": view, "options": {"expand": expand}, "input": "w"}
    _check("paths", source, [{}, {"w": 0.85}, {"w": -40.0, "x": 1e200}, {"x": -2.0}], common)
    # A compute process keeps it too (it is over program_cache_min_nodes).
    kept = ProgramCache(
        SETTINGS.program_cache_entries, SETTINGS.program_cache_nodes, SETTINGS.program_cache_min_nodes
    )
    kept.build(source, {}, None, limits=SETTINGS.limits(), expand=expand)
    assert len(kept) == 1


def _digests(source: str, view: str, expand: bool) -> tuple[str, str]:
    program = service.build(source, None, None, limits=SETTINGS.limits(), expand=expand)
    graph = service.graph_for(program, view=view)
    return structure_digest(graph), structure_digest(graph, tasks.encode)


@pytest.mark.parametrize("view", ["operations", "values"])
@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_the_api_digests_a_preset_s_structure_as_the_core_does(preset: str, view: str) -> None:
    # The API writes the digest's text with its own encoder (orjson): the same text, so the same
    # digest as graph_json's, which the frontend's fixtures and the tests compute.
    source, _ = service.request_source(None, preset, None)
    for expand in (False, True):
        core, api = _digests(source, view, expand)
        assert api == core


@settings(derandomize=True, max_examples=100, deadline=None, database=None)
@given(source=programs(), view=st.sampled_from(["operations", "values"]))
def test_the_api_digests_a_random_program_s_structure_as_the_core_does(source: str, view: str) -> None:
    try:
        core, api = _digests(source, view, False)
    except LanguageError:
        return  # a program the language refuses (1/0 in a constant) has no graph

    assert api == core
