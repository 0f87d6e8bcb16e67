"""The reference for the sigmoid-chain figure: the least a Python scalar engine can do per operation.

One object per operation with slots, the derivative inlined in each operator, a set-based
topological sort and a dict of adjoints: no names, no constants as nodes, no domain errors, no
arrays. It measures what CPython itself costs on this machine, in the same run as pathgrad.
"""

from __future__ import annotations

import itertools
import math
from operator import attrgetter

_serial = itertools.count().__next__
_by_serial = attrgetter("serial")


class Bare:
    __slots__ = ("d0", "d1", "p0", "p1", "serial", "value")

    def __init__(self, value: float, p0: Bare | None, d0: float, p1: Bare | None, d1: float) -> None:
        self.value, self.p0, self.d0, self.p1, self.d1 = value, p0, d0, p1, d1
        self.serial = _serial()

    def __neg__(self) -> Bare:
        return Bare(-self.value, self, -1.0, None, 0.0)

    def __radd__(self, other: float) -> Bare:
        return Bare(other + self.value, self, 1.0, None, 0.0)


def exp(x: Bare) -> Bare:
    value = math.exp(x.value)
    return Bare(value, x, value, None, 0.0)


def inv(x: Bare) -> Bare:
    value = 1.0 / x.value
    return Bare(value, x, -value * value, None, 0.0)


def leaf(value: float) -> Bare:
    return Bare(value, None, 0.0, None, 0.0)


def gradients(output: Bare) -> dict[Bare, float]:
    stack, seen = [output], {output}
    while stack:
        node = stack.pop()
        for parent in (node.p0, node.p1):
            if parent is not None and parent not in seen:
                seen.add(parent)
                stack.append(parent)
    adjoints = {output: 1.0}
    for node in sorted(seen, key=_by_serial, reverse=True):
        g = adjoints.get(node, 0.0)
        if node.p0 is not None:
            adjoints[node.p0] = adjoints.get(node.p0, 0.0) + g * node.d0
        if node.p1 is not None:
            adjoints[node.p1] = adjoints.get(node.p1, 0.0) + g * node.d1
    return adjoints
