"""Benchmarks of the teaching core: the lab's sweeps and a program's exercise, beside the engine.

Each figure has its reference measured in the same run: the engine's own reverse sweep (the lab runs
six sweeps, two of them one visit per path) and the graph and paths answers the page asks for anyway.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from core import best_of
from pathgrad import service
from pathgrad.engine import gradients
from pathgrad.exercises import check, for_program
from pathgrad.lab import run_lab
from pathgrad.language import build_program

Row = tuple[str, str, str, str]


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:.1f} ms" if seconds >= 1e-3 else f"{seconds * 1e6:.0f} µs"


def _ladder(rungs: int) -> str:
    lines = ["x = 0.5"]
    previous = "x"
    for i in range(1, rungs + 1):
        lines.append(f"h{i} = {previous} * sigmoid({previous})")
        previous = f"h{i}"
    return "\n".join(lines)


def _array_net(width: int) -> str:
    rng = np.random.default_rng(0)

    def matrix(rows: int, cols: int) -> str:
        entries = rng.normal(size=(rows, cols)) * 0.3
        return "[" + ", ".join("[" + ", ".join(f"{v:.3f}" for v in row) + "]" for row in entries) + "]"

    return (
        f"x = [{', '.join('0.5' for _ in range(width))}]\n"
        f"W1 = {matrix(width, width)}\nW2 = {matrix(width, width)}\n"
        "h = tanh(W1 @ x)\ng = sigmoid(W2 @ h)\ny = sum(g * g + h)"
    )


def lab_rows() -> list[Row]:
    rows: list[Row] = []
    cases: list[tuple[str, str]] = [
        ("Lab, 6 sweeps, ladder of 12 rungs h = p·σ(p) (4,096 paths, walks run)", _ladder(12)),
        ("Lab, 6 sweeps, 64-wide tanh/sigmoid net on arrays (walks run)", _array_net(64)),
    ]
    for what, source in cases:
        program = build_program(source)
        output: Any = program.output
        lab = best_of(5, lambda output=output: run_lab(output))
        alone = best_of(5, lambda output=output: run_lab(output, ["correct"]))
        engine = best_of(5, lambda output=output: gradients(output))
        rows.append((
            what, _ms(lab), "≤ 50 ms",
            f"engine's reverse sweep {_ms(engine)}; the lab's correct sweep alone {_ms(alone)}",
        ))
    return rows


def exercise_rows() -> list[Row]:
    source = _ladder(30)  # the lesson's ladder: 2^30 paths from x

    def make_and_check() -> None:
        exercise = for_program(source)
        for question in exercise.questions:
            check(question, 0.5)

    def page_answers() -> None:
        program = service.build(source)
        service.graph_for(program)
        service.paths_for(program, "x", 20)

    made = best_of(5, make_and_check)
    page = best_of(5, page_answers)
    return [(
        "A program's exercise: the 30-rung ladder (2^30 paths), made and every question checked",
        _ms(made), "≤ 100 ms", f"/api/graph + /api/paths' work on it {_ms(page)}",
    )]


def teach_rows() -> list[Row]:
    return lab_rows() + exercise_rows()


if __name__ == "__main__":
    from run import print_table

    print_table(teach_rows())
