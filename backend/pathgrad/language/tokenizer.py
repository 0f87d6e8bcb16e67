"""Source text to tokens. ASCII only; ``.`` only inside numbers; no strings."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from pathgrad.language.errors import LanguageError, Positions, shorten
from pathgrad.language.limits import Limits

# Kinds: "number", "name", "op", "newline" (a line break or ';'), "eof", and "error": lexing stops at
# the first bad character, and the parser raises that error only when it gets there, so the first
# problem in reading order is the one reported.
_TOKEN = re.compile(
    r"""
      (?P<space>[ \t\r]+)
    | (?P<comment>\#[\x20-\x7e\t\r]*)
    | (?P<newline>[\n;])
    | (?P<number>(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)
    | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
    | (?P<op>\*\*|[-+*/^@()\[\],=])
    """,
    re.VERBOSE,
)
# What may not follow a number: `2x`, `1.2.3`, `1_000` and `1e` are mistakes, not juxtapositions.
_NUMBER_TAIL = re.compile(r"[A-Za-z0-9_.]+")


@dataclass(slots=True)  # not frozen: a frozen dataclass's __init__ costs several times more
class Token:
    kind: str
    text: str
    start: int
    end: int
    value: float = 0.0
    error: LanguageError | None = None


def describe(token: Token) -> str:
    """How a token is named in a message."""
    if token.kind == "number":
        return f"number {shorten(token.text)}"
    if token.kind == "name":
        return f"name {shorten(token.text)!r}"
    if token.kind == "newline":
        return "';'" if token.text == ";" else "the end of the line"
    if token.kind == "eof":
        return "the end of the program"
    return repr(token.text)


def _bad_character(char: str) -> str:
    if char in "'\"":
        return "quotes are not allowed: the language has no strings"
    if char == ".":
        return "'.' can only appear inside a number"
    if " " <= char <= "~":
        return f"unexpected character {char!r}"
    label = f"U+{ord(char):04X}"
    name = unicodedata.name(char, "")
    if char.isprintable():
        label = f"{char!r} ({label} {name})" if name else f"{char!r} ({label})"
    return f"unexpected character {label}: only ASCII characters are allowed"


def tokenize(
    source: str, limits: Limits, positions: Positions | None = None, start: int = 0
) -> list[Token]:
    """The tokens of ``source`` from offset ``start`` (outside any brackets), ending with an "eof"
    token or an "error" token.

    Line breaks inside parentheses or brackets are skipped, so a long array may span lines.
    """
    pos = positions or Positions(source)
    tokens: list[Token] = []
    append = tokens.append
    match = _TOKEN.match
    i = start
    n = len(source)
    nesting = 0
    while i < n:
        m = match(source, i)
        if m is None:
            error = pos.error(_bad_character(source[i]), i, i + 1)
            append(Token("error", source[i], i, i + 1, error=error))
            return tokens
        kind = m.lastgroup
        text = m.group()
        end = m.end()
        if kind == "number":
            tail = _NUMBER_TAIL.match(source, end)
            if tail is not None:
                bad = source[i : tail.end()]
                error = pos.error(f"malformed number {shorten(bad)!r}", i, tail.end())
                append(Token("error", bad, i, tail.end(), error=error))
                return tokens
            value = float(text)
            if not abs(value) <= limits.max_number_abs:  # also catches inf (1e309)
                error = pos.error(
                    f"the number {shorten(text)} is too large "
                    f"(max_number_abs={limits.max_number_abs:g})",
                    i,
                    end,
                    limit="max_number_abs",
                )
                append(Token("error", text, i, end, error=error))
                return tokens
            append(Token("number", text, i, end, value=value))
        elif kind == "name":
            if text.startswith("__"):
                error = pos.error(f"names may not start with '__' ({shorten(text)!r})", i, end)
                append(Token("error", text, i, end, error=error))
                return tokens
            append(Token("name", text, i, end))
        elif kind == "op":
            if text in "([":
                nesting += 1
            elif text in ")]" and nesting:
                nesting -= 1
            append(Token("op", text, i, end))
        elif kind == "newline" and (text == ";" or not nesting):
            append(Token("newline", text, i, end))
        i = end
    append(Token("eof", "", n, n))
    return tokens
