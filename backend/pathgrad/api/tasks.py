"""What the compute processes run: /api/graph, /api/paths and training runs, answered as bytes.

Each task takes the settings and the validated request model and returns ``(status, JSON bytes)``:
the answer, or the error in the API's shape (so a program error looks the same as before). The
answer is estimated before it is built (:mod:`pathgrad.api.cost`) and measured once encoded.

With ``small=True`` (:mod:`pathgrad.api.inline`: in a thread of the server process) the program is
built under the small-request bounds (``Settings.small_limits``) and its answer estimated against
``small_request_answer_bytes``; past either, :class:`NotSmall` is raised before anything large is
made, and the request goes to a compute process, which answers it as if it had never been tried.
"""

from __future__ import annotations

import dataclasses
import json
import socket
from collections.abc import Callable
from typing import Any

import orjson

from pathgrad import service
from pathgrad.api import teach_tasks, wire
from pathgrad.api.cost import PATH_EDGE_BYTES, AnswerSize, graph_size, refusal
from pathgrad.api.errors import language_error_detail, limit_detail, request_error_detail
from pathgrad.api.models import GraphRequest, PathsRequest, TrainRequest
from pathgrad.engine import topological_order
from pathgrad.graph_json import GraphIds, compact_json, numbers_of, structure_digest, to_json_number
from pathgrad.language import LanguageError
from pathgrad.program_cache import Built, ProgramCache
from pathgrad.service import RequestError
from pathgrad.settings import Settings
from pathgrad.training import TrainingRun

Answer = tuple[int, bytes]


def encode(content: Any) -> bytes:
    """Compact UTF-8 JSON, as Starlette's JSONResponse writes it (a number perhaps spelt otherwise:
    ``1e-05`` as ``0.00001``), by orjson: a 4,000-node graph's 1.7 MB take 2 ms, not the standard
    library's 25. What orjson does not take (a numpy scalar, a key that is not a string) is written
    by the standard library. JSON has no NaN or infinity: the graph JSON sends them as null with a
    kind (graph_json.to_json_number), and orjson writes any other as null too."""
    try:
        return orjson.dumps(content)
    except TypeError:
        return compact_json(content)


def _errors(work: Callable[[], Answer]) -> Answer:
    try:
        return work()
    except LanguageError as error:
        return 422, encode({"detail": [language_error_detail(error)]})
    except RequestError as error:
        return error.status, encode({"detail": [request_error_detail(error)]})


class NotSmall(Exception):
    """The request is over the small-request bounds: run it in a compute process instead."""


class _TooLarge(RequestError):
    def __init__(self, message: str) -> None:
        super().__init__("options", message, limit="max_response_bytes")


def _build(
    request: GraphRequest | PathsRequest, settings: Settings, small: bool, cache: ProgramCache | None
) -> Built:
    """The request's program: its source, or a preset's (whose default output is its view); from the
    compute process's ``cache`` when given (never in the small-request thread: it is not thread-safe)."""
    source, preset = service.request_source(request.source, request.preset, request.seed)
    output = request.output or (preset.view_output if preset else None)
    limits = settings.small_limits() if small else settings.limits()
    expand = request.options.expand
    try:
        if cache is not None and not small:
            return cache.build(source, request.values, output, limits=limits, expand=expand)
        return Built(service.build(source, request.values, output, limits=limits, expand=expand))
    except LanguageError as error:
        if small and error.limit is not None:
            # A small bound (or a real one: the compute process will say which) was passed.
            raise NotSmall from None
        raise


def _check_size(size: AnswerSize, settings: Settings, small: bool) -> None:
    if small and size.total > settings.small_request_answer_bytes:
        raise NotSmall
    if size.total > settings.max_response_bytes:
        raise _TooLarge(refusal(size, settings.max_response_bytes))


def _measured(content: dict[str, Any], settings: Settings) -> bytes:
    body = encode(content)
    if len(body) > settings.max_response_bytes:
        raise _TooLarge(
            f"the answer is {len(body) / 1e6:,.1f} MB, more than max_response_bytes="
            f"{settings.max_response_bytes:,}: use smaller arrays or fewer nodes"
        )
    return body


def _answer_graph(
    compute: Callable[[bool], dict[str, Any]],
    inside: str | None,
    view: str,
    wanted: str | None,
    memo: dict[str, Any],
) -> dict[str, Any]:
    """``compute(numbers_only)``'s answer, whose graph (``content[inside]``, or the content itself)
    gets its ``structure`` and ``numbers_only``: only the numbers when ``wanted`` is its structure.

    ``memo`` (a kept program's :attr:`~pathgrad.program_cache.Built.memo`) holds the digests of the
    graphs answered before with the same structure: when ``wanted`` is the view's, the numbers alone
    are computed, not the full graph.
    """
    known = memo.get("structure:" + view)
    fast = wanted is not None and wanted == known
    content = compute(fast)
    graph = content[inside] if inside else content
    if fast:
        assert known is not None
        graph = _numbers_answer(view, known, graph)
    else:
        digest = structure_digest(graph, encode)
        memo["structure:" + view] = digest
        if wanted == digest:  # the same structure, learnt only now (a program built afresh)
            graph = _numbers_answer(view, digest, numbers_of(graph))
        else:
            graph["numbers_only"] = False
            graph["structure"] = digest
    if inside is None:
        return graph
    content[inside] = graph
    return content


def _numbers_answer(view: str, structure: str, numbers: dict[str, Any]) -> dict[str, Any]:
    return {
        "view": view,
        "numbers_only": True,
        "structure": structure,
        "output": numbers["output"],
        "nodes": numbers["nodes"],
        "edges": numbers["edges"],
    }


