"""Small requests answered in a thread of the server process, without the hop to a compute process.

Sending a task to a compute process and reading its answer back costs the server more than a small
program's whole work (the neuron preset: about 0.3 ms to build and encode). So a request under the
small-request bounds of :class:`~pathgrad.settings.Settings` runs here instead:

* before anything is built (on the event loop, constant time): its body is at most
  ``small_request_bytes`` (a body with a Content-Length; a chunked one is never small);
* while it is built (in the thread): the language's own limits, lowered by ``Settings.small_limits``
  to ``small_request_nodes`` nodes, ``small_request_elements`` numbers and ``small_request_bytes``
  characters of program text, stop the build as soon as one is passed;
* before the answer is built: its estimate (:mod:`pathgrad.api.cost`) is at most
  ``small_request_answer_bytes``.

Past any bound, the request goes to a compute process, which answers it as if it had never been
tried here (:class:`~pathgrad.api.tasks.NotSmall`). Within them, a request's work is bounded by
construction rather than by a deadline (a thread cannot be stopped): about a millisecond
(benchmarks/load.py times the slowest it finds). The bounds are that tight on purpose: while this
thread computes, the event loop gets the GIL back after each of its system calls only when the thread
lets go of it, at the end of its task or after the switch interval (5 ms), so longer tasks would
make every request on the loop wait. One thread runs them one at a time, so at most one computes
beside the event loop.
"""

from __future__ import annotations

import asyncio
import functools
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

from pathgrad.api import tasks
from pathgrad.api.tasks import NotSmall
from pathgrad.settings import Settings


class SmallLane:
    """One thread that answers small /api/graph and /api/paths requests in the server process."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.enabled = settings.small_request_nodes > 0
        self._executor: ThreadPoolExecutor | None = None  # started at the first small request
        self.answered = 0  # requests answered here (for the tests)
        self.passed_on = 0  # requests tried here and sent to a compute process

    def may_be_small(self, task: str, content_length: str | None) -> bool:
        """Whether a ``task`` request whose body has this Content-Length may be small (nothing is
        built yet): /api/graph and /api/paths only."""
        if not self.enabled or content_length is None or task not in tasks.SMALL_TASKS:
            return False
        try:
            return 0 <= int(content_length) <= self.settings.small_request_bytes
        except ValueError:
            return False

    async def answer(self, task: str, body: Any) -> tuple[int, bytes] | None:
        """``(status, JSON bytes)`` computed here, or None when the request is not small."""
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pathgrad-small")
        work = functools.partial(_run, task, self.settings, body)
        answer = await asyncio.get_running_loop().run_in_executor(self._executor, work)
        if answer is None:
            self.passed_on += 1
        else:
            self.answered += 1
        return answer

    def close(self) -> None:
        """Stop the thread (a later request starts another: the TestClient may start the app again)."""
        executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)


def _run(task: str, settings: Settings, body: Any) -> tuple[int, bytes] | None:
    # As in a compute process (np.seterr there): non-finite values are flagged, not warned about.
    with np.errstate(all="ignore"):
        try:
            answer: tuple[int, bytes] = tasks.TASKS[task](settings, body, small=True)
        except NotSmall:
            return None
    return answer
