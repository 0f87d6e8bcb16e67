"""Walking a graph: topological orders, without recursion.

Nodes are numbered when they are created and a parent always exists before its child, so sorting
the ancestors of an output by that serial number gives a topological order.
"""

from __future__ import annotations

from collections.abc import Iterable
from operator import attrgetter
from typing import Any

import numpy as np

from pathgrad.engine.nodes import Node, Value

_by_serial = attrgetter("serial")


def topological_order(outputs: Iterable[Node]) -> list[Node]:
    """Every ancestor of ``outputs`` (included), parents before children. Iterative, linear."""
    stack = list(outputs)
    seen = set(stack)
    add = seen.add
    push = stack.append
    pop = stack.pop
    while stack:
        node = pop()
        parent = node.p0
        if parent is None:
            continue
        if parent not in seen:
            add(parent)
            push(parent)
        parent = node.p1
        if parent is not None and parent not in seen:
            add(parent)
            push(parent)
    return sorted(seen, key=_by_serial)


def sweep_order(output: Node) -> list[Node]:
    """The operations reverse mode must visit, parents first: the ancestors of ``output`` that need a
    gradient and have arguments (leaves receive adjoints but pass nothing on)."""
    found = [output]
    if output.p0 is None:
        return found
    seen = {output: None}
    keep = found.append
    for node in found:  # breadth first: the loop also visits what it appends
        parent: Any = node.p0
        if parent.requires_grad and parent.p0 is not None and parent not in seen:
            seen[parent] = None
            keep(parent)
        parent = node.p1
        if parent is not None and parent.requires_grad and parent.p0 is not None and parent not in seen:
            seen[parent] = None
            keep(parent)
    found.sort(key=_by_serial)
    return found


def ones_like(value: Value) -> Value:
    return 1.0 if type(value) is float else np.ones_like(value)


def zeros_like(value: Value) -> Value:
    return 0.0 if type(value) is float else np.zeros_like(value)
