"""Compute processes for one server process, shared fairly between clients, killed when over a limit.

Python cannot stop a thread that computes, so programs do not run in the server process: each task
goes to a compute process (:mod:`pathgrad.api.worker`) over a Unix socket, and a task that outlives
``max_compute_seconds`` is stopped by killing its process (a fresh one takes its place). A process
caps its own memory (``RLIMIT_AS``), so a task that needs too much fails alone.

The event loop never waits on a socket: a request's thread from anyio's pool sends the task and reads
the answer (blocking reads release the GIL), as the synchronous endpoints did before. The pool is not
tied to an event loop, which keeps Starlette's TestClient (a new loop per request) working.

Fairness: a client (an address) may hold at most ``max(1, size - 1)`` processes of a pool, so one
client's heavy requests always leave a process to the others, and a freed process goes to the waiting
clients in turn (round robin), not first come first served.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import socket
import subprocess
import sys
import threading
import time
import weakref
from collections import Counter, OrderedDict, deque
from dataclasses import dataclass, field
from typing import Any

from pathgrad.api import wire
from pathgrad.settings import Settings

START_SECONDS = 60.0  # a compute process imports numpy and the package; on a loaded machine, slowly
# One thread of BLAS per process: the server already runs a process per core.
CHILD_ENV = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


class Stopped(Exception):
    """A task was stopped or could not run; ``status`` and ``limit`` say how to answer."""

    def __init__(self, status: int, limit: str | None, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.limit = limit
        self.message = message


class Child:
    """One compute process and the server's end of its socket."""

    def __init__(self, settings: Settings, role: str) -> None:
        parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        env = {**os.environ, **CHILD_ENV}
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "pathgrad.api.worker", str(child.fileno())],
                pass_fds=(child.fileno(),),
                stdin=subprocess.DEVNULL,
                env=env,
            )
        finally:
            child.close()
        self.sock = parent
        self.retiring = False
        try:
            parent.settimeout(START_SECONDS)
            wire.send_frame(parent, wire.SETUP, 0, pickle.dumps((settings, role)))
            kind, _, _ = wire.read_frame(parent)
            if kind != wire.READY:
                raise EOFError("unexpected first frame")
        except (OSError, EOFError):
            self.kill()
            raise

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None and not self.retiring

    def read(self, timeout: float | None) -> tuple[int, int, bytes]:
        """The next frame, skipping (and noting) RETIRE."""
        self.sock.settimeout(timeout)
        while True:
            kind, number, payload = wire.read_frame(self.sock)
            if kind != wire.RETIRE:
                return kind, number, payload
            self.retiring = True

    def kill(self) -> None:
        with contextlib.suppress(OSError):
            self.process.kill()
        with contextlib.suppress(OSError):
            self.sock.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)


@dataclass
class _Waiter:
    client: str
    event: threading.Event = field(default_factory=threading.Event)
    child: Child | None = None
    spawn: bool = False  # told to start a process of its own (a slot is free, no idle process)


