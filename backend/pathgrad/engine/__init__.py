"""The autodiff engine: nodes, recording, reverse mode, forward mode, replay and diagnostics.

A :class:`Node` is created by applying a row of :data:`pathgrad.primitives.PRIMITIVES` to parent
nodes. Values are Python floats (the fast scalar path) or numpy arrays. On the scalar path each node
keeps its edge-local derivatives (``partials``), computed once in the forward pass; the reverse sweep
is then one multiply-add per edge. Array nodes compute their vector-Jacobian products lazily in the
backward pass, and only for parents that need a gradient.

The modules, in the order they build on each other:

* :mod:`~pathgrad.engine.nodes`: :class:`Node`, its one constructor, the leaves :func:`Var` and :func:`Const`;
* :mod:`~pathgrad.engine.recording`: applying a row to nodes (:func:`apply`), composites expanded;
* :mod:`~pathgrad.engine.compiled`: every row's public function (``exp``, ``leaky_relu``, ``add``) and
  Node's operators, generated from the table, with a compiled fast path on numbers;
* :mod:`~pathgrad.engine.graph_backend`: the rules evaluated on nodes (second derivatives, expansions);
* :mod:`~pathgrad.engine.traversal`, :mod:`~pathgrad.engine.reverse`, :mod:`~pathgrad.engine.forward`,
  :mod:`~pathgrad.engine.replay` and :mod:`~pathgrad.engine.diagnostics`.

Every row of the table is a function here under its own name (``engine.exp``, ``engine.sum``,
``engine.abs``; ``absolute`` is ``abs`` under a name that does not shadow the builtin).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pathgrad.engine.compiled import MAKERS, Maker
from pathgrad.engine.diagnostics import is_finite, local_derivative, nonfinite_reason
from pathgrad.engine.forward import tangents
from pathgrad.engine.graph_backend import GRAPH, GraphBackend
from pathgrad.engine.nodes import KINDS, Const, Group, Node, Value, Var, as_value
from pathgrad.engine.recording import apply, expand_composites
from pathgrad.engine.replay import evaluate, recompute, replay_of
from pathgrad.engine.reverse import grad, gradients
from pathgrad.engine.traversal import topological_order

globals().update(MAKERS)  # exp, sigmoid, leaky_relu, ...: one per row of the table
absolute = MAKERS["abs"]

if TYPE_CHECKING:
    # The makers are generated from the table, so a type checker cannot list them: any other name
    # of this module is one of them.
    def __getattr__(name: str) -> Maker: ...


__all__ = [
    "GRAPH", "KINDS", "MAKERS", "Const", "GraphBackend", "Group", "Maker", "Node", "Value", "Var",
    "absolute", "apply", "as_value", "evaluate", "expand_composites", "grad", "gradients", "is_finite",
    "local_derivative", "nonfinite_reason", "recompute", "replay_of", "tangents", "topological_order",
]
__all__ += list(MAKERS)  # and every row's function
