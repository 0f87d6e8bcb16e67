"""POST /api/graph and POST /api/paths: validated here, computed in a compute process (or, when small,
in the server process's small-request thread: :mod:`pathgrad.api.inline`)."""

from __future__ import annotations

import asyncio
import gzip
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response

from pathgrad.api.errors import ERROR_RESPONSES, limit_detail
from pathgrad.api.inline import SmallLane
from pathgrad.api.models import AnyGraph, GraphRequest, PathsRequest, PathsResponse
from pathgrad.api.pool import Pools, Stopped
from pathgrad.settings import Settings, get_settings

router = APIRouter(tags=["graph"])
SettingsDep = Annotated[Settings, Depends(get_settings)]

# The compute process answers with the JSON bytes that graph_json's plain data encode to: re-validating
# a 10,000-node graph through the response model would cost more than building it. The models still
# document the schema, and the schemathesis test checks every answer against it.


def client_key(request: Request) -> str:
    """Who is asking: the peer's address, or the X-Forwarded-For client of a trusted proxy."""
    return request.client.host if request.client else "-"


# Answers from this size on go gzipped to a client that takes gzip (every browser): a 4,000-node graph's
# 1.7 MB of JSON become 96 KB in 5 ms (level 1, in a thread: zlib lets go of the GIL), which Chromium
# reads in 5 ms instead of 20-30 even on loopback, and a classroom's Wi-Fi in a fraction of the time.
GZIP_MIN_BYTES = 32_768
GZIP_LEVEL = 1


def takes_gzip(request: Request) -> bool:
    """Whether the request's Accept-Encoding takes gzip (and not with q=0)."""
    for part in request.headers.get("accept-encoding", "").split(","):
        name, _, params = part.strip().partition(";")
        if name.strip().lower() in ("gzip", "*"):
            q = params.strip().lower()
            if not q.startswith("q="):
                return True
            try:
                return float(q[2:]) > 0
            except ValueError:
                return False
    return False


async def json_answer(request: Request, status: int, body: bytes) -> Response:
    """A computed answer's JSON bytes as the response, gzipped when big and the client takes it."""
    if len(body) < GZIP_MIN_BYTES:
        return Response(body, status_code=status, media_type="application/json")
    headers = {"Vary": "Accept-Encoding"}
    if takes_gzip(request):
        body = await asyncio.to_thread(gzip.compress, body, GZIP_LEVEL, mtime=0)
        headers["Content-Encoding"] = "gzip"
    return Response(body, status_code=status, media_type="application/json", headers=headers)


def stopped_response(stopped: Stopped) -> JSONResponse:
    """A stopped or refused task: 422 naming the limit, or 503 with Retry-After."""
    if stopped.status == 422:
        content: Any = {"detail": [limit_detail(stopped.limit or "", stopped.message)]}
        return JSONResponse(content, status_code=422)
    return JSONResponse({"detail": stopped.message}, status_code=stopped.status, headers={"Retry-After": "1"})


async def computed(request: Request, task: str, body: Any) -> Response:
    small: SmallLane = request.app.state.small
    if small.may_be_small(task, request.headers.get("content-length")):
        inline = await small.answer(task, body)
        if inline is not None:
            return await json_answer(request, inline[0], inline[1])
    pools: Pools = request.app.state.pools
    try:
        status, answer = await pools.compute.call(client_key(request), task, body)
    except Stopped as stopped:
        return stopped_response(stopped)
    return await json_answer(request, status, answer)


@router.post("/graph", response_model=AnyGraph, responses=ERROR_RESPONSES)
async def graph(body: GraphRequest, request: Request) -> Response:
    """Build the program's computation graph: values, adjoints of the output, local derivatives."""
    return await computed(request, "graph", body)


@router.post("/paths", response_model=PathsResponse, responses=ERROR_RESPONSES)
async def paths(body: PathsRequest, request: Request) -> Response:
    """Every path from `input` to the output: exact count, the largest |product| first, their sum."""
    return await computed(request, "paths", body)
