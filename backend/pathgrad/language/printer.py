"""Syntax trees back to source text, with the fewest parentheses that keep the meaning."""

from __future__ import annotations

from pathgrad.language.syntax import (
    PRECEDENCE,
    UNARY_PRECEDENCE,
    Array,
    Assign,
    Binary,
    Call,
    Expr,
    ExprStatement,
    Name,
    Number,
    ProgramAST,
    Statement,
    Unary,
)


def exact_number(value: float) -> str:
    """Shortest text that reads back as exactly ``value`` (``2`` rather than ``2.0``)."""
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(value)


def to_source(node: ProgramAST | Statement | Expr, *, full_parens: bool = False) -> str:
    """Print a program, statement or expression; ``parse(to_source(t))`` gives back ``t``.

    With ``full_parens`` every operator application is wrapped in parentheses, which shows how a
    program was grouped.

    >>> from pathgrad.language.parser import parse
    >>> to_source(parse("y = (1 + 2) * 3 ^ -4 ** 5", functions={}))
    'y = (1 + 2) * 3 ^ -4 ^ 5'
    >>> to_source(parse("y = 1 - 2 - 3", functions={}), full_parens=True)
    'y = ((1 - 2) - 3)'
    """
    if isinstance(node, ProgramAST):
        return "\n".join(to_source(s, full_parens=full_parens) for s in node.statements)
    if isinstance(node, Assign):
        return f"{node.name} = {_expression(node.value, full_parens)}"
    if isinstance(node, ExprStatement):
        return _expression(node.value, full_parens)
    return _expression(node, full_parens)


def _needs_parens(child: Expr, parent: Binary | Unary, right: bool) -> bool:
    if isinstance(parent, Unary):
        return isinstance(child, Binary) and PRECEDENCE[child.op] < UNARY_PRECEDENCE
    outer = PRECEDENCE[parent.op]
    if isinstance(child, Unary):
        # (-x)^2 differs from -x^2; a sign elsewhere binds tighter than its neighbours.
        return parent.op == "^" and not right
    if not isinstance(child, Binary):
        return False
    inner = PRECEDENCE[child.op]
    if parent.op == "^":  # right-associative
        return inner <= outer if not right else inner < outer
    return inner <= outer if right else inner < outer


def _format_array(shape: tuple[int, ...], values: tuple[float, ...]) -> str:
    texts = [exact_number(v) for v in values]
    # Group the flat row-major texts from the innermost dimension out.
    for size in reversed(shape):
        texts = ["[" + ", ".join(texts[k : k + size]) + "]" for k in range(0, len(texts), size)]
    return texts[0]


def _expression(root: Expr, full: bool) -> str:
    # An explicit stack instead of recursion: a 10,000-term sum is a 10,000-deep tree.
    out: list[str] = []
    stack: list[Expr | str] = [root]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            out.append(item)
            continue
        pieces: list[Expr | str]
        if isinstance(item, Number):
            text = exact_number(item.value)
            pieces = [f"({text})" if text.startswith("-") else text]
        elif isinstance(item, Name):
            pieces = [item.name]
        elif isinstance(item, Array):
            pieces = [_format_array(item.shape, item.values)]
        elif isinstance(item, Call):
            pieces = [f"{item.name}("]
            args: list[Expr | str] = [*item.args, *(exact_number(p) for p in item.params)]
            for k, arg in enumerate(args):
                if k:
                    pieces.append(", ")
                pieces.append(arg)
            pieces.append(")")
        elif isinstance(item, Unary):
            pieces = [item.op, *_wrap(item.operand, not full and _needs_parens(item.operand, item, False))]
        else:
            pieces = [
                *_wrap(item.left, not full and _needs_parens(item.left, item, False)),
                f" {item.op} ",
                *_wrap(item.right, not full and _needs_parens(item.right, item, True)),
            ]
        if full and isinstance(item, Unary | Binary):
            pieces = ["(", *pieces, ")"]
        stack.extend(reversed(pieces))
    return "".join(out)


def _wrap(expr: Expr, parens: bool) -> list[Expr | str]:
    return ["(", expr, ")"] if parens else [expr]
