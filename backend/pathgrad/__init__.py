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

from pathgrad.engine import (
    Const,
    Group,
    Node,
    Var,
    absolute,
    apply,
    cos,
    evaluate,
    exp,
    expand_composites,
    grad,
    gradients,
    inv,
    leaky_relu,
    local_derivative,
    log,
    matmul,
    mean,
    nonfinite_reason,
    recompute,
    relu,
    sigmoid,
    sin,
    softplus,
    sqrt,
    square,
    sum,
    tangents,
    tanh,
    topological_order,
    transpose,
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
    "cos",
    "count_paths",
    "evaluate",
    "exp",
    "expand_composites",
    "finite_difference",
    "finite_differences",
    "from_micrograd",
    "grad",
    "gradients",
    "inv",
    "leaky_relu",
    "local_derivative",
    "log",
    "matmul",
    "mean",
    "nonfinite_reason",
    "numeric_gradient",
    "path_counts_to",
    "paths",
    "recompute",
    "relu",
    "show",
    "sigmoid",
    "sin",
    "softplus",
    "sqrt",
    "square",
    "sum",
    "tangents",
    "tanh",
    "topological_order",
    "transpose",
    "tune_gc",
]
