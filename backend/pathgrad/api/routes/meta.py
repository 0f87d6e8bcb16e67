"""GET /api/ops and GET /api/health."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from pathgrad import __version__
from pathgrad.api.models import Health, Op
from pathgrad.api.pool import ACTIVE_RUNS
from pathgrad.primitives import PRIMITIVES

router = APIRouter(tags=["meta"])


@router.get("/ops", response_model=list[Op])
def ops() -> list[dict[str, Any]]:
    """The primitive table: name, arity, symbol and derivative formula of every operation."""
    return [row.describe() for row in PRIMITIVES.values()]


@router.get("/health", response_model=Health)
async def health() -> dict[str, Any]:
    """Liveness: answers as long as the process serves requests (on the event loop, which never
    computes: programs run in compute processes)."""
    return {"status": "ok", "version": __version__, "training_runs": ACTIVE_RUNS.count}