def graph(
    settings: Settings, request: GraphRequest, small: bool = False, cache: ProgramCache | None = None
) -> Answer:
    def work() -> Answer:
        built = _build(request, settings, small, cache)
        program = built.program
        _check_size(
            graph_size(
                program.output,
                forward=request.options.forward is not None,
                max_jacobian_entries=settings.max_jacobian_entries,
                max_jacobian_total=settings.max_jacobian_total,
            ),
            settings,
            small,
        )
        def compute(numbers_only: bool) -> dict[str, Any]:
            return service.graph_for(
                program,
                forward=request.options.forward,
                max_jacobian_entries=settings.max_jacobian_entries,
                max_jacobian_total=settings.max_jacobian_total,
                view=request.view,
                numbers_only=numbers_only,
            )

        content = _answer_graph(compute, None, request.view, request.structure, built.memo)
        return 200, _measured(content, settings)

    return _errors(work)


def paths(
    settings: Settings, request: PathsRequest, small: bool = False, cache: ProgramCache | None = None
) -> Answer:
    def work() -> Answer:
        if request.limit > settings.max_paths_limit:
            raise RequestError(
                "limit",
                f"limit is at most max_paths_limit={settings.max_paths_limit:,}",
                limit="max_paths_limit",
            )
        built = _build(request, settings, small, cache)
        program, memo = built.program, built.memo
        # The output's order, its ids and the answer's estimate follow from the structure alone: a
        # kept program knows them from its last request.
        if "order" not in memo:
            memo["order"] = order = topological_order([program.output])
            memo["ids"] = GraphIds(order)
            memo["size"] = graph_size(
                program.output,
                forward=False,
                max_jacobian_entries=settings.max_jacobian_entries,
                max_jacobian_total=settings.max_jacobian_total,
                order=order,
            )
        order = memo["order"]
        size = dataclasses.replace(memo["size"])
        # The listed paths hold at most max_path_edges edges in all (see service.paths_for), and a
        # path has fewer edges than the graph has nodes.
        size.paths = PATH_EDGE_BYTES * min(settings.max_path_edges, request.limit * len(order))
        _check_size(size, settings, small)
        def compute(numbers_only: bool) -> dict[str, Any]:
            return service.paths_for(
                program,
                request.input,
                request.limit,
                max_jacobian_entries=settings.max_jacobian_entries,
                max_jacobian_total=settings.max_jacobian_total,
                max_path_edges=settings.max_path_edges,
                view=request.view,
                numbers_only=numbers_only,
                order=order,
                ids=memo["ids"],
            )

        content = _answer_graph(compute, "graph", request.view, request.structure, built.memo)
        return 200, _measured(content, settings)

    return _errors(work)


TASKS: dict[str, Callable[..., Answer]] = {"graph": graph, "paths": paths, **teach_tasks.TASKS}
# The tasks that take ``small=True`` (the small-request bounds are theirs), and a compute process's
# ``cache=`` of built programs.
SMALL_TASKS = frozenset({"graph", "paths"})
CACHED_TASKS = SMALL_TASKS


# --- training ------------------------------------------------------------------------------------

def sse(kind: str, data: dict[str, Any]) -> bytes:
    return f"event: {kind}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n".encode()


def prepare(request: TrainRequest, settings: Settings) -> tuple[TrainingRun, dict[str, Any]]:
    """The run a training request asks for and its ``start`` event (raises the API's errors)."""
    plan = service.prepare_training(
        source=request.source,
        preset=request.preset,
        seed=request.seed,
        values=request.values,
        loss=request.loss,
        params=request.params,
        steps=request.steps,
        sample_every=request.sample_every,
        optimizer=request.optimizer.model_dump() if request.optimizer is not None else None,
        limits=settings.limits(),
        bounds=settings.training_bounds(),
    )
    return plan.run, plan.start


def train(sock: socket.socket, settings: Settings, request: TrainRequest) -> None:
    """Run one training request, sending its events as they come.

    First a RESULT frame: 200 with the ``start`` event, or the error answer (then nothing more). Then
    one EVENT frame per sampled step, the ``done`` event and END. A reader that does not keep up
    makes ``sendall`` wait (the run's clock still runs, so ``max_train_seconds`` holds); the server
    kills this process when the stream's client has gone.
    """
    try:
        run, start = prepare(request, settings)
    except LanguageError as error:
        wire.send_frame(sock, wire.RESULT, 422, encode({"detail": [language_error_detail(error)]}))
        return
    except RequestError as error:
        wire.send_frame(sock, wire.RESULT, error.status, encode({"detail": [request_error_detail(error)]}))
        return
    wire.send_frame(sock, wire.RESULT, 200, sse("start", start))
    sent = 0
    last_step, elapsed = 0, 0.0
    stopped: str | None = None
    records = run.records()
    try:
        for record in records:
            last_step, elapsed = record.step, record.elapsed
            event = sse(
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
            sent += len(event)
            if sent > settings.max_train_stream_bytes:
                stopped = f"stopped after {sent:,} bytes of events (max_train_stream_bytes)"
                break
            wire.send_frame(sock, wire.EVENT, 0, event)
    finally:
        records.close()
    done = {"steps_run": last_step, "stopped": stopped or run.stopped, "elapsed": elapsed}
    wire.send_frame(sock, wire.EVENT, 0, sse("done", done))
    wire.send_frame(sock, wire.END)


__all__ = ["CACHED_TASKS", "SMALL_TASKS", "TASKS", "NotSmall", "limit_detail", "prepare", "train"]
