"""Garbage-collector settings for programs that record large graphs.

A graph is acyclic (a node refers only to its arguments), so reference counting frees it; the cyclic
collector has nothing to find in it. Yet CPython's default young-generation threshold (700 new
objects) makes the collector trace every new node several times while a big graph is recorded:
about a third of the time of recording a 20,000-operation scalar graph. :func:`tune_gc` is what the
server does at start, and what a script recording large graphs may do too.
"""

from __future__ import annotations

import gc

YOUNG_THRESHOLD = 20_000
OLDER_THRESHOLDS = (20, 20)


def tune_gc() -> tuple[int, int, int]:
    """Freeze what is already loaded and collect the young generation every 20,000 new objects.

    Process-wide (it is the interpreter's collector); returns the previous thresholds, which
    ``gc.set_threshold(*previous)`` restores.
    """
    previous = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(YOUNG_THRESHOLD, *OLDER_THRESHOLDS)
    return previous
