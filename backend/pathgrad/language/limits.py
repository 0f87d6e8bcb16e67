"""How much a program may ask for: every bound of the expression language in one place."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """Bounds on a program; exceeding one raises a ``LanguageError`` whose ``limit`` is the field name.

    These defaults are the only ones: the server's settings (``PATHGRAD_MAX_*``) read them, so the
    CLI and the Python API accept what the server accepts.
    """

    max_source_chars: int = 64_000
    max_statements: int = 5_000
    max_nodes: int = 20_000  # engine nodes the program may create
    max_depth: int = 200  # nesting of parentheses, calls, brackets, signs and powers
    max_names: int = 5_000
    max_array_elements: int = 100_000  # in any one array: literal, value or intermediate result
    max_number_abs: float = 1e300
    # Sum of the sizes of every value the program computes: 2,000 statements of 100,000-element
    # arrays would otherwise hold gigabytes.
    max_total_elements: int = 2_000_000


DEFAULT_LIMITS = Limits()
