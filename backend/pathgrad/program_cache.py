"""Built programs kept, so that a request that only changes leaves' values re-evaluates the graph.

Parsing and building a 4,000-node program takes about 70 ms; setting its leaves' values and
re-evaluating the recorded graph (:func:`pathgrad.engine.recompute`) about 3 ms, and nothing about
the graph's structure changes. A :class:`ProgramCache` keeps the last few large programs, keyed by
what determines a build except the values (source, output, expand, limits). On a hit whose values
keep every leaf's shape (and float or array), the leaves get their values (the request's, or the
literal's) and the graph is evaluated again; any other case builds afresh (from the kept syntax tree).
A program not kept is parsed from the kept one nearest to it (an edit of it): its statements before
the edit are not read again (``parse``'s ``previous``).
Values are checked by the builder's own check (:func:`pathgrad.language.builder.leaf_values`), so
bad values get the same errors as a fresh build.

Not thread-safe: one cache per compute process, which runs one task at a time. Pure: numpy and the
standard library.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from pathgrad.engine import Node, recompute, topological_order
from pathgrad.language import Limits, Program, build, parse
from pathgrad.language.builder import leaf_values
from pathgrad.language.parser import common_prefix
from pathgrad.language.syntax import Assign, ProgramAST, literal_value

CacheKey = tuple[str, str | None, bool, Limits]


@dataclass
class Built:
    """A program as built (or re-evaluated) for one request.

    ``memo`` is what callers learn about the program's structure (the structure digest of a view's
    graph answer, the output's topological order, ...), which holds as long as the structure does:
    it belongs to the cache entry (and goes with it), or is a fresh dict for a program not kept.
    ``reused``: the graph was re-evaluated, not built.
    """

    program: Program
    memo: dict[str, Any] = field(default_factory=dict)
    reused: bool = False


@dataclass
class _Entry:
    tree: ProgramAST
    program: Program
    leaves: list[Node]  # the leaf statements' variables, in statement order (leaf_values' order)
    order: list[Node]  # every node of every statement, parents first
    memo: dict[str, Any] = field(default_factory=dict)


def _same_kind(old: Any, new: Any) -> bool:
    """Whether a leaf holding ``old`` may take ``new`` without changing the graph's structure."""
    if type(old) is float or type(new) is float:
        return type(old) is type(new)
    return bool(old.shape == new.shape and old.dtype == new.dtype == np.float64)


class ProgramCache:
    """At most ``max_entries`` programs of ``min_nodes`` to ``max_nodes`` nodes, holding at most
    ``max_nodes`` nodes in all; the least recently used goes first."""

    def __init__(self, max_entries: int, max_nodes: int, min_nodes: int) -> None:
        self.max_entries = max_entries
        self.max_nodes = max_nodes
        self.min_nodes = min_nodes
        self._entries: OrderedDict[CacheKey, _Entry] = OrderedDict()
        self.nodes = 0  # nodes held, in all
        self.hits = 0  # requests answered by re-evaluating a kept program (for the tests)

    def __len__(self) -> int:
        return len(self._entries)

    def build(
        self,
        source: str,
        values: Mapping[str, Any] | None,
        output: str | None,
        *,
        limits: Limits,
        expand: bool,
    ) -> Built:
        """The program that ``pathgrad.service.build(source, values, output, ...)`` would build, and
        byte for byte the same values (raises :class:`~pathgrad.language.LanguageError` as it does)."""
        key: CacheKey = (source, output, expand, limits)
        entry = self._entries.get(key)
        with np.errstate(all="ignore"):
            if entry is None:
                tree = parse(source, limits, previous=self._nearest(source, limits))
            else:
                self._entries.move_to_end(key)
                tree = entry.tree
                new = leaf_values(tree, values, limits)
                if all(_same_kind(leaf.value, v) for leaf, v in zip(entry.leaves, new, strict=True)):
                    try:
                        for leaf, value in zip(entry.leaves, new, strict=True):
                            leaf.value = value
                        recompute(entry.order)
                    except BaseException:
                        self._drop(key)
                        raise
                    self.hits += 1
                    return Built(entry.program, entry.memo, reused=True)
                self._drop(key)  # a leaf changes shape: so does the graph
            program = build(tree, values, output, limits, expand)
        return self._keep(key, tree, program)

    def _nearest(self, source: str, limits: Limits) -> ProgramAST | None:
        """The kept tree (parsed with the same limits) whose text shares the longest start with
        ``source``: an edit of a kept program is parsed from its first changed statement on."""
        best, longest = None, 0
        for (text, _, _, kept_limits), entry in self._entries.items():
            if kept_limits != limits:
                continue
            same = common_prefix(text, source)
            if same > longest:
                best, longest = entry.tree, same
        return best

    def _keep(self, key: CacheKey, tree: ProgramAST, program: Program) -> Built:
        order = topological_order([record.node for record in program.statements])
        if not self.min_nodes <= len(order) <= self.max_nodes or self.max_entries == 0:
            return Built(program)
        leaves = [
            record.node
            for record in program.statements
            if isinstance(record.statement, Assign) and literal_value(record.statement.value) is not None
        ]
        entry = _Entry(tree, program, leaves, order)
        self._entries[key] = entry
        self.nodes += len(order)
        while len(self._entries) > self.max_entries or self.nodes > self.max_nodes:
            self._drop(next(iter(self._entries)))
        return Built(program, entry.memo)

    def _drop(self, key: CacheKey) -> None:
        entry = self._entries.pop(key)
        self.nodes -= len(entry.order)
