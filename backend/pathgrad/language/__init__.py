"""The expression language: programs like ``y = sigmoid(w*x + b)`` to engine graphs.

Grammar (statements end at a line break or ``;``; ``#`` starts a comment; ASCII only)::

    program   = statement { (NEWLINE | ";") statement }     only the last may be a bare expr
    statement = NAME "=" expr | expr
    expr      = expr ("+" | "-") expr                        left-associative, loosest
              | expr ("*" | "/" | "@") expr                  left-associative
              | ("-" | "+") expr                             so -x^2 is -(x^2)
              | expr ("^" | "**") expr                       right-associative, tightest
              | NAME "(" args ")" | NAME | NUMBER | array | "(" expr ")"
    array     = "[" item { "," item } "]"                    numbers only, rectangular
    NAME      = [A-Za-z_][A-Za-z0-9_]*, not starting with "__", not a function's name

``name = <number or array>`` (signs allowed) makes a leaf variable; other literals are constants.
Functions and their extra numeric arguments (``leaky_relu(x, 0.1)``) are the rows of
``pathgrad.primitives.PRIMITIVES`` with ``function=True``.

>>> program = build_program("x = 1; w = 0; b = 0\\ny = sigmoid(w*x + b)")
>>> program.output.value, list(program.leaves)
(0.5, ['x', 'w', 'b'])
"""

from pathgrad.language.builder import Program, build, build_program, leaf_kind
from pathgrad.language.errors import LanguageError
from pathgrad.language.limits import DEFAULT_LIMITS, Limits
from pathgrad.language.parser import function_table, parse
from pathgrad.language.printer import to_source
from pathgrad.language.syntax import ProgramAST

__all__ = [
    "DEFAULT_LIMITS",
    "LanguageError",
    "Limits",
    "Program",
    "ProgramAST",
    "build",
    "build_program",
    "function_table",
    "leaf_kind",
    "parse",
    "to_source",
]
