"""A lower bound on a program's node count, read off its characters before it is tokenized.

The parser counts one node per operator, call, sign and literal, and refuses a program past
``max_nodes``; but tokenizing and parsing 60 KB of ``x+x+…`` takes over 100 ms before the count gets
there. This module counts, in a few numpy passes over the bytes (about a millisecond), characters
that each stand for a distinct item of the parser's count:

* ``*`` ``/`` ``@`` ``^`` — a binary operator (``**`` is one);
* ``-`` — a binary operator, a sign (counted by the parser) or an exponent's sign (its number is);
* ``+`` — the same, except a unary ``+`` (after ``= ( [ , ;``, an operator or a line's start),
  which makes no node and is not counted.

Comments and array literals are blanked first (an array is one node, whatever its signs). The result
is never more than the parser's count, so a program refused here would have been refused by the
parser too; only sooner. Anything it misses (a ``+`` after a line break inside parentheses) makes
the bound smaller, never larger.
"""

from __future__ import annotations

import re

import numpy as np

_COMMENT = re.compile(r"#[^\n]*")
# Everything an array literal may hold; greedy, so a whole (nested) array is blanked at once.
_ARRAY = re.compile(r"\[[-+0-9eE.,\s\[\]]*\]")


def _table(characters: bytes) -> np.ndarray:
    table = np.zeros(256, dtype=bool)
    table[np.frombuffer(characters, dtype=np.uint8)] = True
    return table


_COUNTED = _table(b"*/@^-+")
_BLANK = _table(b" \t\r")
_BEFORE_UNARY = _table(b"=([,;\n+-*/^@")  # after one of these, + is a sign


def _blank(match: re.Match[str]) -> str:
    return " " * len(match.group())


def _weights(source: str) -> np.ndarray:
    """1 at each character that stands for a counted node, else 0 (offsets are the source's)."""
    text = source
    if "#" in text:
        text = _COMMENT.sub(_blank, text)
    if "[" in text:
        text = _ARRAY.sub(_blank, text)
    data = np.frombuffer(text.encode("ascii", "replace"), dtype=np.uint8)
    counted = _COUNTED[data]
    star = data == ord("*")
    counted[1:] &= ~(star[1:] & star[:-1])  # the second * of ** is the same operator
    pluses = np.flatnonzero(data == ord("+"))
    if pluses.size:
        solid = np.flatnonzero(~_BLANK[data])  # every + is one of these
        before = np.searchsorted(solid, pluses) - 1
        previous = np.where(before >= 0, data[solid[np.maximum(before, 0)]], ord("\n"))
        counted[pluses[_BEFORE_UNARY[previous]]] = False
    return counted


def minimum_nodes(source: str) -> int:
    """A number of nodes the parser is sure to count in ``source`` (at most its count)."""
    return int(np.count_nonzero(_weights(source)))


def node_limit_offset(source: str, max_nodes: int) -> int | None:
    """The offset of the character that takes the count past ``max_nodes``; None if it stays within."""
    weights = _weights(source)
    if int(np.count_nonzero(weights)) <= max_nodes:
        return None
    return int(np.flatnonzero(weights)[max_nodes])
