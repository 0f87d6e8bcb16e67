"""A parse that takes the unchanged statements of an earlier text is the parse of the new text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pathgrad.language import LanguageError, Limits, parse
from pathgrad.language.syntax import ProgramAST

# Lines of programs, good and bad, and the snippets an edit inserts: names defined twice or used
# before their line, unfinished expressions, comments, ';', brackets across lines, stray characters.
LINES = [
    "x = 1", "w = 0.5", "b = -2", "y = w*x + b", "z = sigmoid(y)", "u = (x +", "  y) * 2",
    "# a comment", "", "v = z^2 # squared", "a = 1; c = a*3", "x = 2", "t = q + 1", "s = tanh(z",
    "m = [1, 2,", " 3]", "y", "k = 2x", "n = relu(-y)", "e = exp(1e400)", "p = 'a'",
]
SNIPPETS = st.text(alphabet="xyzwb01.=+*-()[],;#\n e^", max_size=6)


def outcome(source: str, previous: ProgramAST | None = None, limits: Limits | None = None) -> object:
    """The tree with its resume points, or the error as the API shows it."""
    try:
        tree = parse(source, limits or Limits(), previous=previous)
    except LanguageError as error:
        return ("error", str(error), error.line, error.column, error.span, error.limit)
    return (tree, tree.resume)


@st.composite
def programs(draw: st.DrawFn) -> str:
    lines = draw(st.lists(st.sampled_from(LINES), min_size=1, max_size=8))
    return "\n".join(lines) + draw(st.sampled_from(["", "\n", "\n\n"]))


@st.composite
def edits(draw: st.DrawFn) -> tuple[str, str]:
    old = draw(programs())
    new = old
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(new)))
        cut = draw(st.integers(0, min(4, len(new) - at)))
        new = new[:at] + draw(SNIPPETS) + new[at + cut:]
    return old, new


@settings(max_examples=600, deadline=None)
@given(edits(), st.sampled_from([None, Limits(max_statements=4), Limits(max_nodes=12)]))
def test_a_parse_after_an_edit_is_the_parse_of_the_new_text(
    edit: tuple[str, str], limits: Limits | None
) -> None:
    old, new = edit
    try:
        previous = parse(old, limits or Limits())
    except LanguageError:
        return
    assert outcome(new, previous, limits) == outcome(new, None, limits)


def test_a_keystroke_at_the_end_reads_only_the_last_lines() -> None:
    old = "x = 0.5\nw = 0.9\n" + "\n".join(f"h{i} = sigmoid(w*x + {i})" for i in range(300))
    previous = parse(old)
    new = old + "\nz = h299 * 2"
    resumed = parse(new, previous=previous)
    assert resumed == parse(new) and resumed.resume == parse(new).resume
    # The statements before the last line of the old text are the same objects: not read again.
    assert all(a is b for a, b in zip(resumed.statements[:-2], previous.statements[:-1], strict=True))
    assert resumed.statements[-2] is not previous.statements[-1]  # it had no line break: read again
    # An edit in the middle keeps what comes before it.
    middle = old.replace("h150 = sigmoid(w*x + 150)", "h150 = tanh(w*x + 150)")
    again = parse(middle, previous=previous)
    assert again == parse(middle)
    assert all(a is b for a, b in zip(again.statements[:152], previous.statements[:152], strict=True))
    assert again.statements[152] is not previous.statements[152]
