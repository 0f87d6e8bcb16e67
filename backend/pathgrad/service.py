"""What the API and the CLI do with a program, with no HTTP in it: build, serialise, list paths."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any, cast

import numpy as np

from pathgrad import defaults
from pathgrad.engine import Node, tangents, topological_order
from pathgrad.gradcheck import FiniteDifference, finite_difference
from pathgrad.graph_json import (
    GraphIds,
    graph_numbers,
    graph_to_dict,
    paths_to_dict,
    to_json_kind,
    to_json_number,
)
from pathgrad.language import LanguageError, Limits, Program, build_program
from pathgrad.paths import paths
from pathgrad.presets import PRESETS, Preset
from pathgrad.training import OptimizerSettings, TrainingRun
from pathgrad.values_view import (
    VIEWS,
    ValueNode,
    ValuesGraph,
    value_finite_difference,
    value_paths,
    value_paths_to_dict,
    value_tangents,
    values_graph,
    values_numbers,
    values_to_dict,
)


class RequestError(ValueError):
    """A request that names something the program does not have, or asks for too much.

    ``field`` says which part of the request (``"input"``, ``"options.forward"``, ...); ``limit`` names
    the ``Settings`` field that was exceeded, if any; ``status`` is the HTTP status to answer with.
    """

    def __init__(
        self, field: str, message: str, limit: str | None = None, *, status: int = 422
    ) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
        self.limit = limit
        self.status = status


def build(
    source: str,
    values: Mapping[str, Any] | None = None,
    output: str | None = None,
    *,
    limits: Limits | None = None,
    expand: bool = False,
) -> Program:
    """Parse and build a program (raises :class:`LanguageError`).

    Overflow and domain errors become flagged non-finite nodes, so numpy's warnings are silenced.
    """
    with np.errstate(all="ignore"):
        return build_program(source, values or {}, output, limits or Limits(), expand=expand)


def request_source(
    source: str | None, preset: str | None, seed: int | None
) -> tuple[str, Preset | None]:
    """The program text of a request that gives either a source or a preset's name (and seed)."""
    if preset is None:
        if source is None:
            raise RequestError("source", "give the program's source, or a preset's name")
        return source, None
    if source is not None:
        raise RequestError("source", "give either a source or a preset, not both")
    found = PRESETS.get(preset)
    if found is None:
        raise RequestError("preset", f"no preset named {preset!r} (presets: {', '.join(PRESETS)})")
    return found.source(seed), found


def _named(program: Program, name: str, field: str) -> Any:
    node = program.names.get(name)
    if node is None:
        known = ", ".join(sorted(program.names)) or "none"
        raise RequestError(field, f"no statement named {name!r} (names: {known})")
    return node


def _check_view(view: str) -> None:
    if view not in VIEWS:
        raise RequestError("view", f"view is one of {', '.join(map(repr, VIEWS))}, not {view!r}")


def graph_for(
    program: Program,
    *,
    forward: str | None = None,
    max_jacobian_entries: int = defaults.MAX_JACOBIAN_ENTRIES,
    max_jacobian_total: int = defaults.MAX_JACOBIAN_TOTAL,
    view: str = "operations",
    numbers_only: bool = False,
) -> dict[str, Any]:
    """The graph JSON of a built program: one node per operation, or with ``view="values"`` one
    node per statement (see :mod:`pathgrad.values_view`). Either has ``"view"`` at its top level.

    With ``numbers_only``, only its numbers, as columns (:func:`pathgrad.graph_json.graph_numbers`),
    and ``view``.
    """
    _check_view(view)
    forward_node = _named(program, forward, "options.forward") if forward is not None else None
    if view == "values":
        graph = values_graph(program)
        forward_value = graph.by_name.get(forward) if forward is not None else None
        if numbers_only:
            return values_numbers(
                graph,
                forward_input=forward_value,
                max_jacobian_entries=max_jacobian_entries,
                max_jacobian_total=max_jacobian_total,
            )
        return _values_dict(program, graph, forward_value, max_jacobian_entries, max_jacobian_total)
    make = graph_numbers if numbers_only else graph_to_dict
    result = make(
        program.output,
        forward_input=forward_node,
        max_jacobian_entries=max_jacobian_entries,
        max_jacobian_total=max_jacobian_total,
    )
    result["view"] = "operations"
    return result


def _values_dict(
    program: Program,
    graph: ValuesGraph,
    forward: ValueNode | None,
    max_jacobian_entries: int,
    max_jacobian_total: int,
) -> dict[str, Any]:
    return values_to_dict(
        graph,
        GraphIds(topological_order([program.output])),
        forward_input=forward,
        max_jacobian_entries=max_jacobian_entries,
        max_jacobian_total=max_jacobian_total,
    )


