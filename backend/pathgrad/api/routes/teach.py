"""POST /api/lab, GET /api/exercises, POST /api/exercises/program and POST /api/exercises/check:
validated here, computed in a compute process like the graph."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BeforeValidator

from pathgrad.api.errors import ERROR_RESPONSES
from pathgrad.api.routes.graph import computed
from pathgrad.api.teach_models import (
    CheckRequest,
    CheckResponse,
    ExerciseResponse,
    LabRequest,
    LabResponse,
    ProgramExerciseRequest,
)

router = APIRouter(tags=["teach"])


def _digits_only(value: object) -> object:
    # A query string's " 8", "8 " and "+8" would read as 8: a level or seed is digits, nothing else.
    if isinstance(value, str) and not re.fullmatch(r"[0-9]{1,10}", value):
        raise ValueError("a whole number written with digits only")
    return value


Level = Annotated[int, BeforeValidator(_digits_only), Query(ge=1, le=5, description="1 chain … 5 network")]
Seed = Annotated[int, BeforeValidator(_digits_only), Query(ge=0, le=2**32 - 1, description="any seed")]


@router.post("/lab", response_model=LabResponse, responses=ERROR_RESPONSES)
async def lab(body: LabRequest, request: Request) -> Response:
    """The correct reverse sweep and the classic mistakes, side by side on the program's graph."""
    return await computed(request, "lab", body)


@router.get("/exercises", response_model=ExerciseResponse, responses=ERROR_RESPONSES)
async def exercises(request: Request, level: Level, seed: Seed = 0) -> Response:
    """The exercise of `level` for `seed` (the same pair, the same exercise): a program and the
    quantities to hide; the answers stay on the server (check them with /api/exercises/check)."""
    return await computed(request, "exercise", (level, seed))


@router.post("/exercises/program", response_model=ExerciseResponse, responses=ERROR_RESPONSES)
async def program_exercise(body: ProgramExerciseRequest, request: Request) -> Response:
    """Make an exercise of a given program of numbers (the student's own): questions on its
    operations graph, picked the same way for the same program, values, input and output; check
    them with /api/exercises/check and the same four fields."""
    return await computed(request, "exercise-program", body)


@router.post("/exercises/check", response_model=CheckResponse, responses=ERROR_RESPONSES)
async def check(body: CheckRequest, request: Request) -> Response:
    """Check one answer of an exercise; a wrong one gets the hint that fits its mistake."""
    return await computed(request, "exercise-check", body)
