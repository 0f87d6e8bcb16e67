"""What an answer will weigh, estimated from the built program before the answer is made.

A 14 KB body can ask for a 123 MB answer (19 chained 316×316 arrays with forward mode): building that
JSON takes seconds and a gigabyte, and sending it freezes the worker. So the graph and paths tasks
estimate the answer first and refuse one above ``max_response_bytes`` with a 422 that names the part
to turn off; the encoded answer is measured again before it is sent.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from pathgrad.engine import Node, topological_order

# One number in the answer: up to 17 significant digits, sign, point, exponent, comma.
NUMBER_BYTES = 20
# A node's or an edge's keys, ids and flags without its numbers.
NODE_BYTES = 260
EDGE_BYTES = 110
PATH_EDGE_BYTES = 40  # a path's node id, edge id and factor, per edge


@dataclass
class AnswerSize:
    """Estimated bytes of each part of a graph answer."""

    structure: int = 0  # keys, ids, labels, flags of nodes and edges
    values: int = 0
    grads: int = 0
    tangents: int = 0
    jacobians: int = 0
    paths: int = 0

    @property
    def total(self) -> int:
        return self.structure + self.values + self.grads + self.tangents + self.jacobians + self.paths

    def advice(self) -> str:
        """Which option would shrink the answer the most."""
        if self.tangents >= max(self.values, self.grads, self.jacobians):
            return "turn off forward mode (options.forward), whose tangents alone are " + _mb(self.tangents)
        if self.jacobians >= max(self.values, self.grads):
            return "lower max_jacobian_total: the edges' Jacobians alone are " + _mb(self.jacobians)
        if self.paths >= self.values:
            return "list fewer paths (limit): they alone are " + _mb(self.paths)
        return "use smaller arrays: the values and adjoints alone are " + _mb(self.values + self.grads)


def _mb(size: int) -> str:
    return f"about {size / 1e6:,.1f} MB"


def graph_size(
    output: Node,
    *,
    forward: bool,
    max_jacobian_entries: int,
    max_jacobian_total: int,
    order: list[Node] | None = None,
) -> AnswerSize:
    """An estimate (from shapes only, nothing computed) of ``graph_to_dict``'s JSON."""
    size = AnswerSize()
    jacobian_total = 0
    for node in order if order is not None else topological_order([output]):
        elements = math.prod(node.shape)
        size.structure += NODE_BYTES + EDGE_BYTES * len(node.parents)
        size.values += NUMBER_BYTES * elements
        if node.requires_grad:
            size.grads += NUMBER_BYTES * elements
            if forward:
                size.tangents += NUMBER_BYTES * elements
        if node.partials is None:
            for parent in node.parents:
                entries = elements * math.prod(parent.shape)
                if entries <= max_jacobian_entries and jacobian_total + entries <= max_jacobian_total:
                    jacobian_total += entries
        else:
            size.jacobians += NUMBER_BYTES * len(node.parents)
    size.jacobians += NUMBER_BYTES * jacobian_total
    return size


def refusal(size: AnswerSize, max_bytes: int) -> str:
    """The message of a 422 for an answer estimated above ``max_bytes``."""
    return (
        f"the answer would be {_mb(size.total)}, more than max_response_bytes={max_bytes:,}: "
        f"{size.advice()}"
    )
