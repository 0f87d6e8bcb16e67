"""How soon an oversized program is refused: 30,000 `x+x+…` terms (60 KB) past max_nodes=20,000.

Beside it, in the same run, the reference: the same refusal the old way, by tokenizing and parsing
until the parser's own count passes the limit (what every such request cost before the count read
off the text). Run alone: `.venv/bin/python benchmarks/refusal.py`.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable

from pathgrad import service
from pathgrad.language import LanguageError
from pathgrad.language import parser as parser_module
from pathgrad.language.errors import Positions
from pathgrad.settings import Settings

SOURCE = "x = 1\ny = " + "+".join(["x"] * 30_000)


def _refusal_ms(refuse: Callable[[], object], runs: int = 15) -> tuple[float, float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        try:
            refuse()
        except LanguageError as error:
            assert error.limit == "max_nodes", error
        else:
            raise AssertionError("the program was not refused")
        samples.append((time.perf_counter() - start) * 1e3)
    return statistics.median(samples), min(samples)


def refusal_rows() -> list[tuple[str, str, str, str]]:
    limits = Settings().limits()  # the server's defaults: 64,000 characters, 20,000 nodes

    def now() -> object:
        return service.build(SOURCE, limits=limits)

    def before() -> object:  # tokenize and parse, as parse() did before its pre-count
        positions = Positions(SOURCE)
        table = parser_module.function_table()
        return parser_module._Parser(SOURCE, positions, limits, table).program()

    median, best = _refusal_ms(now)
    ref_median, ref_best = _refusal_ms(before)
    return [(
        f"oversized program refused (30,000 terms, {len(SOURCE) // 1000} KB, max_nodes=20,000)",
        f"median {median:.1f} ms, best {best:.1f} ms",
        "≤ 20 ms",
        f"tokenize + parse to the limit: median {ref_median:.0f} ms, best {ref_best:.0f} ms",
    )]


if __name__ == "__main__":
    sys.path.insert(0, __import__("os").path.dirname(__file__))
    from run import print_table

    print_table(refusal_rows())
