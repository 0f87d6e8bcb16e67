"""POST /api/train: train a preset or a program in a training process, streamed as Server-Sent Events.

Each run has a process of its own from the training pool (``max_train_streams`` per worker process,
``max_train_streams_per_client`` per client). The stream ends, and the run with it (its process is
killed, its memory returned), when the run is done, when its client goes, when the client stops
reading for ``send_stall_seconds`` (the edge middleware drops the connection), or at
``max_train_seconds`` plus a grace period whatever the run is doing.
"""

from __future__ import annotations

import json
import pickle
import threading
import time
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.types import Receive, Scope, Send

from pathgrad.api import wire
from pathgrad.api.errors import ERROR_RESPONSES
from pathgrad.api.models import TrainRequest
from pathgrad.api.pool import Child, Pool, Pools, Stopped
from pathgrad.api.routes.graph import client_key, stopped_response
from pathgrad.settings import Settings, get_settings

router = APIRouter(tags=["training"])
SettingsDep = Annotated[Settings, Depends(get_settings)]
GRACE_SECONDS = 2.0  # beyond max_train_seconds, for the run's last step and its done event


class ActiveRuns:
    """How many training streams this process is running (for /api/health and the tests)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.count = 0

    def add(self, delta: int) -> None:
        with self._lock:
            self.count += delta


ACTIVE_RUNS = ActiveRuns()

_STREAM_DOC: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "Server-Sent Events: one `start` (TrainStart), then `step` events (TrainStep) "
        "every `sample_every` steps, then one `done` (TrainDone). Closing the stream cancels the run.",
        "content": {"text/event-stream": {"schema": {"type": "string"}}},
    },
    **{code: doc for code, doc in ERROR_RESPONSES.items() if code != 200},
}

HEADERS = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}


def _sse(kind: str, data: dict[str, Any]) -> bytes:
    return f"event: {kind}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n".encode()


async def _begin(child: Child, body: TrainRequest, timeout: float) -> tuple[int, bytes]:
    """Send the run to its process and read its first answer: the start event, or an error."""
    await child.send(wire.TRAIN, pickle.dumps(body))
    kind, status, payload = await child.read(timeout)
    if kind != wire.RESULT:
        raise EOFError("unexpected frame")
    return status, payload


class TrainStream(Response):
    """The stream of one run; owns the leased process until the stream ends."""

    media_type = "text/event-stream"

    def __init__(self, pool: Pool, child: Child, client: str, first: bytes, settings: Settings) -> None:
        super().__init__(None, 200, HEADERS)
        self.pool, self.child, self.client, self.first = pool, child, client, first
        self.deadline = time.monotonic() + settings.max_train_seconds + GRACE_SECONDS
        self.max_seconds = settings.max_train_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        finished = False
        try:
            headers = [(k, v) for k, v in self.raw_headers if k != b"content-length"]
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            await send({"type": "http.response.body", "body": self.first, "more_body": True})
            async with anyio.create_task_group() as group:

                async def watch() -> None:
                    while (await receive())["type"] != "http.disconnect":
                        pass
                    group.cancel_scope.cancel()  # the client went: stop pumping

                group.start_soon(watch)
                finished = await self._pump(send)
                group.cancel_scope.cancel()
        finally:
            ACTIVE_RUNS.add(-1)
            if not finished:
                self.pool.discard(self.child)  # the run may be mid-step: kill it
            self.pool.give_back(self.child, self.client)

    async def _pump(self, send: Send) -> bool:
        """Pass the run's events on; True when the run ended by itself."""
        while True:
            remaining = self.deadline - time.monotonic()
            try:
                if remaining <= 0:
                    raise TimeoutError
                kind, _, payload = await self.child.read(remaining)
            except TimeoutError:
                stopped = f"stopped after {self.max_seconds:g} s (max_train_seconds)"
                done = _sse("done", {"steps_run": None, "stopped": stopped, "elapsed": self.max_seconds})
                await send({"type": "http.response.body", "body": done, "more_body": False})
                return False
            except (OSError, EOFError):
                await send({"type": "http.response.body", "body": b"", "more_body": False})
                return False
            if kind == wire.EVENT:
                await send({"type": "http.response.body", "body": payload, "more_body": True})
            else:  # END, or an error answer after the start (the process ran out of memory)
                await send({"type": "http.response.body", "body": b"", "more_body": False})
                return kind == wire.END


@router.post("/train", responses=_STREAM_DOC, response_class=Response)
async def train(body: TrainRequest, request: Request, settings: SettingsDep) -> Any:
    """Train with SGD, momentum or Adam; stream loss, parameters, per-layer |gradient| and dead ReLUs."""
    pools: Pools = request.app.state.pools
    client = client_key(request)
    try:
        child = await pools.train.lease(client, 0.0)
    except Stopped as stopped:
        return stopped_response(stopped)
    handed_over = clean = False
    try:
        try:
            status, first = await _begin(child, body, settings.max_compute_seconds)
        except TimeoutError:
            return stopped_response(Stopped(
                422, "max_compute_seconds",
                f"building the program was stopped after {settings.max_compute_seconds:g} s "
                "(max_compute_seconds)",
            ))
        except (OSError, EOFError):
            return stopped_response(Stopped(503, None, "the training process stopped unexpectedly; retry"))
        clean = True
        if status != 200:
            return Response(first, status_code=status, media_type="application/json")
        ACTIVE_RUNS.add(1)
        handed_over = True
        return TrainStream(pools.train, child, client, first, settings)
    finally:
        if not handed_over:
            if not clean:
                pools.train.discard(child)
            pools.train.give_back(child, client)
