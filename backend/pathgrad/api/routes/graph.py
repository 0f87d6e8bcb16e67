"""POST /api/graph and POST /api/paths."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from pathgrad import service
from pathgrad.api.models import Graph, GraphRequest, PathsRequest, PathsResponse
from pathgrad.service import RequestError
from pathgrad.settings import Settings, get_settings

router = APIRouter(tags=["graph"])
SettingsDep = Annotated[Settings, Depends(get_settings)]

_ERRORS: dict[int | str, dict[str, Any]] = {
    422: {"description": "the program, a name or a limit is wrong; `ctx` has line and column"},
    413: {"description": "the request body is larger than max_body_bytes"},
}


@router.post("/graph", response_model=Graph, responses=_ERRORS)
def graph(request: GraphRequest, settings: SettingsDep) -> dict[str, Any]:
    """Build the program's computation graph: values, adjoints of the output, local derivatives."""
    program = service.build(
        request.source,
        request.values,
        request.output,
        limits=settings.limits(),
        expand=request.options.expand,
    )
    return service.graph_for(
        program, forward=request.options.forward, max_jacobian_entries=settings.max_jacobian_entries
    )


@router.post("/paths", response_model=PathsResponse, responses=_ERRORS)
def paths(request: PathsRequest, settings: SettingsDep) -> dict[str, Any]:
    """Every path from `input` to the output: exact count, the largest |product| first, their sum."""
    if request.limit > settings.max_paths_limit:
        raise RequestError("limit", f"limit is at most {settings.max_paths_limit} (max_paths_limit)")
    program = service.build(
        request.source,
        request.values,
        request.output,
        limits=settings.limits(),
        expand=request.options.expand,
    )
    return service.paths_for(
        program, request.input, request.limit, max_jacobian_entries=settings.max_jacobian_entries
    )
