"""GET /api/presets: the seed's experiments."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query
from pydantic import BeforeValidator

from pathgrad.api.models import PresetModel
from pathgrad.presets import PRESETS

router = APIRouter(tags=["presets"])
SHOWN_NAME_CHARS = 40  # a 404 quotes at most this much of the name it was given


def _digits_only(value: object) -> object:
    # pydantic would read " 8", "8 " and "+8" as 8 in a query string; a seed is digits, nothing else.
    if isinstance(value, str) and not re.fullmatch(r"[0-9]{1,10}", value):
        raise ValueError("the seed must be a whole number written with digits only")
    return value


Seed = Annotated[int | None, BeforeValidator(_digits_only), Query(ge=0, le=2**32 - 1)]


@router.get("/presets", response_model=list[PresetModel])
def presets() -> list[dict[str, Any]]:
    """Every preset with its program for its default seed."""
    return [preset.describe() for preset in PRESETS.values()]


@router.get("/presets/{name}", response_model=PresetModel, responses={404: {"description": "no such preset"}})
def preset(name: str, seed: Seed = None) -> dict[str, Any]:
    """One preset, its program generated with `seed` (default: the documented seed)."""
    found = PRESETS.get(name)
    if found is None:
        known = ", ".join(PRESETS)
        shown = name if len(name) <= SHOWN_NAME_CHARS else name[:SHOWN_NAME_CHARS] + "…"
        raise HTTPException(404, f"no preset named {shown!r} (presets: {known})")
    return found.describe(seed)
