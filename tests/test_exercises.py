"""Exercises: reproducible from (level, seed), answers equal to the engine's, hints that name the mistake."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pathgrad import service
from pathgrad.engine import gradients, topological_order
from pathgrad.exercises import (
    LEVELS,
    REL_TOL,
    Exercise,
    Question,
    check,
    for_program,
    generate,
    verdict_to_dict,
)
from pathgrad.graph_json import GraphIds
from pathgrad.language import LanguageError
from pathgrad.paths import count_paths
from pathgrad.service import RequestError

SEEDS = range(12)


def question(exercise: Exercise, kind: str, index: int = 0) -> Question:
    return [q for q in exercise.questions if q.kind == kind][index]


@pytest.mark.parametrize("level", LEVELS)
def test_the_same_level_and_seed_make_the_same_exercise(level: int) -> None:
    for seed in SEEDS:
        assert generate(level, seed) == generate(level, seed)
    assert len({generate(level, seed).source for seed in SEEDS}) >= 3  # the seed matters


def test_the_public_exercise_carries_no_answers() -> None:
    for level in LEVELS:
        exercise = generate(level, 7)
        public = exercise.public()
        assert public["source"] == exercise.source and public["level"] == level
        for q, shown in zip(exercise.questions, public["questions"], strict=True):
            assert "answer" not in shown and "clues" not in shown
            assert shown["id"] == q.id and shown["kind"] == q.kind


@pytest.mark.parametrize("level", [1, 2, 3, 4])
def test_every_answer_is_the_engines_number_on_the_operations_graph(level: int) -> None:
    for seed in SEEDS:
        exercise = generate(level, seed)
        assert exercise.view == "operations"
        program = service.build(exercise.source)
        order = topological_order([program.output])
        ids = GraphIds(order)
        node_of = {v: k for k, v in ids.node.items()}
        edge_of = {v: k for k, v in ids.edge.items()}
        adjoints = gradients(program.output)
        for q in exercise.questions:
            if q.kind == "local":
                child, arg = edge_of[q.target["edge"]]
                assert q.answer == child.partials[arg]  # type: ignore[index]
            elif q.kind == "gradient":
                assert q.answer == adjoints[node_of[q.target["node"]]]
            elif q.kind == "count":
                source = node_of[q.target["source"]]
                assert q.target["output"] == ids.node[program.output]
                assert q.answer == count_paths(program.output, source)
            else:
                factors = [edge_of[e][0].partials[edge_of[e][1]] for e in q.target["edges"]]  # type: ignore[index]
                assert q.answer == pytest.approx(math.prod(factors), rel=1e-12)
                assert node_of[q.target["nodes"][-1]] is program.output


def test_level_one_is_a_chain_and_level_two_fans_out() -> None:
    for seed in SEEDS:
        assert question(generate(1, seed), "count").answer == 1
        assert question(generate(2, seed), "count").answer >= 2
        assert 3 <= generate(1, seed).source.count("\n") <= 5


def test_level_three_asks_the_activations_local_derivative() -> None:
    for seed in SEEDS:
        exercise = generate(3, seed)
        local = question(exercise, "local")
        assert local.clues["op"] in ("sigmoid", "tanh", "relu")
        z = local.clues["source_value"]
        h = local.clues["value"]
        expected = {"sigmoid": h * (1 - h), "tanh": 1 - h * h, "relu": float(z > 0)}[local.clues["op"]]
        assert z != 0.0 or local.clues["op"] != "relu"  # on one side of ReLU's kink, never at it
        assert local.answer == pytest.approx(expected, rel=1e-12)


def test_level_five_is_the_network_in_the_values_view() -> None:
    for seed in SEEDS:
        exercise = generate(5, seed)
        assert exercise.view == "values" and exercise.source.count("sigmoid") == 3
        program = service.build(exercise.source)
        graph = service.graph_for(program, view="values")
        nodes = {n["id"]: n for n in graph["nodes"]}
        by_name = {n["name"]: n for n in graph["nodes"] if n["name"]}
        adjoints = gradients(program.output)
        local = question(exercise, "local")  # d y / d h1 = y (1 − y) w5
        y, w5 = program.names["y"].value, program.names["w5"].value
        assert nodes[local.target["source"]]["name"] == "h1" and nodes[local.target["target"]]["name"] == "y"
        assert local.answer == pytest.approx(y * (1 - y) * w5, rel=1e-12)
        for q in exercise.questions:
            if q.kind == "gradient":
                name = nodes[q.target["node"]]["name"]
                assert q.answer == pytest.approx(adjoints[program.names[name]], rel=1e-12, abs=1e-15)
            if q.kind == "count":
                assert q.answer == 2 and nodes[q.target["source"]]["name"] in ("x1", "x2")
        path = question(exercise, "path")
        edges = {e["id"]: e for e in graph["edges"]}
        product = math.prod(edges[e]["local"] for e in path.target["edges"])
        assert path.answer == pytest.approx(product, rel=1e-12)
        leaf = program.names[exercise.input]
        report = service.paths_for(program, exercise.input, 10, view="values")
        assert math.fsum(p["product"] for p in report["paths"]) == pytest.approx(adjoints[leaf], rel=1e-12)
        assert by_name["C"]["id"] == graph["output"]


# --- checking and hints ---------------------------------------------------------------------------

FAN_OUT = generate(2, 0)  # x = 0.5; u = x*x; v = u*x; y = v + u: five paths from x


def test_the_fan_out_exercise_is_the_one_these_tests_expect() -> None:
    assert FAN_OUT.source == "x = 0.5\nu = x * x\nv = u * x\ny = v + u"


def test_right_answers_pass_within_the_tolerance_and_counts_exactly() -> None:
    gradient = question(FAN_OUT, "gradient")
    assert gradient.answer == pytest.approx(3 * 0.5**2 + 2 * 0.5)  # d(x³ + x²)/dx = 1.75
    assert check(gradient, 1.75).correct
    assert check(gradient, 1.75 * (1 + REL_TOL / 2)).correct
    assert not check(gradient, 1.75 * (1 + 2 * REL_TOL)).correct
    count = question(FAN_OUT, "count")
    assert count.answer == 5
    assert check(count, 5).correct
    assert check(count, 4).hint == "count-low"
    assert check(count, 6).hint == "count-high"
    assert not check(count, 5.0001).correct


def test_a_gradient_without_one_path_is_told_which_path() -> None:
    gradient = question(FAN_OUT, "gradient")
    edges, product, _ = gradient.clues["paths"][0]
    verdict = check(gradient, 1.75 - product)
    assert (verdict.correct, verdict.hint, verdict.params) == (False, "path-left-out", {"edges": edges})


def test_a_gradient_that_follows_one_branch_is_told_to_add_the_fan_out() -> None:
    gradient = question(FAN_OUT, "gradient")
    # x's branch into v = u*x: dy/dv · dv/dx = 1 · u = 0.25 (u's two edges give 2 · 0.5 · (1 + x) each).
    verdict = check(gradient, 0.25)
    assert verdict.hint == "fan-out-not-added"
    assert verdict.params["branches"] == 3


def test_a_factor_off_and_a_sign_are_named() -> None:
    exercise = generate(4, 1)  # a sigmoid neuron: dC/dw = 2 (y − Y) · σ' · x with x = 2
    assert "x = 2;" in exercise.source
    dw = question(exercise, "gradient", 1)
    assert check(dw, -dw.answer).hint == "sign"
    verdict = check(dw, dw.answer / 2)  # x left out
    assert verdict.hint == "factor-off" and verdict.params["edge"].startswith("e")


def test_local_derivative_hints() -> None:
    exercise = generate(3, 0)  # h = sigmoid(z): dh/dz = h (1 − h)
    local = question(exercise, "local")
    assert check(local, local.clues["value"]).hint == "value-not-derivative"
    verdict = check(local, 0.9)
    assert (verdict.hint, verdict.params) == ("rule", {"op": "sigmoid"})


def test_a_path_whose_factors_were_added_is_told_to_multiply() -> None:
    path = question(FAN_OUT, "path")
    factors = path.clues["factors"]
    assert math.fsum(factors) != pytest.approx(path.answer)
    assert check(path, math.fsum(factors)).hint == "added-not-multiplied"
    assert check(path, path.answer).correct


def test_verdicts_show_the_answer_only_when_right_or_revealed() -> None:
    gradient = question(FAN_OUT, "gradient")
    wrong = verdict_to_dict(gradient, check(gradient, 1.0), reveal=False)
    assert wrong["expected"] is None and wrong["correct"] is False
    assert verdict_to_dict(gradient, check(gradient, 1.0), reveal=True)["expected"] == 1.75
    count = question(FAN_OUT, "count")
    assert verdict_to_dict(count, check(count, 5), reveal=False)["expected"] == "5"


def test_bad_levels_seeds_and_questions_are_refused_by_name() -> None:
    with pytest.raises(ValueError, match=r"level is one of 1\.\.5"):
        generate(6, 0)
    with pytest.raises(ValueError, match="seed"):
        generate(1, -1)
    with pytest.raises(KeyError, match="no question 'q9'"):
        FAN_OUT.question("q9")


# --- a given program (the student's own) ----------------------------------------------------------


@st.composite
def scalar_programs(draw: st.DrawFn) -> str:
    """A random program of 2–3 leaves and up to 8 statements reusing earlier names (fan-out)."""
    names = [f"v{i}" for i in range(draw(st.integers(2, 3)))]
    lines = [f"{name} = {draw(st.sampled_from(NICE_VALUES))}" for name in names]
    for k in range(draw(st.integers(1, 8))):
        left, right = draw(st.sampled_from(names)), draw(st.sampled_from(names))
        op = draw(st.sampled_from(("+", "-", "*")))
        expr = f"{left} {op} {right}"
        if draw(st.booleans()):
            expr = f"{draw(st.sampled_from(('sigmoid', 'tanh', 'sin')))}({expr})"
        lines.append(f"s{k} = {expr}")
        names.append(f"s{k}")
    return "\n".join(lines)


NICE_VALUES = ("-1.5", "-0.5", "0.25", "1", "2")


def answers_match_the_engine(exercise: Exercise) -> None:
    program = service.build(exercise.source, exercise.values, exercise.output)
    order = topological_order([program.output])
    ids = GraphIds(order)
    node_of = {v: k for k, v in ids.node.items()}
    edge_of = {v: k for k, v in ids.edge.items()}
    adjoints = gradients(program.output)
    for q in exercise.questions:
        if q.kind == "local":
            child, arg = edge_of[q.target["edge"]]
            assert q.answer == child.partials[arg]  # type: ignore[index]
        elif q.kind == "gradient":
            assert q.answer == adjoints[node_of[q.target["node"]]]
        elif q.kind == "count":
            assert q.answer == count_paths(program.output, node_of[q.target["source"]])
            assert node_of[q.target["source"]] is program.leaves[exercise.input]
        else:
            factors = [edge_of[e][0].partials[edge_of[e][1]] for e in q.target["edges"]]  # type: ignore[index]
            assert q.answer == pytest.approx(math.prod(factors), rel=1e-12)
            assert node_of[q.target["nodes"][0]] is program.leaves[exercise.input]
            assert node_of[q.target["nodes"][-1]] is program.output


@settings(derandomize=True, max_examples=80, deadline=None, database=None)
@given(source=scalar_programs())
def test_any_program_of_numbers_makes_an_exercise_whose_answers_are_the_engines(source: str) -> None:
    try:
        exercise = for_program(source)
    except RequestError as error:  # the output may depend on no leaf (v0 - v0), or be one
        assert error.field == "source"
        return
    assert exercise == for_program(source)  # the same program, the same questions
    assert exercise.level is None and exercise.view == "operations"
    kinds = [q.kind for q in exercise.questions]
    assert "gradient" in kinds and kinds[-1] == "count" and kinds[0] == "local"
    answers_match_the_engine(exercise)


def test_a_program_exercise_asks_about_the_input_with_the_most_paths_or_the_one_given() -> None:
    diamond = for_program("a = 2\nb = 1\ne = (a+b)*(b+1)")
    assert diamond.input == "b"  # two paths; a has one
    assert question(diamond, "count").answer == 2
    assert question(diamond, "gradient").answer == 5.0  # (b+1) + (a+b) at a = 2, b = 1
    given = for_program("a = 2\nb = 1\ne = (a+b)*(b+1)", input="a")
    assert given.input == "a" and question(given, "count").answer == 1
    moved = for_program("a = 2\nb = 1\ne = (a+b)*(b+1)", {"b": 3.0})
    assert question(moved, "gradient").answer == 9.0  # the values it was asked with count
    assert moved.public()["values"] == {"b": 3.0}
    # Every local question is on an edge some path from the input runs along, each asked once.
    program = service.build(given.source)
    order = topological_order([program.output])
    ids = GraphIds(order)
    b = ids.node[program.leaves["b"]]
    locals_ = [q for q in given.questions if q.kind == "local"]
    assert len({q.target["edge"] for q in locals_}) == len(locals_) == 2
    assert all(q.target["source"] != b for q in locals_)


def test_a_program_exercise_names_the_mistake_like_a_generated_one() -> None:
    exercise = for_program("x = 0.5\nu = x * x\nv = u * x\ny = v + u")
    inner = [q for q in exercise.questions if q.kind == "gradient"]
    dx = next(q for q in inner if q.target["node"] == "n0")
    assert check(dx, 1.75).correct
    assert check(dx, 0.25).hint == "fan-out-not-added"
    edges, product, _ = dx.clues["paths"][0]
    assert check(dx, 1.75 - product).params == {"edges": edges}
    assert check(question(exercise, "count"), 4).hint == "count-low"
    public = exercise.public()
    assert public["topic"] == "program" and "1.75" not in str(public)


def test_programs_that_cannot_be_exercises_are_refused_by_field() -> None:
    cases = [
        ("x = [1, 2]; y = sum(x*x)", {}, "source", "is an array"),
        ("x = 3", {}, "source", "at least one operation"),
        ("x = 3; y = 2 * 4", {}, "source", "depends on no input"),
        ("x = 3; y = x*x", {"input": "z"}, "input", "no input named 'z'"),
        ("x = 3; w = 1; y = x*x", {"input": "w"}, "input", "does not depend on 'w'"),
    ]
    for source, extra, field_name, words in cases:
        with pytest.raises(RequestError, match=words) as caught:
            for_program(source, **extra)
        assert caught.value.field == field_name, source
    with pytest.raises(LanguageError):
        for_program("x = 3; y = x*")
