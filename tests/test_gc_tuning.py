"""tune_gc changes the interpreter's collector, so it is checked in a fresh interpreter."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import gc
from pathgrad import tune_gc
before = gc.get_threshold()
previous = tune_gc()
print(before == previous, gc.get_threshold(), gc.get_freeze_count() > 1000)
"""


def test_tune_gc_freezes_the_loaded_objects_and_raises_the_young_threshold() -> None:
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True)
    assert out.stdout.split(maxsplit=1) == ["True", "(20000, 20, 20) True\n"]
