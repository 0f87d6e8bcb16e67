"""Import a micrograd ``Value`` graph into pathgrad: the same calculation, recorded by pathgrad's engine.

Duck-typed (no dependency on micrograd): a value has ``data``, ``_prev`` (its operands, a set),
``_op`` (``""`` for a leaf, ``"+"``, ``"*"``, ``"**k"``, ``"ReLU"``, ``"tanh"``, ``"exp"``) and, as in
the Zero-to-Hero lectures, an optional ``label``. micrograd builds ``a - b`` as ``a + (b * -1)`` and
``a / b`` as ``a * b**-1``, so those arrive as the operations they are made of.

>>> class V:
...     def __init__(self, data, prev=(), op="", label=""):
...         self.data, self._prev, self._op, self.label, self.grad = data, set(prev), op, label, 0.0
>>> a, b = V(2.0, label="a"), V(-3.0, label="b")
>>> y = from_micrograd(V(-6.0, (a, b), "*", label="y"))
>>> y.name, y.value
('y', -6.0)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pathgrad.engine import Const, Node, Var, exp, relu, tanh

Unlabeled = Literal["const", "var"]


def _operands(value: Any) -> list[Any]:
    """The operands of a micrograd value in a stable order (``_prev`` is a set)."""
    return sorted(getattr(value, "_prev", ()) or (), key=id)


def _postorder(output: Any) -> list[Any]:
    """Every value ``output`` depends on, operands before results (no recursion: deep graphs work)."""
    order: list[Any] = []
    done: set[int] = set()
    stack: list[tuple[Any, bool]] = [(output, False)]
    while stack:
        value, expanded = stack.pop()
        if id(value) in done:
            continue
        if expanded:
            done.add(id(value))
            order.append(value)
            continue
        stack.append((value, True))
        stack.extend((child, False) for child in _operands(value) if id(child) not in done)
    return order


def _binary(op: str, children: list[Node]) -> tuple[Node, Node]:
    # micrograd keeps operands in a set: a * a has one operand, used twice.
    if len(children) == 1:
        return children[0], children[0]
    if len(children) == 2:
        return children[0], children[1]
    raise ValueError(f"micrograd operation {op!r} has {len(children)} operands, expected 2")


def _apply(op: str, children: list[Node]) -> Node:
    if op == "+":
        a, b = _binary(op, children)
        return a + b
    if op == "*":
        a, b = _binary(op, children)
        return a * b
    if op.startswith("**"):
        try:
            exponent = float(op[2:])
        except ValueError:
            raise ValueError(f"micrograd power {op!r} has no numeric exponent") from None
        (base,) = children
        return base**exponent
    unary = {"ReLU": relu, "relu": relu, "tanh": tanh, "exp": exp}.get(op)
    if unary is not None and len(children) == 1:
        return unary(children[0])
    raise ValueError(
        f"micrograd operation {op!r} is not one pathgrad imports (+, *, **k, ReLU, tanh, exp)"
    )


def from_micrograd(
    value: Any,
    names: Mapping[str, Any] | None = None,
    *,
    unlabeled: Unlabeled = "const",
) -> Node:
    """The pathgrad graph of a micrograd ``Value``: same operations, names from the labels.

    A leaf with a label (or one given a name in ``names``, a name → micrograd value mapping) becomes a
    variable that gradients are taken with respect to; a leaf without one is a literal number that
    micrograd made for ``x + 1`` and becomes a constant, unless ``unlabeled="var"`` (a network's
    unlabeled weights), when it becomes a variable named ``v<k>``. Labelled operations keep their
    label as their name. The values are pathgrad's own: it evaluates the operations again.
    """
    if unlabeled not in ("const", "var"):
        raise ValueError(f"unlabeled is 'const' or 'var', not {unlabeled!r}")
    given = {id(v): name for name, v in (names or {}).items()}
    built: dict[int, Node] = {}
    count = 0
    for item in _postorder(value):
        if not hasattr(item, "data"):
            raise TypeError(f"{type(item).__name__} is not a micrograd value: it has no .data")
        label = given.get(id(item)) or getattr(item, "label", "") or None
        op = getattr(item, "_op", "") or ""
        children = [built[id(child)] for child in _operands(item)]
        if not children:
            if op:
                raise ValueError(f"micrograd operation {op!r} has no operands")
            if label is None and unlabeled == "var":
                count += 1
                label = f"v{count}"
            node = Var(float(item.data), name=label) if label is not None else Const(float(item.data))
        else:
            node = _apply(op, children)
            if label is not None:
                node.name = label
        built[id(item)] = node
    return built[id(value)]


__all__ = ["from_micrograd"]
