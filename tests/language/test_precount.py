"""The node count read off the text before tokenizing: an oversized program is refused at once."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from pathgrad.language import LanguageError, Limits, parse, to_source
from pathgrad.language import parser as parser_module
from pathgrad.language.errors import Positions
from pathgrad.language.precount import minimum_nodes, node_limit_offset
from pathgrad.language.syntax import ProgramAST

from .test_roundtrip import programs


def parser_count(source: str) -> int:
    """The parser's own count (one per operator, call, sign and literal), with no limit."""
    limits = Limits(max_nodes=10**9, max_source_chars=10**9)
    parser = parser_module._Parser(source, Positions(source), limits, parser_module.function_table())
    parser.program()
    return parser.nodes


def test_thirty_thousand_terms_are_refused_before_a_token_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    # 60 KB of x+x+…: 121–188 ms to the 422, because every token and syntax node was made first.
    source = "x = 1\ny = " + "+".join(["x"] * 30_000)

    def no_tokenizing(*args: object, **kwargs: object) -> None:
        raise AssertionError("tokenized an oversized program")

    monkeypatch.setattr(parser_module, "tokenize", no_tokenizing)
    with pytest.raises(LanguageError) as info:
        parse(source, Limits(max_source_chars=64_000))
    error = info.value
    assert error.limit == "max_nodes"
    assert "max_nodes=20,000" in error.message
    # It points at the operator that takes the count past the limit: the 20,001st '+'.
    assert (error.line, error.column) == (2, 4 + 2 * 20_001)


@pytest.mark.parametrize(
    ("source", "least"),
    [
        ("x = 1", 0),
        ("x = 1; y = x + x*x - x/x", 4),
        ("x = 1; y = x ** 2 ^ 3", 2),  # ** is one operator
        ("x = 1; y = -x + +x", 2),  # the unary + makes no node: not counted
        ("x = 1; y = (x\n+ x)", 0),  # a + after a line break is not counted (safe: an undercount)
        ("x = 1e-3; y = x*1e+3", 3),  # an exponent's sign stands for its number
        ("x = [-1, -2, +3, 4e-1]; y = x", 0),  # signs inside an array: the array is one node
        ("x = 1 # - - - - a comment\ny = x", 0),
        ("x = 1; y = leaky_relu(x, -0.1)", 1),
    ],
)
def test_the_count_is_a_lower_bound_of_the_parsers(source: str, least: int) -> None:
    assert minimum_nodes(source) == least
    assert least <= parser_count(source)


@settings(max_examples=300, deadline=None)
@given(programs())
def test_a_legal_program_is_never_refused_by_the_count(tree: ProgramAST) -> None:
    for text in (to_source(tree), to_source(tree, full_parens=True)):
        count = parser_count(text)
        assert minimum_nodes(text) <= count, text
        assert node_limit_offset(text, count) is None


def test_at_the_limit_is_fine_and_one_past_is_refused() -> None:
    source = "x = 1; y = " + "*".join(["x"] * 101)  # 100 operators
    assert node_limit_offset(source, 100) is None
    assert node_limit_offset(source, 99) == source.rindex("*")