class Pool:
    """Up to ``size`` compute processes of one ``role`` ("compute" or "train"), started on demand."""

    def __init__(
        self,
        settings: Settings,
        role: str,
        size: int,
        per_client: int,
        limit_name: str,
        client_limit_name: str,
    ) -> None:
        self.settings = settings
        self.role = role
        self.size = size
        self.per_client = max(1, per_client)
        self.limit_name = limit_name
        self.client_limit_name = client_limit_name
        self._lock = threading.Lock()
        self._idle: list[Child] = []
        self._children: set[Child] = set()
        self._starting = 0
        self._held: Counter[str] = Counter()
        self._waiting: OrderedDict[str, deque[_Waiter]] = OrderedDict()
        self.killed = 0  # processes killed at a limit (for the tests and /api/health)
        self._finalizer = weakref.finalize(self, _kill_all, self._children)

    # -- leasing ----------------------------------------------------------------------------------

    def _slots_free(self) -> bool:
        return len(self._children) + self._starting < self.size

    def lease(self, client: str, wait: float) -> Child:
        """A process for ``client``; waits up to ``wait`` seconds for one, else raises Stopped (503)."""
        with self._lock:
            spawn = False
            if self._held[client] < self.per_client and not self._waiting:
                if self._idle:
                    self._held[client] += 1
                    return self._idle.pop()
                if self._slots_free():
                    self._held[client] += 1
                    self._starting += 1
                    spawn = True
            if not spawn:
                if wait <= 0:
                    raise self._busy(client)
                waiter = _Waiter(client)
                self._waiting.setdefault(client, deque()).append(waiter)
                self._hand_over()
        if spawn:
            return self._spawn(client)
        waiter.event.wait(wait)
        with self._lock:
            if waiter.child is None and not waiter.spawn:
                queue = self._waiting.get(client)
                if queue is not None:
                    with contextlib.suppress(ValueError):
                        queue.remove(waiter)
                    if not queue:
                        del self._waiting[client]
                raise self._busy(client)
        if waiter.child is not None:
            return waiter.child
        return self._spawn(client)

    def _busy(self, client: str) -> Stopped:
        if self._held[client] >= self.per_client:
            return Stopped(
                503,
                self.client_limit_name,
                f"this client already uses {self._held[client]} of this server process's {self.size} "
                f"{self.role} processes ({self.client_limit_name}); retry when one of its requests is done",
            )
        return Stopped(
            503, self.limit_name, f"all {self.size} {self.role} processes are busy ({self.limit_name}); retry"
        )

    def _spawn(self, client: str) -> Child:
        """Start a process for ``client`` (a slot was counted in ``_starting`` and ``_held``)."""
        try:
            child = Child(self.settings, self.role)
        except (OSError, EOFError) as error:
            with self._lock:
                self._starting -= 1
                self._held[client] -= 1
                self._hand_over()
            raise Stopped(503, None, f"a {self.role} process could not start ({error})") from None
        with self._lock:
            self._starting -= 1
            self._children.add(child)
        return child

    def give_back(self, child: Child, client: str) -> None:
        """Return a leased process; a dead, retiring or killed one is replaced on demand."""
        healthy = child.alive()
        if not healthy:
            child.kill()
        with self._lock:
            self._held[client] -= 1
            if self._held[client] <= 0:
                del self._held[client]
            if healthy:
                self._idle.append(child)
            else:
                self._children.discard(child)
            self._hand_over()

    def _hand_over(self) -> None:
        """Give idle processes (or free slots) to waiting clients, one client after another."""
        while self._waiting and (self._idle or self._slots_free()):
            chosen = None
            for client, queue in self._waiting.items():
                if self._held[client] < self.per_client and queue:
                    chosen = client
                    break
            if chosen is None:
                return
            queue = self._waiting[chosen]
            waiter = queue.popleft()
            if queue:
                self._waiting.move_to_end(chosen)
            else:
                del self._waiting[chosen]
            self._held[chosen] += 1
            if self._idle:
                waiter.child = self._idle.pop()
            else:
                self._starting += 1
                waiter.spawn = True
            waiter.event.set()

    def discard(self, child: Child) -> None:
        """Kill a leased process (its task was stopped); ``give_back`` must still follow."""
        self.killed += 1
        child.kill()

    # -- running ----------------------------------------------------------------------------------

    def call(self, client: str, name: str, *args: Any) -> tuple[int, bytes]:
        """Run task ``name`` in a compute process: ``(status, body)``, or raises Stopped."""
        deadline = self.settings.max_compute_seconds
        started = time.monotonic()
        child = self.lease(client, wait=deadline)
        try:
            remaining = max(0.01, deadline - (time.monotonic() - started))
            try:
                wire.send_frame(child.sock, wire.CALL, 0, pickle.dumps((name, args)))
                kind, status, body = child.read(timeout=remaining)
            except TimeoutError:
                self.discard(child)
                raise Stopped(
                    422,
                    "max_compute_seconds",
                    f"the computation was stopped after {deadline:g} s (max_compute_seconds)",
                ) from None
            except (OSError, EOFError):
                self.discard(child)
                raise Stopped(503, None, "the compute process stopped unexpectedly; retry") from None
            if kind != wire.RESULT:
                self.discard(child)
                raise Stopped(503, None, "the compute process answered out of turn; retry")
            return status, body
        finally:
            self.give_back(child, client)

    def warm(self, count: int) -> None:
        """Start ``count`` processes now (at server start), so that the first requests do not wait."""
        started: list[Child] = []
        for _ in range(min(count, self.size)):
            with self._lock:
                if not self._slots_free():
                    break
                self._starting += 1
                self._held["<warm>"] += 1
            with contextlib.suppress(Stopped):
                started.append(self._spawn("<warm>"))
        for child in started:
            self.give_back(child, "<warm>")

    def close(self) -> None:
        with self._lock:
            children = list(self._children)
            self._children.clear()
            self._idle.clear()
        for child in children:
            child.kill()

    def pids(self) -> list[int]:
        with self._lock:
            return [child.pid for child in self._children]

    @property
    def busy(self) -> int:
        with self._lock:
            return sum(self._held.values())


def _kill_all(children: set[Child]) -> None:
    for child in list(children):
        child.kill()


@dataclass
class Pools:
    """The compute pool (graph and paths) and the training pool of one server process."""

    compute: Pool
    train: Pool

    @classmethod
    def create(cls, settings: Settings) -> Pools:
        # A client may hold all but one compute process (one, if there is only one).
        compute = Pool(
            settings,
            "compute",
            settings.compute_processes,
            settings.compute_processes - 1,
            "compute_processes",
            "compute_processes",
        )
        train = Pool(
            settings,
            "train",
            settings.max_train_streams,
            settings.max_train_streams_per_client,
            "max_train_streams",
            "max_train_streams_per_client",
        )
        return cls(compute, train)

    def close(self) -> None:
        self.compute.close()
        self.train.close()
