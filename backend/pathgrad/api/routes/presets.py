"""GET /api/presets: the seed's experiments."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query
from pydantic import BeforeValidator

from pathgrad.api.models import PresetModel
from pathgrad.presets import PRESETS, Preset

router = APIRouter(tags=["presets"])
SHOWN_NAME_CHARS = 40  # a 404 quotes at most this much of the name it was given


def _digits_only(value: object) -> object:
    # pydantic would read " 8", "8 " and "+8" as 8 in a query string; a seed is digits, nothing else.
    if isinstance(value, str) and not re.fullmatch(r"[0-9]{1,10}", value):
        raise ValueError("the seed must be a whole number written with digits only")
    return value


Seed = Annotated[int | None, BeforeValidator(_digits_only), Query(ge=0, le=2**32 - 1)]


def describe(preset: Preset, seed: int | None = None) -> dict[str, Any]:
    used = preset.default_seed if seed is None else seed
    return {
        "name": preset.name,
        "title": preset.title,
        "description": preset.description,
        "default_seed": preset.default_seed,
        "seed": used,
        "source": preset.source(used),
        "view_output": preset.view_output,
        "view_input": preset.view_input,
        "view": preset.view,
        "loss": preset.loss,
        "layers": [list(layer) for layer in preset.layers],
        "training": {
            "optimizer": preset.training.optimizer,
            "learning_rate": preset.training.learning_rate,
            "steps": preset.training.steps,
        },
    }


@router.get("/presets", response_model=list[PresetModel])
def presets() -> list[dict[str, Any]]:
    """Every preset with its program for its default seed."""
    return [describe(preset) for preset in PRESETS.values()]


@router.get("/presets/{name}", response_model=PresetModel, responses={404: {"description": "no such preset"}})
def preset(name: str, seed: Seed = None) -> dict[str, Any]:
    """One preset, its program generated with `seed` (default: the documented seed)."""
    found = PRESETS.get(name)
    if found is None:
        known = ", ".join(PRESETS)
        shown = name if len(name) <= SHOWN_NAME_CHARS else name[:SHOWN_NAME_CHARS] + "…"
        raise HTTPException(404, f"no preset named {shown!r} (presets: {known})")
    return describe(found, seed)
