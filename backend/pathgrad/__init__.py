"""pathgrad: an automatic-differentiation engine built to be seen.

>>> from pathgrad import Var, sigmoid, grad, paths
>>> x, w, b = Var(1.0, name="x"), Var(0.0, name="w"), Var(0.0, name="b")
>>> y = sigmoid(w * x + b)
>>> grad(y, [w, b])
[0.25, 0.25]
>>> paths(y, w).count
1
"""

__version__ = "0.1.0"

from typing import TYPE_CHECKING

from pathgrad.engine import (
    MAKERS,
    Const,
    Group,
    Node,
    Var,
    absolute,
    apply,
    evaluate,
    expand_composites,
    grad,
    gradients,
    local_derivative,
    nonfinite_reason,
    recompute,
    tangents,
    topological_order,
)
from pathgrad.gc_tuning import tune_gc
from pathgrad.gradcheck import (
    FiniteDifference,
    GradCheck,
    check_gradients,
    finite_difference,
    finite_differences,
    numeric_gradient,
)
from pathgrad.micrograd import from_micrograd
from pathgrad.paths import Path, PathReport, count_paths, path_counts_to, paths
from pathgrad.primitives import FUNCTIONS, PRIMITIVES, Param, Primitive

# One function per row of the table, under the row's name: pathgrad.exp, pathgrad.leaky_relu, ...
globals().update(MAKERS)

if TYPE_CHECKING:
    from pathgrad.engine import Maker

    # The makers come from the table, so a type checker cannot list them: any other name is one.
    def __getattr__(name: str) -> Maker: ...


def show(what: Node | str, **options: object) -> object:
    """An interactive notebook widget of a graph (``show(y)``) or a program text (``show("a = 2; ...")``).

    See :func:`pathgrad.notebook.show`; needs ``pip install 'pathgrad[notebook]'``. Imported only when
    called, so that ``import pathgrad`` stays numpy and the standard library.
    """
    from pathgrad.notebook import show as notebook_show

    return notebook_show(what, **options)  # type: ignore[arg-type]


__all__ = [
    "FUNCTIONS",
    "PRIMITIVES",
    "Const",
    "FiniteDifference",
    "GradCheck",
    "Group",
    "Node",
    "Param",
    "Path",
    "PathReport",
    "Primitive",
    "Var",
    "absolute",
    "apply",
    "check_gradients",
    "count_paths",
    "evaluate",
    "expand_composites",
    "finite_difference",
    "finite_differences",
    "from_micrograd",
    "grad",
    "gradients",
    "local_derivative",
    "nonfinite_reason",
    "numeric_gradient",
    "path_counts_to",
    "paths",
    "recompute",
    "show",
    "tangents",
    "topological_order",
    "tune_gc",
]
__all__ += list(MAKERS)  # and every row's function, by the row's name
