"""What the API and the CLI do with a program, with no HTTP in it: build, serialise, list paths."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from pathgrad.engine import topological_order
from pathgrad.gradcheck import numeric_gradient
from pathgrad.graph_json import GraphIds, graph_to_dict, paths_to_dict, to_json_number
from pathgrad.language import LanguageError, Limits, Program, build_program
from pathgrad.paths import paths


class RequestError(ValueError):
    """A request that names something the program does not have, or asks for too much.

    ``field`` says which part of the request (``"input"``, ``"options.forward"``, ...); ``limit`` names
    the ``Settings`` field that was exceeded, if any.
    """

    def __init__(self, field: str, message: str, limit: str | None = None) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
        self.limit = limit


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


def _named(program: Program, name: str, field: str) -> Any:
    node = program.names.get(name)
    if node is None:
        known = ", ".join(sorted(program.names)) or "none"
        raise RequestError(field, f"no statement named {name!r} (names: {known})")
    return node


def graph_for(
    program: Program, *, forward: str | None = None, max_jacobian_entries: int = 4096
) -> dict[str, Any]:
    """The graph JSON of a built program."""
    forward_node = _named(program, forward, "options.forward") if forward is not None else None
    return graph_to_dict(
        program.output, forward_input=forward_node, max_jacobian_entries=max_jacobian_entries
    )


def paths_for(
    program: Program, source_name: str, limit: int, *, max_jacobian_entries: int = 4096
) -> dict[str, Any]:
    """The paths JSON (with the graph) for d(output)/d(source_name)."""
    source = _named(program, source_name, "input")
    output = program.output
    if type(output.value) is not float:
        raise RequestError("output", "path analysis needs a scalar output; reduce it with sum() or mean()")
    order = topological_order([output])
    ids = GraphIds(order)
    if source not in ids.node:
        raise RequestError("input", f"the output does not depend on {source_name!r}")
    try:
        report = paths(output, source, limit)
    except ValueError as error:
        raise RequestError("input", str(error)) from None
    result = paths_to_dict(report, ids, output, source)
    result["finite_difference"] = to_json_number(numeric_gradient(output, source))
    result["graph"] = graph_to_dict(output, order=order, max_jacobian_entries=max_jacobian_entries)
    return result


__all__ = ["LanguageError", "RequestError", "build", "graph_for", "paths_for"]
