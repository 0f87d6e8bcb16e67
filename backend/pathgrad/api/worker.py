"""A compute process: runs the server's programs where a deadline and a memory cap can stop them.

Started by :mod:`pathgrad.api.pool` as ``python -m pathgrad.api.worker <fd> <server pid>`` with one
end of a Unix socket pair. It reads the settings, caps its own address space at what it uses after
start-up plus ``max_task_memory_bytes`` (``RLIMIT_AS``), says it is ready, then answers one task at a
time until the socket closes. The server kills it when a task outlives ``max_compute_seconds``, or when a
training stream's reader goes away; it exits when its server does.

The process keeps the last large programs it built (:mod:`pathgrad.program_cache`, bounded by the
``program_cache_*`` settings): a request that only changes leaves' values re-evaluates one of them.

A task that runs out of memory gets its 422 and the process exits (so does one whose peak memory grew
by more than ``RETIRE_GROWTH_BYTES``): the server starts a fresh one, and the memory is the system's
again, which a long-lived Python process would not give back.
"""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import resource
import socket
import sys
import threading
import time
import traceback
from typing import Any

from pathgrad.api import wire

RETIRE_GROWTH_BYTES = 256 * 1024 * 1024
# A training run yields a little to short requests. (Niceness for computations too made the good
# client of benchmarks/hostile.py slower: its own requests are computations.)
COMPUTE_NICENESS, TRAIN_NICENESS = 0, 2


def error_body(status: int, detail: Any) -> tuple[int, bytes]:
    return status, json.dumps({"detail": detail}, separators=(",", ":")).encode()


def memory_error(settings: Any) -> tuple[int, bytes]:
    from pathgrad.api.errors import limit_detail

    message = (
        f"the computation needed more than max_task_memory_bytes={settings.max_task_memory_bytes:,} "
        "bytes of memory and was stopped"
    )
    return error_body(422, [limit_detail("max_task_memory_bytes", message)])


def _die_with_parent(server: int) -> None:
    """Exit when the server process (pid ``server``) is gone, even in the middle of a task.

    (``PR_SET_PDEATHSIG`` would fire when the *thread* that started this process ends, and anyio
    ends idle threads; so a watcher thread polls the parent's pid instead. The server says its pid:
    in a container it is pid 1 itself, so a parent of 1 does not mean that it is gone.)
    """

    def watch() -> None:
        while True:
            time.sleep(1.0)
            if os.getppid() != server:
                os._exit(0)

    if os.getppid() != server:
        sys.exit(0)
    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _vm_size() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def _peak_rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def main(fd: int, server: int) -> int:
    _die_with_parent(server)
    sock = socket.socket(fileno=fd)
    kind, _, payload = wire.read_frame(sock)
    assert kind == wire.SETUP
    settings, role = pickle.loads(payload)

    import numpy as np

    from pathgrad.api import tasks  # the service, the language, numpy: everything a task needs
    from pathgrad.gc_tuning import tune_gc
    from pathgrad.program_cache import ProgramCache

    np.seterr(all="ignore")
    if settings.gc_tuning:
        tune_gc()
    with contextlib.suppress(OSError):
        os.nice(TRAIN_NICENESS if role == "train" else COMPUTE_NICENESS)
    cap = _vm_size() + settings.max_task_memory_bytes
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    # This process's built programs, for requests that only change leaves' values (one task at a time:
    # the cache needs no lock).
    cache = ProgramCache(
        settings.program_cache_entries, settings.program_cache_nodes, settings.program_cache_min_nodes
    )
    baseline = _peak_rss()
    wire.send_frame(sock, wire.READY)
    while True:
        try:
            kind, _, payload = wire.read_frame(sock)
        except (EOFError, OSError):
            return 0
        out_of_memory = False
        try:
            if kind == wire.CALL:
                name, args = pickle.loads(payload)
                extra = {"cache": cache} if name in tasks.CACHED_TASKS else {}
                status, body = tasks.TASKS[name](settings, *args, **extra)
                del args
                retire = _peak_rss() - baseline > RETIRE_GROWTH_BYTES
                if retire:
                    wire.send_frame(sock, wire.RETIRE)
                wire.send_frame(sock, wire.RESULT, status, body)
                if retire:
                    return 0
            elif kind == wire.TRAIN:
                tasks.train(sock, settings, pickle.loads(payload))
                if _peak_rss() - baseline > RETIRE_GROWTH_BYTES:
                    wire.send_frame(sock, wire.RETIRE)
                    return 0
        except MemoryError:
            out_of_memory = True
        except (BrokenPipeError, ConnectionError, EOFError):
            return 0
        except Exception:
            traceback.print_exc()
            status, body = error_body(500, "internal error while computing the answer")
            wire.send_frame(sock, wire.RESULT, status, body)
        if out_of_memory:
            # Free what the failed task held (the frame's locals are gone), answer, and make way for a
            # fresh process.
            status, body = memory_error(settings)
            with contextlib.suppress(OSError):
                wire.send_frame(sock, wire.RETIRE)
                wire.send_frame(sock, wire.RESULT, status, body)
            return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]), int(sys.argv[2])))
