"""Compute processes for one server process, shared fairly between clients, killed when over a limit.

Python cannot stop a thread that computes, so programs do not run in the server process: each task
goes to a compute process (:mod:`pathgrad.api.worker`) over a Unix socket, and a task that outlives
``max_compute_seconds`` is stopped by killing its process (a fresh one takes its place). A process
caps its own memory (``RLIMIT_AS``), so a task that needs too much fails alone.

The server's event loop sends the task and awaits the answer on a non-blocking socket: it computes
nothing and waits on nothing. Only starting a process (numpy's import) runs in a thread. The pool is
not tied to one event loop (``loop.sock_*`` take the socket per call; a waiter's future is resolved on
its own loop), which keeps Starlette's TestClient, a new loop per request, working.

Fairness: a client (an address) may hold at most ``max(1, size - 1)`` processes of a pool, so one
client's heavy requests always leave a process to the others, and a freed process goes to the waiting
clients in turn (round robin), not first come first served.

Affinity: of the idle processes, a client gets the one that last ran its task when there is one
(else the one idle the longest), so that its next request finds the program that process keeps
(:mod:`pathgrad.program_cache`: a leaf change re-evaluates the kept graph). It chooses which
process, never who gets one or when.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import pickle
import socket
import subprocess
import sys
import threading
import weakref
from collections import Counter, OrderedDict, deque
from dataclasses import dataclass
from typing import Any

import anyio.to_thread

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
                [sys.executable, "-m", "pathgrad.api.worker", str(child.fileno()), str(os.getpid())],
                pass_fds=(child.fileno(),),
                stdin=subprocess.DEVNULL,
                env=env,
            )
        finally:
            child.close()
        self.sock = parent
        self.last_client: str | None = None  # whose task it ran last (see Pool._take_idle)
        self.retiring = False
        self.killed = False
        try:
            parent.settimeout(START_SECONDS)
            wire.send_frame(parent, wire.SETUP, 0, pickle.dumps((settings, role)))
            kind, _, _ = wire.read_frame(parent)
            if kind != wire.READY:
                raise EOFError("unexpected first frame")
            parent.setblocking(False)
        except (OSError, EOFError):
            self.kill()
            raise

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return not self.killed and not self.retiring and self.process.poll() is None

    async def read(self, timeout: float) -> tuple[int, int, bytes]:
        """The next frame, skipping (and noting) RETIRE; TimeoutError after ``timeout`` seconds."""
        async with asyncio.timeout(timeout):
            while True:
                kind, number, payload = await wire.read_frame_async(self.sock)
                if kind != wire.RETIRE:
                    return kind, number, payload
                self.retiring = True

    async def send(self, kind: int, payload: bytes) -> None:
        await wire.send_frame_async(self.sock, kind, 0, payload)

    def kill(self) -> None:
        """SIGKILL; reaped by a thread, so that no one waits for it."""
        if self.killed:
            return
        self.killed = True
        with contextlib.suppress(OSError):
            self.process.kill()
        with contextlib.suppress(OSError):
            self.sock.close()
        threading.Thread(target=self.process.wait, daemon=True).start()


@dataclass
class _Waiter:
    client: str
    future: asyncio.Future[Child | None]  # a process, or None: start one of your own (a slot is free)

    def wake(self, child: Child | None) -> None:
        loop = self.future.get_loop()
        try:
            same = asyncio.get_running_loop() is loop
        except RuntimeError:
            same = False
        if same:
            _resolve(self.future, child)
        else:  # a waiter of another loop (another TestClient request)
            loop.call_soon_threadsafe(_resolve, self.future, child)


def _resolve(future: asyncio.Future[Child | None], child: Child | None) -> None:
    if not future.done():
        future.set_result(child)


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
        self.keep = 0  # processes kept started (set by warm)
        self._tasks: set[asyncio.Task[None]] = set()
        self._finalizer = weakref.finalize(self, _kill_all, self._children)

    # -- leasing ----------------------------------------------------------------------------------

    def _slots_free(self) -> bool:
        return len(self._children) + self._starting < self.size

    async def lease(self, client: str, wait: float) -> Child:
        """A process for ``client``; waits up to ``wait`` seconds for one, else raises Stopped (503)."""
        with self._lock:
            spawn = False
            if self._held[client] < self.per_client and not self._waiting:
                if self._idle:
                    self._held[client] += 1
                    return self._take_idle(client)
                if self._slots_free():
                    self._held[client] += 1
                    self._starting += 1
                    spawn = True
            if not spawn:
                if wait <= 0:
                    raise self._busy(client)
                waiter = _Waiter(client, asyncio.get_running_loop().create_future())
                self._waiting.setdefault(client, deque()).append(waiter)
                self._hand_over()
        if spawn:
            return await self._spawn(client)
        try:
            async with asyncio.timeout(wait):
                child = await asyncio.shield(waiter.future)
        except (TimeoutError, asyncio.CancelledError) as error:
            with self._lock:
                if not waiter.future.done():
                    waiter.future.cancel()
                    queue = self._waiting.get(client)
                    if queue is not None:
                        with contextlib.suppress(ValueError):
                            queue.remove(waiter)
                        if not queue:
                            del self._waiting[client]
                    busy = self._busy(client)
                else:
                    busy = None
            if busy is not None:
                if isinstance(error, asyncio.CancelledError):
                    raise  # the request was cancelled while it waited: not a refusal
                raise busy from None
            handed = waiter.future.result()
            if isinstance(error, TimeoutError):  # handed over just as the wait ended: take it
                return handed if handed is not None else await self._spawn(client)
            # Cancelled: give the process (or its slot) back.
            if handed is not None:
                self.give_back(handed, client)
            else:
                with self._lock:
                    self._starting -= 1
                    self._held[client] -= 1
                    self._hand_over()
            raise
        if child is not None:
            return child
        return await self._spawn(client)

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

    def _start(self, box: list[Child]) -> None:
        """Start a process (in a thread: numpy's import takes a while); counted in ``_starting``."""
        try:
            child = Child(self.settings, self.role)
        except BaseException:
            with self._lock:
                self._starting -= 1
            raise
        with self._lock:
            self._starting -= 1
            self._children.add(child)
        box.append(child)

    async def _spawn(self, client: str) -> Child:
        """Start a process for ``client`` (a slot was counted in ``_starting`` and ``_held``)."""
        box: list[Child] = []
        try:
            await anyio.to_thread.run_sync(self._start, box)
        except BaseException as error:
            if box:  # started, but the request was cancelled meanwhile: the process is the pool's
                self.give_back(box[0], client)
            else:
                with self._lock:
                    self._held[client] -= 1
                    self._hand_over()
            if isinstance(error, (OSError, EOFError)):
                raise Stopped(503, None, f"a {self.role} process could not start ({error})") from None
            raise
        return box[0]

    def give_back(self, child: Child, client: str) -> None:
        """Return a leased process; a dead, retiring or killed one is replaced (in the background, up
        to ``keep`` processes, so that the next request does not wait for numpy's import)."""
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
            short = self.keep - len(self._children) - self._starting
        if short > 0:
            with contextlib.suppress(RuntimeError):  # no running loop: started on demand instead
                task = asyncio.get_running_loop().create_task(self.warm(short))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)

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
                waiter.wake(self._take_idle(chosen))
            else:
                self._starting += 1
                waiter.wake(None)

    def _take_idle(self, client: str) -> Child:
        """An idle process for ``client`` (under the lock): the last one that ran its task, if idle,
        else the one idle the longest (a fresh one first: it keeps no one's program)."""
        for index in range(len(self._idle) - 1, -1, -1):
            if self._idle[index].last_client == client:
                return self._idle.pop(index)
        return self._idle.pop(0)

    def discard(self, child: Child) -> None:
        """Kill a leased process (its task was stopped); ``give_back`` must still follow."""
        self.killed += 1
        child.kill()

    # -- running ----------------------------------------------------------------------------------

    async def call(self, client: str, name: str, *args: Any) -> tuple[int, bytes]:
        """Run task ``name`` in a compute process: ``(status, body)``, or raises Stopped."""
        deadline = self.settings.max_compute_seconds
        # A turn is waited for up to the same time (then 503); the task then has all of it.
        child = await self.lease(client, wait=deadline)
        finished = False
        try:
            try:
                await child.send(wire.CALL, pickle.dumps((name, args)))
                kind, status, body = await child.read(timeout=deadline)
            except TimeoutError:
                raise Stopped(
                    422,
                    "max_compute_seconds",
                    f"the computation was stopped after {deadline:g} s (max_compute_seconds)",
                ) from None
            except (OSError, EOFError):
                raise Stopped(503, None, "the compute process stopped unexpectedly; retry") from None
            if kind != wire.RESULT:
                raise Stopped(503, None, "the compute process answered out of turn; retry")
            finished = True
            child.last_client = client
            return status, body
        finally:
            if not finished:  # stopped, failed, or the request was cancelled mid-task
                self.discard(child)
            self.give_back(child, client)

    async def warm(self, count: int) -> None:
        """Start ``count`` processes now (at server start), so that the first requests do not wait;
        and keep that many started."""
        self.keep = max(self.keep, min(count, self.size))
        for _ in range(min(count, self.size)):
            with self._lock:
                if not self._slots_free():
                    break
                self._starting += 1
                self._held["<warm>"] += 1
            with contextlib.suppress(Stopped):
                self.give_back(await self._spawn("<warm>"), "<warm>")

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


class ActiveRuns:
    """How many training streams this process is running (for /api/health and the tests)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.count = 0

    def add(self, delta: int) -> None:
        with self._lock:
            self.count += delta


ACTIVE_RUNS = ActiveRuns()


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
