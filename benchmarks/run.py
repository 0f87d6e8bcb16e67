"""pathgrad's benchmarks: one table, each figure beside its goal and its reference.

Run from the repository: `make bench` (or `.venv/bin/python benchmarks/run.py [core] [api] [refusal] [budgets]
[load] [hostile] [notebook] [teach] [leaf]`).
"""

from __future__ import annotations

import os
import platform
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


def print_table(rows: list[tuple[str, str, str, str]]) -> None:
    header = ("what", "pathgrad", "goal", "reference")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]
    line = "  ".join("-" * w for w in widths)
    print("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    print(line)
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())


def main(argv: list[str]) -> int:
    groups = argv or [
        "core", "training", "api", "refusal", "budgets", "browser", "view", "notebook", "load", "hostile",
        "teach", "leaf",
    ]
    print(f"pathgrad benchmarks on {platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}")
    rows: list[tuple[str, str, str, str]] = []
    if "core" in groups:
        from core import core_rows

        rows += core_rows()
    if "training" in groups:
        from training import training_rows

        rows += training_rows()
    if "api" in groups:
        from api import api_rows

        rows += api_rows()
    if "refusal" in groups:
        from refusal import refusal_rows

        rows += refusal_rows()
    if "budgets" in groups:
        from budgets import budget_rows

        rows += budget_rows()
    if "browser" in groups:
        from browser import run as browser_rows

        rows += browser_rows()
    if "view" in groups:
        from view import run as view_rows

        rows += view_rows()
    if "load" in groups:
        from load import load_rows

        rows += load_rows()
    if "notebook" in groups:
        from widget import notebook_rows

        rows += notebook_rows()
    if "hostile" in groups:
        from hostile import hostile_rows

        rows += hostile_rows()
    if "teach" in groups:
        from teach import teach_rows

        rows += teach_rows()
    if "leaf" in groups:
        from leaf_change import leaf_change_rows

        rows += leaf_change_rows()
    print_table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
