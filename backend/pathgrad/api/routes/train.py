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
import time
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.types import Receive, Scope, Send

from pathgrad.api import wire
from pathgrad.api.errors import ERROR_RESPONSES
from pathgrad.api.models import TrainRequest
from pathgrad.api.pool import ACTIVE_RUNS, Child, Pool, Pools, Stopped
from pathgrad.api.routes.graph import client_key, stopped_response
from pathgrad.api.tasks import sse
from pathgrad.settings import Settings, get_settings

router = APIRouter(tags=["training"])
SettingsDep = Annotated[Settings, Depends(get_settings)]
GRACE_SECONDS = 2.0  # beyond max_train_seconds, for the run's last step and its done event


_STREAM_DOC: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "Server-Sent Events: one `start` (TrainStart), then `step` events (TrainStep) "
        "every `sample_every` steps, then one `done` (TrainDone). Closing the stream cancels the run.",
        "content": {"text/event-stream": {"schema": {"type": "string"}}},
    },
    **{code: doc for code, doc in ERROR_RESPONSES.items() if code != 200},
}

HEADERS = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}


async def _begin(child: Child, body: TrainRequest, timeout: float) -> tuple[int, bytes]:
    """Send the run to its process and read its first answer: the start event, or an error."""
    await child.send(wire.TRAIN, pickle.dumps(body))
    kind, status, payload = await child.read(timeout)
    if kind != wire.RESULT:
        raise EOFError("unexpected frame")
    return status, payload


class TrainStream(Response):
    """One training request, as an ASGI response: it leases a training process when it is sent (so
    that no process is leased by a response never sent), and holds it until the stream ends."""

    media_type = "text/event-stream"

    def __init__(self, pool: Pool, body: TrainRequest, client: str, settings: Settings) -> None:
        super().__init__(None, 200, HEADERS)
        self.pool, self.request, self.client, self.settings = pool, body, client, settings
        self.max_seconds = settings.max_train_seconds
        self.deadline = 0.0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            child = await self.pool.lease(self.client, 0.0)
        except Stopped as busy:
            await stopped_response(busy)(scope, receive, send)
            return
        finished = streaming = False
        try:
            limit = self.settings.max_compute_seconds
            try:
                status, first = await _begin(child, self.request, limit)
            except TimeoutError:
                stopped = Stopped(
                    422,
                    "max_compute_seconds",
                    f"building the program was stopped after {limit:g} s (max_compute_seconds)",
                )
                await stopped_response(stopped)(scope, receive, send)
                return
            except (OSError, EOFError):
                stopped = Stopped(503, None, "the training process stopped unexpectedly; retry")
                await stopped_response(stopped)(scope, receive, send)
                return
            if status != 200:  # the program or the request is wrong: the process is fine
                finished = True
                await Response(first, status_code=status, media_type="application/json")(scope, receive, send)
                return
            ACTIVE_RUNS.add(1)
            streaming = True
            self.deadline = time.monotonic() + self.max_seconds + GRACE_SECONDS
            finished = await self._stream(child, first, receive, send)
        finally:
            if streaming:
                ACTIVE_RUNS.add(-1)
            if not finished:
                self.pool.discard(child)  # the run may be mid-step: kill it
            self.pool.give_back(child, self.client)

    async def _stream(self, child: Child, first: bytes, receive: Receive, send: Send) -> bool:
        headers = [(k, v) for k, v in self.raw_headers if k != b"content-length"]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": first, "more_body": True})
        finished = False
        async with anyio.create_task_group() as group:

            async def watch() -> None:
                while (await receive())["type"] != "http.disconnect":
                    pass
                group.cancel_scope.cancel()  # the client went: stop pumping

            group.start_soon(watch)
            finished = await self._pump(child, send)
            group.cancel_scope.cancel()
        return finished

    async def _pump(self, child: Child, send: Send) -> bool:
        """Pass the run's events on; True when the run ended by itself."""
        last = b""
        while True:
            remaining = self.deadline - time.monotonic()
            try:
                if remaining <= 0:
                    raise TimeoutError
                kind, _, payload = await child.read(remaining)
            except TimeoutError:
                # The run did not end by itself (its process was waiting to send, or stuck in a
                # step): end the stream with a done event of the server's.
                stopped = f"stopped after {self.max_seconds:g} s (max_train_seconds)"
                info = {"steps_run": _step_of(last), "stopped": stopped, "elapsed": self.max_seconds}
                await send({"type": "http.response.body", "body": sse("done", info), "more_body": False})
                return False
            except (OSError, EOFError):
                await send({"type": "http.response.body", "body": b"", "more_body": False})
                return False
            if kind == wire.EVENT:
                last = payload
                await send({"type": "http.response.body", "body": payload, "more_body": True})
            else:  # END, or an error answer after the start (the process ran out of memory)
                await send({"type": "http.response.body", "body": b"", "more_body": False})
                return kind == wire.END


def _step_of(event: bytes) -> int:
    """The step of the last event sent (0 if there was none)."""
    _, _, data = event.partition(b"data: ")
    try:
        return int(json.loads(data).get("step", 0))
    except (ValueError, AttributeError, TypeError):
        return 0


@router.post("/train", responses=_STREAM_DOC, response_class=Response)
async def train(body: TrainRequest, request: Request, settings: SettingsDep) -> Any:
    """Train with SGD, momentum or Adam; stream loss, parameters, per-layer |gradient| and dead ReLUs."""
    pools: Pools = request.app.state.pools
    return TrainStream(pools.train, body, client_key(request), settings)
