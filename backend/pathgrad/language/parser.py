"""A Pratt parser: tokens to a :class:`~pathgrad.language.syntax.ProgramAST`.

Precedence, loosest first: ``+ -``, then ``* / @`` (both left-associative), then unary ``- +``, then
``^`` (right-associative; ``**`` is a synonym). So ``-x^2`` is ``-(x^2)`` and ``2^-1`` is ``2^(-1)``.
Names are checked here too: defined before use, never reassigned, never a function's name.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Protocol

from pathgrad.language.errors import LanguageError, Positions, shorten
from pathgrad.language.limits import DEFAULT_LIMITS, Limits
from pathgrad.language.precount import node_limit_offset
from pathgrad.language.syntax import (
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
    literal_value,
)
from pathgrad.language.tokenizer import Token, describe, tokenize
from pathgrad.primitives import INFIX, PRIMITIVES


class ParamRow(Protocol):
    """What the parser needs of a primitive's extra parameter."""

    @property
    def name(self) -> str: ...

    @property
    def default(self) -> float: ...


class FunctionRow(Protocol):
    """What the parser needs of a callable primitive (a row of ``PRIMITIVES``)."""

    @property
    def arity(self) -> int: ...

    @property
    def params(self) -> Sequence[ParamRow]: ...


def function_table() -> dict[str, FunctionRow]:
    """The functions a program may call: the rows of ``PRIMITIVES`` with ``function=True``."""
    return {name: row for name, row in PRIMITIVES.items() if row.function}


# Binding powers (left, right) of the infix operators, from the table's precedences; right < left
# makes ^ right-associative. Each token (and alias, "**" for "^") is read as its row's own token.
_INFIX = {
    token: (10 * op.precedence, 10 * op.precedence - (1 if op.right_associative else 0))
    for token, op in ((token, row.operator) for token, row in INFIX.items())
    if op is not None
}
_CANONICAL = {token: row.operator.token for token, row in INFIX.items() if row.operator is not None}
_PREFIX = 10 * UNARY_PRECEDENCE  # a sign's operand takes ^ but stops at * /
MAX_ARRAY_DIMS = 32  # numpy's portable bound


def signature(name: str, row: FunctionRow) -> str:
    """``leaky_relu(x, slope=0.01)``: how a function is called."""
    args = ["x"] if row.arity == 1 else [f"x{i + 1}" for i in range(row.arity)]
    args += [f"{p.name}={p.default:g}" for p in row.params]
    return f"{name}({', '.join(args)})"


def parse(
    source: str,
    limits: Limits = DEFAULT_LIMITS,
    functions: Mapping[str, FunctionRow] | None = None,
    previous: ProgramAST | None = None,
) -> ProgramAST:
    """Parse a program.

    Args:
        source: statements separated by newlines or ``;``.
        limits: bounds to enforce.
        functions: callable names; default :func:`function_table` (the engine's table).
        previous: the tree of an earlier text, parsed with the same ``limits`` and ``functions``:
            the statements that ``source`` still holds whole at its start (and their line breaks)
            are taken from it, not read again. The result is the same as without it (a keystroke
            at the end of a thousand-line program reads one line, not a thousand).

    Returns:
        The syntax tree. Raises :class:`LanguageError` on any problem.

    >>> parse("y = -2^3", functions={}).statements[0].value
    Unary(op='-', operand=Binary(op='^', left=Number(value=2.0), right=Number(value=3.0)))
    """
    positions = Positions(source)
    if len(source) > limits.max_source_chars:
        raise positions.error(
            f"the program has {len(source):,} characters, more than "
            f"max_source_chars={limits.max_source_chars:,}",
            limits.max_source_chars,
            len(source),
            limit="max_source_chars",
        )
    # Before a token is read: 60 KB of x+x+… would take over 100 ms to get to the parser's count.
    offset = node_limit_offset(source, limits.max_nodes)
    if offset is not None:
        raise positions.error(
            f"the program is too large: more than max_nodes={limits.max_nodes:,} nodes",
            offset,
            offset + 1,
            limit="max_nodes",
        )
    table = function_table() if functions is None else functions
    kept = _kept_statements(previous, source) if previous is not None else 0
    parser = _Parser(source, positions, limits, table, previous, kept)
    try:
        return parser.program()
    except RecursionError:
        # Only reachable with a max_depth far above the default; report it as that limit.
        token = parser.tokens[min(parser.i, len(parser.tokens) - 1)]
        raise positions.error(
            f"the expression is nested too deeply (max_depth={limits.max_depth})",
            token.start,
            token.end,
            limit="max_depth",
        ) from None


