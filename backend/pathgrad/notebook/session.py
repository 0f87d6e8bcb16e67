"""What the notebook widget's kernel side computes: the API's answers, with no HTTP and no server.

The page asks ``graph(body)`` and ``paths(body)`` with the bodies of ``POST /api/graph`` and
``POST /api/paths``; a :class:`Session` answers them with the same ``(status, JSON)`` the API would.
A program text goes through the API's own tasks (:mod:`pathgrad.api.tasks`: same validation, limits
and errors). A graph built in Python is answered by :mod:`pathgrad.service` on that graph: a request's
``values`` are set on its leaves, which are evaluated again in place (so ``y.value`` follows the
widget), and a value left out goes back to the one the graph was built with.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

import numpy as np
from fastapi.encoders import jsonable_encoder
from pydantic import ValidationError

from pathgrad import service
from pathgrad.api import tasks
from pathgrad.api.errors import json_safe, request_error_detail
from pathgrad.api.models import GraphRequest, PathsRequest
from pathgrad.engine import Node, recompute, topological_order
from pathgrad.graph_json import GraphIds
from pathgrad.language import Program
from pathgrad.primitives import PRIMITIVES
from pathgrad.service import RequestError
from pathgrad.settings import Settings, get_settings

Answer = tuple[int, Any]
MODELS: dict[str, type[GraphRequest] | type[PathsRequest]] = {"graph": GraphRequest, "paths": PathsRequest}


def ops() -> list[dict[str, Any]]:
    """``GET /api/ops``: the primitive table."""
    return [row.describe() for row in PRIMITIVES.values()]


def _invalid(error: ValidationError) -> Answer:
    """A body the API's models refuse: 422 as the API writes it (``loc`` starts with ``"body"``)."""
    errors = [{**e, "loc": ("body", *e["loc"])} for e in error.errors(include_url=False)]
    return 422, {"detail": json_safe(jsonable_encoder(errors))}


def _decode(answer: tuple[int, bytes]) -> Answer:
    status, body = answer
    return status, json.loads(body)


class Session:
    """Answers the page's graph and paths requests for one program text or one Python graph."""

    def __init__(
        self,
        source: str | None = None,
        output: Node | None = None,
        settings: Settings | None = None,
    ) -> None:
        if (source is None) == (output is None):
            raise TypeError("a session is for a program text or for a graph's output node, not both")
        self.settings = settings or get_settings()
        self.source = source or ""
        self.output = output
        self.order: list[Node] = topological_order([output]) if output is not None else []
        ids = GraphIds(self.order)
        # A Python graph's leaves, by name and (for one without a name) by its id in the graph JSON.
        self.leaves: dict[str, Node] = {}
        for node in self.order:
            if node.prim is None and node.requires_grad:
                self.leaves.setdefault(node.name or ids.node[node], node)
        self.original = {name: leaf.value for name, leaf in self.leaves.items()}

    @property
    def python_graph(self) -> bool:
        return self.output is not None

    def answer(self, kind: str, body: Any) -> Answer:
        """The API's answer to ``POST /api/<kind>`` (``"graph"`` or ``"paths"``) with this body."""
        model = MODELS.get(kind)
        if model is None:
            return 404, {"detail": f"no request named {kind!r} (graph, paths)"}
        try:
            request = model.model_validate(body)
        except ValidationError as error:
            return _invalid(error)
        if not self.python_graph:
            if isinstance(request, PathsRequest):
                return _decode(tasks.paths(self.settings, request))
            return _decode(tasks.graph(self.settings, request))
        try:
            return 200, self._python_answer(kind, request)
        except RequestError as error:
            return error.status, {"detail": [request_error_detail(error)]}

    def _python_answer(self, kind: str, request: GraphRequest | PathsRequest) -> dict[str, Any]:
        if request.view != "operations":
            raise RequestError("view", "a graph built in Python has no statements: its view is 'operations'")
        program = self.program(request.values, request.output)
        settings = self.settings
        if isinstance(request, PathsRequest):
            if request.limit > settings.max_paths_limit:
                raise RequestError("limit", f"limit is at most max_paths_limit={settings.max_paths_limit:,}")
            return service.paths_for(
                program,
                request.input,
                request.limit,
                max_jacobian_entries=settings.max_jacobian_entries,
                max_jacobian_total=settings.max_jacobian_total,
                max_path_edges=settings.max_path_edges,
            )
        return service.graph_for(
            program,
            forward=request.options.forward,
            max_jacobian_entries=settings.max_jacobian_entries,
            max_jacobian_total=settings.max_jacobian_total,
        )

    def set_values(self, values: Mapping[str, Any]) -> None:
        """Give a Python graph's leaves these values (the others their first ones) and evaluate it again."""
        unknown = sorted(set(values) - set(self.leaves))
        if unknown:
            known = ", ".join(self.leaves) or "none"
            raise RequestError("values", f"no leaf named {unknown[0]!r} (leaves: {known})")
        changed = False
        for name, leaf in self.leaves.items():
            value = values.get(name, self.original[name])
            scalar = type(self.original[name]) is float
            if scalar and not isinstance(value, (int, float)):
                raise RequestError(f"values.{name}", f"{name} is a number, not {type(value).__name__}")
            try:
                new = float(value) if scalar else np.asarray(value, dtype=np.float64)
            except (TypeError, ValueError):
                raise RequestError(f"values.{name}", f"{name} is an array of numbers") from None
            if isinstance(new, np.ndarray) and new.shape != np.shape(self.original[name]):
                raise RequestError(
                    f"values.{name}", f"{name} has shape {np.shape(self.original[name])}, not {new.shape}"
                )
            if isinstance(new, float) and not math.isfinite(new):
                raise RequestError(f"values.{name}", f"{name} must be finite")
            if not np.array_equal(new, leaf.value):
                leaf.value = new
                changed = True
        if changed:
            recompute(self.order)

    def program(self, values: Mapping[str, Any] | None = None, output: str | None = None) -> Program:
        """The Python graph as a :class:`Program` (for the service), its leaves set to ``values``."""
        assert self.output is not None
        self.set_values(values or {})
        names = {**self.leaves}
        for node in self.order:
            if node.name and node.name not in names:
                names[node.name] = node
        out = self.output
        if output is not None:
            if output not in names:
                raise RequestError("output", f"no node named {output!r} (names: {', '.join(names)})")
            out = names[output]
        return Program(output=out, names=names, leaves=dict(self.leaves), source="")


__all__ = ["Session", "ops"]
