"""POST /api/train: train a preset or a program, streamed as Server-Sent Events."""

from __future__ import annotations

import json
import threading
from collections.abc import AsyncIterator
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse

from pathgrad import service
from pathgrad.api.errors import ERROR_RESPONSES
from pathgrad.api.models import OptimizerModel, TrainRequest
from pathgrad.graph_json import to_json_number
from pathgrad.service import RequestError
from pathgrad.settings import Settings, get_settings
from pathgrad.training import OptimizerSettings, TrainingRun

router = APIRouter(tags=["training"])
SettingsDep = Annotated[Settings, Depends(get_settings)]


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


def _event(kind: str, data: dict[str, Any]) -> str:
    return f"event: {kind}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n"


def _prepare(request: TrainRequest, settings: Settings) -> tuple[TrainingRun, dict[str, Any]]:
    source, preset = service.request_source(request.source, request.preset, request.seed)
    loss_name = request.loss or (preset.loss if preset else None)
    program = service.build(source, request.values, loss_name, limits=settings.limits())
    loss_name = loss_name or program.output.name or "output"
    if request.params is not None:
        unknown = [n for n in request.params if n not in program.leaves]
        if unknown:
            raise RequestError("params", f"{unknown[0]!r} is not a leaf of the program")
        names = list(request.params)
    else:
        names = [n for n, leaf in program.leaves.items() if leaf.kind == "param"]
    if not names:
        raise RequestError(
            "params", "the program has no parameters: name them w…, b…, or list them in params"
        )
    layers = [list(layer) for layer in preset.layers] if preset and request.params is None else []
    if type(program.output.value) is not float:
        raise RequestError("loss", "the loss must be a number; reduce it with sum() or mean()")
    default_steps = preset.training.steps if preset else 1_000
    steps = default_steps if request.steps is None else request.steps
    if steps > settings.max_train_steps:
        raise RequestError("steps", f"steps is at most {settings.max_train_steps:,} (max_train_steps)")
    every = request.sample_every or max(1, steps // 200)
    if steps // every + 2 > settings.max_train_events:
        raise RequestError(
            "sample_every",
            f"{steps:,} steps sampled every {every} would send more than "
            f"{settings.max_train_events:,} events (max_train_events)",
        )
    optimizer = request.optimizer or OptimizerModel(
        lr=preset.training.learning_rate if preset else 0.1
    )
    run = TrainingRun(
        program.output,
        {n: program.leaves[n] for n in names},
        OptimizerSettings(**optimizer.model_dump()),
        steps,
        every,
        layers,
        max_seconds=settings.max_train_seconds,
    )
    start = {
        "source": source,
        "loss": loss_name,
        "params": names,
        "layers": run.layers,
        "steps": steps,
        "sample_every": every,
        "optimizer": optimizer.model_dump(),
    }
    return run, start


async def _stream(run: TrainingRun, start: dict[str, Any], request: Request) -> AsyncIterator[str]:
    """The run's events. Each chunk of steps runs in a worker thread; between chunks the stream
    checks whether the client is still there, and stops the run if not (or if it is cancelled)."""
    ACTIVE_RUNS.add(1)
    records = run.records()
    last_step, elapsed = 0, 0.0
    try:
        yield _event("start", start)
        while True:
            record = await anyio.to_thread.run_sync(next, records, None)
            if record is None:
                break
            last_step, elapsed = record.step, record.elapsed
            yield _event(
                "step",
                {
                    "step": record.step,
                    "loss": to_json_number(record.loss),
                    "params": {n: to_json_number(v) for n, v in record.params.items()},
                    "grads": {n: to_json_number(v) for n, v in record.grads.items()},
                    "layer_grad": [to_json_number(v) for v in record.layer_grad],
                    "dead_relu": record.dead_relu,
                    "elapsed": record.elapsed,
                },
            )
            if await request.is_disconnected():
                return
        yield _event("done", {"steps_run": last_step, "stopped": run.stopped, "elapsed": elapsed})
    finally:
        records.close()
        ACTIVE_RUNS.add(-1)


@router.post("/train", responses=_STREAM_DOC, response_class=StreamingResponse)
def train(body: TrainRequest, request: Request, settings: SettingsDep) -> StreamingResponse:
    """Train with SGD, momentum or Adam; stream loss, parameters, per-layer |gradient| and dead ReLUs."""
    run, start = _prepare(body, settings)
    return StreamingResponse(
        _stream(run, start, request),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