def paths_for(
    program: Program,
    source_name: str,
    limit: int,
    *,
    max_jacobian_entries: int = defaults.MAX_JACOBIAN_ENTRIES,
    max_jacobian_total: int = defaults.MAX_JACOBIAN_TOTAL,
    max_path_edges: int = defaults.MAX_PATH_EDGES,
    view: str = "operations",
    numbers_only: bool = False,
    order: Sequence[Node] | None = None,
    ids: GraphIds | None = None,
) -> dict[str, Any]:
    """The paths JSON (with the graph) for d(output)/d(source_name).

    At most ``limit`` paths are listed, and fewer when they are long: the listed paths hold at most
    ``max_path_edges`` edges in all (judged by the longest path), so that 1,000 paths along a
    10,000-node chain do not make a gigabyte of JSON. The answer's ``limit`` is the one used.
    With ``view="values"`` the paths go through the values graph (one node per statement). With
    ``numbers_only``, its ``graph`` holds only the numbers (as :func:`graph_for`'s). ``order`` (the
    output's topological order) and ``ids`` (its :class:`GraphIds`), when the caller has them, are
    not computed again.
    """
    _check_view(view)
    source = _named(program, source_name, "input")
    output = program.output
    if type(output.value) is not float:
        raise RequestError("output", "path analysis needs a scalar output; reduce it with sum() or mean()")
    if type(source.value) is not float:  # (with limit 0 nothing else would say so)
        raise RequestError(
            "input",
            f"path listing needs numbers on every edge; the input {source_name!r} is an array "
            "(paths are listed for scalar graphs; use reverse mode for arrays)",
        )
    if view == "values":
        return _value_paths_for(
            program, source_name, limit, max_jacobian_entries, max_jacobian_total, max_path_edges,
            numbers_only,
        )
    if order is None:
        order = topological_order([output])
    if ids is None:
        ids = GraphIds(order)
    if source not in ids.node:
        raise RequestError("input", f"the output does not depend on {source_name!r}")
    longest = _longest_path(order, source, output)
    if longest > 0 and limit * longest > max_path_edges:
        limit = max(1, max_path_edges // longest) if limit else 0
    try:
        report = paths(output, source, limit)
    except ValueError as error:
        raise RequestError("input", str(error)) from None
    result = paths_to_dict(report, ids, output, source)
    # Two witnesses of the gradient: forward mode (exact, another order of the same products) and
    # an extrapolated finite difference with its own error, which says when it cannot resolve.
    with np.errstate(all="ignore"):
        forward = float(tangents([output], source).get(output, 0.0))
        estimate = finite_difference(output, source)
    _witnesses(result, forward, estimate, report.gradient)
    result["graph"] = (graph_numbers if numbers_only else graph_to_dict)(
        output,
        order=order,
        max_jacobian_entries=max_jacobian_entries,
        max_jacobian_total=max_jacobian_total,
    )
    result["graph"]["view"] = "operations"
    result["view"] = "operations"
    return result


def _value_paths_for(
    program: Program,
    source_name: str,
    limit: int,
    max_jacobian_entries: int,
    max_jacobian_total: int,
    max_path_edges: int,
    numbers_only: bool,
) -> dict[str, Any]:
    graph = values_graph(program)
    source = graph.by_name.get(source_name)
    if source is None:
        raise RequestError("input", f"the output does not depend on {source_name!r}")
    # _longest_path reads only .parents, which value nodes have too.
    longest = _longest_path(cast(Any, graph.nodes), cast(Any, source), cast(Any, graph.output))
    if longest > 0 and limit * longest > max_path_edges:
        limit = max(1, max_path_edges // longest) if limit else 0
    try:
        report = value_paths(graph, source, limit)
    except ValueError as error:
        raise RequestError("input", str(error)) from None
    result = value_paths_to_dict(report, graph, source)
    with np.errstate(all="ignore"):
        forward = float(value_tangents(graph, source).get(graph.output, 0.0))
        estimate = value_finite_difference(graph, source)
    _witnesses(result, forward, estimate, report.gradient)
    if numbers_only:
        result["graph"] = values_numbers(
            graph, max_jacobian_entries=max_jacobian_entries, max_jacobian_total=max_jacobian_total
        )
    else:
        result["graph"] = _values_dict(program, graph, None, max_jacobian_entries, max_jacobian_total)
    result["view"] = "values"
    return result


def _witnesses(result: dict[str, Any], forward: float, estimate: FiniteDifference, gradient: float) -> None:
    """The paths answer's two witnesses of ``gradient``, with their kinds, reasons and verdict."""
    result["forward_mode"] = to_json_number(forward)
    result["forward_mode_kind"] = to_json_kind(forward)
    result["finite_difference"] = to_json_number(estimate.value)
    result["finite_difference_kind"] = to_json_kind(estimate.value)
    result["finite_difference_error"] = to_json_number(estimate.error)
    result["finite_difference_resolves"] = estimate.resolves
    result["finite_difference_verdict"] = estimate.verdict(gradient)
    if not math.isfinite(forward):
        result["reasons"]["forward_mode"] = "forward mode meets a non-finite local derivative or tangent"
    if not math.isfinite(estimate.value):
        result["reasons"]["finite_difference"] = "the output is not finite near the input's value"


def _longest_path(order: Sequence[Node], source: Node, output: Node) -> int:
    """The number of edges of the longest path from ``source`` to ``output`` (one pass, no recursion)."""
    length = {source: 0}
    for node in order[order.index(source) + 1 :]:
        best = -1
        for parent in node.parents:
            known = length.get(parent)
            if known is not None and known >= best:
                best = known + 1
        if best >= 0:
            length[node] = best
    return length.get(output, 0)


# --- training ------------------------------------------------------------------------------------

# A step event's bytes beside its numbers (keys, step, loss, elapsed, the SSE framing).
EVENT_OVERHEAD_BYTES = 200


@dataclass(frozen=True)
class TrainingBounds:
    """How much one training run may ask for (the server's ``max_train_*`` settings)."""

    max_steps: int
    max_events: int
    max_stream_bytes: int
    max_seconds: float


@dataclass(frozen=True)
class TrainingPlan:
    """A training run ready to go, and what its ``start`` event says about it."""

    run: TrainingRun
    start: dict[str, Any]


def prepare_training(
    *,
    source: str | None,
    preset: str | None,
    seed: int | None,
    values: Mapping[str, Any] | None,
    loss: str | None,
    params: Sequence[str] | None,
    steps: int | None,
    sample_every: int | None,
    optimizer: Mapping[str, Any] | None,
    limits: Limits,
    bounds: TrainingBounds,
) -> TrainingPlan:
    """The run a training request asks for, with its defaults and rules (raises RequestError,
    LanguageError): a preset's loss, layers, steps and learning rate unless given; every parameter
    unless ``params`` names leaves; about 200 events; refused beyond ``bounds``."""
    text, found = request_source(source, preset, seed)
    loss_name = loss or (found.loss if found else None)
    program = build(text, values, loss_name, limits=limits)
    loss_name = loss_name or program.output.name or "output"
    if params is not None:
        unknown = [n for n in params if n not in program.leaves]
        if unknown:
            raise RequestError("params", f"{unknown[0]!r} is not a leaf of the program")
        names = list(params)
    else:
        names = [n for n, leaf in program.leaves.items() if leaf.kind == "param"]
    if not names:
        raise RequestError(
            "params", "the program has no parameters: name them w…, b…, or list them in params"
        )
    layers = [list(layer) for layer in found.layers] if found and params is None else []
    if type(program.output.value) is not float:
        raise RequestError("loss", "the loss must be a number; reduce it with sum() or mean()")
    default_steps = found.training.steps if found else defaults.TRAIN_STEPS
    steps = default_steps if steps is None else steps
    if steps > bounds.max_steps:
        raise RequestError("steps", f"steps is at most {bounds.max_steps:,} (max_train_steps)")
    every = sample_every or max(1, steps // 200)
    events = steps // every + 2
    if events > bounds.max_events:
        raise RequestError(
            "sample_every",
            f"{steps:,} steps sampled every {every} would send more than "
            f"{bounds.max_events:,} events (max_train_events)",
        )
    # Each step event carries every parameter and its gradient.
    elements = sum(math.prod(program.leaves[n].shape) for n in names)
    estimate = events * (EVENT_OVERHEAD_BYTES + 2 * 20 * elements)
    if estimate > bounds.max_stream_bytes:
        raise RequestError(
            "sample_every",
            f"{events:,} events of {elements:,} parameters and their gradients would be about "
            f"{estimate / 1e6:,.1f} MB, more than "
            f"max_train_stream_bytes={bounds.max_stream_bytes:,}: "
            "sample fewer steps (sample_every) or train fewer parameters",
            limit="max_train_stream_bytes",
        )
    if optimizer is None:
        chosen = OptimizerSettings(lr=found.training.learning_rate if found else defaults.LEARNING_RATE)
    else:
        chosen = OptimizerSettings(**optimizer)
    run = TrainingRun(
        program.output,
        {n: program.leaves[n] for n in names},
        chosen,
        steps,
        every,
        layers,
        max_seconds=bounds.max_seconds,
    )
    start = {
        "source": text,
        "loss": loss_name,
        "params": names,
        "layers": run.layers,
        "steps": steps,
        "sample_every": every,
        "optimizer": asdict(chosen),
    }
    return TrainingPlan(run, start)


__all__ = [
    "LanguageError",
    "RequestError",
    "TrainingBounds",
    "TrainingPlan",
    "build",
    "graph_for",
    "paths_for",
    "prepare_training",
]