def common_prefix(a: str, b: str) -> int:
    """The length of the longest common prefix of ``a`` and ``b`` (by halving: slices compare in C)."""
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[lo:mid] == b[lo:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _kept_statements(previous: ProgramAST, source: str) -> int:
    """How many of ``previous``'s first statements ``source`` holds unchanged, line break included:
    what a statement reads ends before its line break, so text up to that break parses the same."""
    if len(previous.resume) != len(previous.statements):
        return 0
    same = common_prefix(previous.source, source)
    kept = 0
    for after, _ in previous.resume:
        if after is None or after > same:
            break
        kept += 1
    return kept


class _Parser:
    def __init__(
        self,
        source: str,
        positions: Positions,
        limits: Limits,
        functions: Mapping[str, FunctionRow],
        previous: ProgramAST | None = None,
        kept: int = 0,
    ) -> None:
        self.source = source
        self.pos = positions
        self.limits = limits
        self.functions = functions
        self.i = 0
        self.depth = 0
        self.nodes = 0
        self.defined: dict[str, Assign] = {}
        # The statements kept from an earlier parse, and the parser's state after them.
        self.kept: list[Statement] = []
        self.resume: list[tuple[int | None, int]] = []
        start = 0
        if previous is not None and kept:
            self.kept = list(previous.statements[:kept])
            self.resume = list(previous.resume[:kept])
            for statement in self.kept:
                if isinstance(statement, Assign):
                    self.defined[statement.name] = statement
            after, self.nodes = self.resume[-1]
            assert after is not None
            start = after
        self.tokens = tokenize(source, limits, positions, start)

    # --- tokens ---------------------------------------------------------------------------------

    def peek(self, ahead: int = 0) -> Token:
        token = self.tokens[min(self.i + ahead, len(self.tokens) - 1)]
        if token.error is not None:
            raise token.error
        return token

    def next(self) -> Token:
        token = self.peek()
        self.i += 1
        return token

    def at(self, text: str) -> bool:
        token = self.peek()
        return token.kind == "op" and token.text == text

    def error(self, message: str, span: tuple[int, int], limit: str | None = None) -> LanguageError:
        return self.pos.error(message, span[0], span[1], limit)

    def where(self, offset: int) -> str:
        line, column = self.pos.line_column(offset)
        return f"line {line}, column {column}"

    # --- limits ---------------------------------------------------------------------------------

    def enter(self, token: Token) -> None:
        self.depth += 1
        if self.depth > self.limits.max_depth:
            raise self.error(
                "too deeply nested: more than "
                f"max_depth={self.limits.max_depth} levels of parentheses, brackets, calls, "
                "signs and powers",
                (token.start, token.end),
                limit="max_depth",
            )

    def count_node(self, span: tuple[int, int]) -> None:
        # One engine node per operator, call, sign and literal: an upper bound before building.
        self.nodes += 1
        if self.nodes > self.limits.max_nodes:
            raise self.error(
                f"the program is too large: more than max_nodes={self.limits.max_nodes:,} nodes",
                span,
                limit="max_nodes",
            )

    # --- statements -----------------------------------------------------------------------------

    def program(self) -> ProgramAST:
        statements: list[Statement] = self.kept
        resume = self.resume
        while True:
            token = self.peek()
            if token.kind == "newline":
                self.i += 1
                continue
            if token.kind == "eof":
                break
            last = statements[-1] if statements else None
            if isinstance(last, ExprStatement):
                raise self.error(
                    "only the last statement may be a bare expression: give this one a name "
                    "(name = ...)",
                    last.value.span,
                )
            if len(statements) >= self.limits.max_statements:
                raise self.error(
                    f"too many statements: more than max_statements={self.limits.max_statements:,}",
                    (token.start, token.end),
                    limit="max_statements",
                )
            statements.append(self.statement())
            token = self.peek()
            if token.kind not in ("newline", "eof"):
                raise self.unexpected(token, "the end of the statement")
            resume.append((token.end if token.kind == "newline" else None, self.nodes))
        if not statements:
            raise self.error(
                "the program is empty: write at least one statement, e.g. y = 2 * x", (0, 0)
            )
        return ProgramAST(tuple(statements), self.source, tuple(resume))

    def statement(self) -> Statement:
        token = self.peek()
        after = self.peek(1)
        if token.kind == "name" and after.kind == "op" and after.text == "=":
            self.check_new_name(token)
            self.i += 2
            value = self.expression(0)
            statement = Assign(token.text, value, (token.start, token.end))
            self.defined[token.text] = statement
            return statement
        return ExprStatement(self.expression(0))

    def check_new_name(self, token: Token) -> None:
        name = token.text
        span = (token.start, token.end)
        if name in self.functions:
            raise self.error(f"'{shorten(name)}' is a function and cannot be used as a name", span)
        earlier = self.defined.get(name)
        if earlier is not None:
            line = self.pos.line_column(earlier.span[0])[0]
            raise self.error(
                f"'{shorten(name)}' is already defined on line {line}; "
                "a name cannot be given a second value",
                span,
            )
        if len(self.defined) >= self.limits.max_names:
            raise self.error(
                f"too many names: more than max_names={self.limits.max_names:,}",
                span,
                limit="max_names",
            )

    # --- expressions ----------------------------------------------------------------------------

    def expression(self, min_bp: int) -> Expr:
        # Prefix part inlined to keep Python's stack shallow: 3 frames per nesting level at most.
        token = self.next()
        left: Expr
        if token.kind == "number":
            self.count_node((token.start, token.end))
            left = Number(token.value, (token.start, token.end))
        elif token.kind == "name":
            left = self.call(token) if self.at("(") else self.reference(token)
        elif token.kind == "op" and token.text == "(":
            self.enter(token)
            inner = self.expression(0)
            close = self.expect(")", token)
            self.depth -= 1
            left = replace(inner, span=(token.start, close.end))
        elif token.kind == "op" and token.text == "[":
            left = self.array(token)
        elif token.kind == "op" and token.text in "-+":
            self.enter(token)
            operand = self.expression(_PREFIX)
            self.depth -= 1
            if token.text == "-":
                self.count_node((token.start, token.end))
            left = Unary(token.text, operand, (token.start, operand.span[1]), (token.start, token.end))
        else:
            raise self.expected_expression(token)

        while True:
            token = self.peek()
            if token.kind != "op":
                break
            power = _INFIX.get(token.text)
            if power is None or power[0] <= min_bp:
                break
            self.i += 1
            op = _CANONICAL[token.text]
            if power[1] < power[0]:  # right-associative: each operand nests one level deeper
                self.enter(token)
                right = self.expression(power[1])
                self.depth -= 1
            else:
                right = self.expression(power[1])
            op_span = (token.start, token.end)
            self.count_node(op_span)
            left = Binary(op, left, right, (left.span[0], right.span[1]), op_span)
        return left

    def reference(self, token: Token) -> Name:
        name = token.text
        span = (token.start, token.end)
        if name in self.functions:
            raise self.error(
                f"'{name}' is a function: call it, as in {signature(name, self.functions[name])}",
                span,
            )
        if name not in self.defined:
            later = self.defined_later(name)
            if later is not None:
                raise self.error(
                    f"'{shorten(name)}' is used before it is defined (on line {later})", span
                )
            raise self.error(f"'{shorten(name)}' is not defined", span)
        return Name(name, span)

    def defined_later(self, name: str) -> int | None:
        tokens = self.tokens
        for k in range(self.i, len(tokens) - 1):
            token, after = tokens[k], tokens[k + 1]
            if token.kind == "name" and token.text == name and after.text == "=":
                return self.pos.line_column(token.start)[0]
        return None

    def call(self, name_token: Token) -> Call:
        name = name_token.text
        row = self.functions.get(name)
        if row is None:
            span = (name_token.start, name_token.end)
            if name in self.defined:
                raise self.error(f"'{shorten(name)}' is not a function", span)
            known = ", ".join(sorted(self.functions))
            raise self.error(f"unknown function '{shorten(name)}' (functions: {known})", span)
        opener = self.next()
        self.enter(opener)
        args: list[Expr] = []
        if not self.at(")"):
            args.append(self.expression(0))
            while self.at(","):
                self.i += 1
                args.append(self.expression(0))
        close = self.expect(")", opener)
        self.depth -= 1
        span = (name_token.start, close.end)
        low, high = row.arity, row.arity + len(row.params)
        if not low <= len(args) <= high:
            wanted = f"{low}" if low == high else f"{low} to {high}"
            plural = "" if high == 1 else "s"
            raise self.error(
                f"{name}() takes {wanted} argument{plural} ({signature(name, row)}), "
                f"got {len(args)}",
                span,
            )
        params: list[float] = []
        for k, (arg, param) in enumerate(zip(args[low:], row.params, strict=False)):
            literal = literal_value(arg)
            if literal is None or literal[1] != ():
                raise self.error(
                    f"argument {low + k + 1} of {name}() ({param.name}) must be a number", arg.span
                )
            params.append(literal[0] * literal[2][0])
        self.count_node((name_token.start, name_token.end))
        return Call(name, tuple(args[:low]), tuple(params), span)

    def array(self, opener: Token) -> Array:
        shape, values = self.array_items(opener, 1)
        close = self.tokens[self.i - 1]
        self.count_node((opener.start, close.end))
        return Array(shape, tuple(values), (opener.start, close.end))

    def array_items(self, opener: Token, dims: int) -> tuple[tuple[int, ...], list[float]]:
        self.enter(opener)
        if dims > MAX_ARRAY_DIMS:
            raise self.error(
                f"an array may have at most {MAX_ARRAY_DIMS} dimensions", (opener.start, opener.end)
            )
        if self.at("]"):
            raise self.error("empty array", (opener.start, self.peek().end))
        values: list[float] = []
        first: tuple[int, ...] | None = None
        count = 0
        while True:
            token = self.next()
            if token.kind == "op" and token.text == "[":
                element, items = self.array_items(token, dims + 1)
                values.extend(items)
            else:
                element = ()
                values.append(self.signed_number(token))
            count += 1
            if first is None:
                first = element
            elif element != first:
                end = self.tokens[self.i - 1].end
                raise self.error(
                    f"ragged array: this element is {_shape_words(element)} "
                    f"but the first is {_shape_words(first)}",
                    (token.start, end),
                )
            if len(values) > self.limits.max_array_elements:
                raise self.error(
                    "the array has more than "
                    f"max_array_elements={self.limits.max_array_elements:,} elements",
                    (token.start, self.tokens[self.i - 1].end),
                    limit="max_array_elements",
                )
            if self.at(","):
                self.i += 1
                continue
            if self.at("]"):
                self.i += 1
                break
            raise self.unexpected(
                self.peek(), f"',' or ']' in the array opened at {self.where(opener.start)}"
            )
        self.depth -= 1
        assert first is not None
        return (count, *first), values

    def signed_number(self, token: Token) -> float:
        sign = 1.0
        if token.kind == "op" and token.text in "-+":
            sign = -1.0 if token.text == "-" else 1.0
            token = self.next()
        if token.kind != "number":
            raise self.unexpected(token, "a number (array elements are numbers)")
        return sign * token.value

    # --- errors ---------------------------------------------------------------------------------

    def expect(self, text: str, opener: Token) -> Token:
        token = self.peek()
        if token.kind == "op" and token.text == text:
            self.i += 1
            return token
        raise self.unexpected(
            token, f"'{text}' to close the '{opener.text}' at {self.where(opener.start)}"
        )

    def expected_expression(self, token: Token) -> LanguageError:
        if token.kind == "eof":
            message = "unexpected end of the program: expected an expression"
        else:
            message = f"expected an expression, found {describe(token)}"
        return self.error(message, (token.start, token.end))

    def unexpected(self, token: Token, wanted: str) -> LanguageError:
        span = (token.start, token.end)
        if token.kind == "op":
            hint = {
                "=": "; '=' may only follow a name at the start of a statement",
                "(": "; only functions can be called (write * to multiply)",
                "[": "; indexing is not supported",
            }.get(token.text, "")
            if token.text in ")]" and wanted == "the end of the statement":
                return self.error(f"unmatched {token.text!r}", span)
            return self.error(f"expected {wanted}, found {token.text!r}{hint}", span)
        return self.error(f"expected {wanted}, found {describe(token)}", span)


def _shape_words(shape: tuple[int, ...]) -> str:
    if not shape:
        return "a number"
    return f"an array of shape {shape}"
