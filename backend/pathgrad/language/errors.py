"""The one exception of the expression language, and source positions."""

from __future__ import annotations

from bisect import bisect_right
from typing import Any


class LanguageError(Exception):
    """A program that cannot be read or built, with where it went wrong.

    Args:
        message: what went wrong, without the position (kept in ``detail``).
        line, column: 1-based position of the problem.
        span: ``(start, end)`` character offsets into the source, end exclusive.
        limit: the :class:`~pathgrad.language.limits.Limits` field that was exceeded, if any.
        field: which input is at fault: ``"source"``, ``"values.<name>"`` or ``"output"``.

    ``message`` (and ``str(error)``) is ``"line L, column C: <detail>"``.
    """

    def __init__(
        self,
        message: str,
        line: int,
        column: int,
        span: tuple[int, int],
        limit: str | None = None,
        *,
        field: str = "source",
    ) -> None:
        self.detail = message
        self.field = field
        self.line = line
        self.column = column
        self.span = span
        self.limit = limit
        self.message = f"line {line}, column {column}: {message}"
        super().__init__(self.message)

    def to_dict(self) -> dict[str, Any]:
        """The error as plain data (JSON-ready)."""
        return {
            "message": self.message,
            "detail": self.detail,
            "line": self.line,
            "column": self.column,
            "span": [self.span[0], self.span[1]],
            "limit": self.limit,
            "field": self.field,
        }


class Positions:
    """Turns character offsets of one source text into 1-based (line, column)."""

    def __init__(self, source: str) -> None:
        self.source = source
        starts = [0]
        find = source.find
        i = find("\n")
        while i >= 0:
            starts.append(i + 1)
            i = find("\n", i + 1)
        self._starts = starts

    def line_column(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self._starts, offset)
        return line, offset - self._starts[line - 1] + 1

    def error(
        self,
        message: str,
        start: int,
        end: int | None = None,
        limit: str | None = None,
        field: str = "source",
    ) -> LanguageError:
        """A :class:`LanguageError` for the text at ``source[start:end]``."""
        line, column = self.line_column(start)
        span = (start, start if end is None else end)
        return LanguageError(message, line, column, span, limit, field=field)


def shorten(text: str, width: int = 30) -> str:
    """User text cut to a readable length for a message."""
    return text if len(text) <= width else text[: width - 3] + "..."
