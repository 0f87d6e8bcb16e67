"""POST /api/graph and POST /api/paths."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from pathgrad import service
from pathgrad.api.errors import ERROR_RESPONSES
from pathgrad.api.models import (
    AnyGraph,
    GraphRequest,
    PathsRequest,
    PathsResponse,
)
from pathgrad.language import Program
from pathgrad.service import RequestError
from pathgrad.settings import Settings, get_settings

router = APIRouter(tags=["graph"])
SettingsDep = Annotated[Settings, Depends(get_settings)]



# The endpoints return a JSONResponse of plain data that graph_json builds: re-validating a 10,000-node
# graph through the response model would cost more than building it. The models still document the
# schema, and the schemathesis test checks every answer against it.


def _build(request: GraphRequest | PathsRequest, settings: Settings) -> Program:
    """The request's program: its source, or a preset's (whose default output is its view)."""
    source, preset = service.request_source(request.source, request.preset, request.seed)
    output = request.output or (preset.view_output if preset else None)
    return service.build(
        source, request.values, output, limits=settings.limits(), expand=request.options.expand
    )


@router.post("/graph", response_model=AnyGraph, responses=ERROR_RESPONSES)
def graph(request: GraphRequest, settings: SettingsDep) -> JSONResponse:
    """Build the program's computation graph: values, adjoints of the output, local derivatives."""
    program = _build(request, settings)
    return JSONResponse(
        service.graph_for(
            program,
            forward=request.options.forward,
            max_jacobian_entries=settings.max_jacobian_entries,
            max_jacobian_total=settings.max_jacobian_total,
            view=request.view,
        )
    )


@router.post("/paths", response_model=PathsResponse, responses=ERROR_RESPONSES)
def paths(request: PathsRequest, settings: SettingsDep) -> JSONResponse:
    """Every path from `input` to the output: exact count, the largest |product| first, their sum."""
    if request.limit > settings.max_paths_limit:
        raise RequestError(
            "limit",
            f"limit is at most max_paths_limit={settings.max_paths_limit:,}",
            limit="max_paths_limit",
        )
    program = _build(request, settings)
    return JSONResponse(
        service.paths_for(
            program,
            request.input,
            request.limit,
            max_jacobian_entries=settings.max_jacobian_entries,
            max_jacobian_total=settings.max_jacobian_total,
            max_path_edges=settings.max_path_edges,
            view=request.view,
        )
    )
