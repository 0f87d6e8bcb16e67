"""What the compute processes run for the teaching routes: the lab and the exercises."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pathgrad import service
from pathgrad.api.teach_models import CheckRequest, LabRequest, ProgramExerciseRequest
from pathgrad.exercises import Exercise, check, for_program, generate, verdict_to_dict
from pathgrad.graph_json import GraphIds
from pathgrad.lab import VARIANTS, lab_to_dict, run_lab
from pathgrad.service import RequestError
from pathgrad.settings import Settings

Answer = tuple[int, bytes]


def _tasks() -> Any:
    # pathgrad.api.tasks imports this module to register TASKS below; its helpers are taken when a
    # task runs, so that either module can be imported first.
    from pathgrad.api import tasks

    return tasks


def lab(settings: Settings, request: LabRequest) -> Answer:
    """POST /api/lab: every variant asked for on the program's graph."""
    tasks = _tasks()

    def work() -> Answer:
        source, preset = service.request_source(request.source, request.preset, request.seed)
        output = request.output or (preset.view_output if preset else None)
        program = service.build(source, request.values, output, limits=settings.limits())
        variants = VARIANTS if request.variants is None else ("correct", *request.variants)
        try:
            result = run_lab(program.output, variants)
        except ValueError as error:
            raise RequestError("source", str(error)) from None
        content = lab_to_dict(result, program.leaves, GraphIds(result.order).node)
        return 200, tasks._measured(content, settings)

    return tasks._errors(work)


def exercise(settings: Settings, query: tuple[int, int]) -> Answer:
    """GET /api/exercises: the exercise of (level, seed), without its answers."""
    level, seed = query
    return 200, _tasks().encode(generate(level, seed).public())


def program_exercise(settings: Settings, request: ProgramExerciseRequest) -> Answer:
    """POST /api/exercises/program: the exercise of a given program, without its answers."""
    tasks = _tasks()

    def work() -> Answer:
        found = for_program(
            request.source, request.values, request.input, request.output, limits=settings.limits()
        )
        return 200, tasks.encode(found.public())

    return tasks._errors(work)


def exercise_check(settings: Settings, request: CheckRequest) -> Answer:
    """POST /api/exercises/check: the exercise again from (level, seed) or from its program, and
    one answer checked."""
    tasks = _tasks()
    generated = request.level is not None or request.seed is not None
    if generated == (request.source is not None):
        field = "source" if request.source is not None else "level"
        return _refused(tasks, field, "give a generated exercise's level and seed, or a program's source")
    if generated and (request.level is None or request.seed is None):
        return _refused(tasks, "seed" if request.seed is None else "level", "give both level and seed")

    def work() -> Answer:
        found: Exercise
        if request.source is None:
            assert request.level is not None and request.seed is not None
            found = generate(request.level, request.seed)
        else:
            found = for_program(
                request.source, request.values, request.input, request.output, limits=settings.limits()
            )
        try:
            question = found.question(request.question)
        except KeyError as error:
            return _refused(tasks, "question", error.args[0])
        if request.answer is None:
            if not request.reveal:
                return _refused(tasks, "answer", "give an answer, or reveal: true to see it")
            content = verdict_to_dict(question, check(question, question.answer), reveal=True)
            content["correct"] = None
            content["hint"] = None
            return 200, tasks.encode(content)
        verdict = check(question, request.answer)
        return 200, tasks.encode(verdict_to_dict(question, verdict, request.reveal))

    return tasks._errors(work)


def _refused(tasks: Any, field: str, message: str) -> Answer:
    detail = {"type": "value_error", "loc": ["body", field], "msg": message, "input": None}
    return 422, tasks.encode({"detail": [detail]})


TASKS: dict[str, Callable[..., Answer]] = {
    "lab": lab,
    "exercise": exercise,
    "exercise-check": exercise_check,
    "exercise-program": program_exercise,
}
