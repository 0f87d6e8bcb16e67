"""Limits on how a worker process spends itself, as plain ASGI middleware.

:class:`ClientGuard` (outermost) refuses a client's request beyond ``max_requests_per_client`` and
disconnects a client that stops taking its answer or stream for ``send_stall_seconds``;
:class:`ConcurrencyLimit` refuses work a process cannot start soon (503 at once rather than a queue);
:class:`RequestTimeout` answers 504 when a request outlives ``request_timeout_seconds``. The body
limits (413, 408) are :mod:`pathgrad.api.limits`.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from collections.abc import Collection
from typing import Any

import anyio
from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEALTH_PATH = "/api/health"


def app_path(scope: Scope) -> str:
    """The request's path below the app's ``root_path`` (what the routes see): the one rule of the
    middleware, the body limits and the page's mount."""
    path: str = scope.get("path", "")
    root: str = scope.get("root_path", "")
    if root and path.startswith(root):
        return path[len(root) :] or "/"
    return path


async def send_json(
    send: Send, status: int, detail: str, headers: Collection[tuple[bytes, bytes]] = ()
) -> None:
    """A whole JSON answer ``{"detail": ...}`` (FastAPI's shape for plain errors): every reply the
    middleware and the body limits make themselves."""
    body = json.dumps({"detail": detail}).encode()
    raw: list[Any] = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        *headers,
    ]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


def client_address(scope: Scope) -> str:
    """The client's address (uvicorn has put a trusted proxy's X-Forwarded-For client there)."""
    client = scope.get("client")
    return str(client[0]) if client else "-"


class ClientGuard:
    """Per-client slots and a send deadline, for every request.

    A client (an address) with ``max_requests`` requests in flight in this process gets 503 at once.
    A request counts until its answer has left the server: an answer the client does not read keeps
    its slot, so a client cannot park answers in the server's memory beyond its slots.

    A client that takes nothing for ``stall_seconds`` while the server has something to send is
    disconnected: its stream sees the disconnect and ends (its run is stopped), its unread answer is
    dropped. That needs the connection's transport, which uvicorn's ``send`` carries; under another
    server (the TestClient) only the slots apply.
    """

    def __init__(
        self,
        app: ASGIApp,
        max_requests: int,
        stall_seconds: float,
        exempt: Collection[str] = (HEALTH_PATH,),
    ) -> None:
        self.app = app
        self.max_requests = max_requests
        self.stall_seconds = stall_seconds
        self.exempt = frozenset(exempt)
        self.in_flight: Counter[str] = Counter()
        self.dropped = 0  # connections dropped for stalling (for the tests)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        transport = getattr(getattr(send, "__self__", None), "transport", None)
        path = app_path(scope)
        if path in self.exempt or not path.startswith("/api/"):
            # The page's files (a browser fetches a dozen modules at once) and health: no slot.
            await self._guarded(scope, receive, send, transport)
            return
        client = client_address(scope)
        if self.in_flight[client] >= self.max_requests:
            await send_json(
                send,
                503,
                f"this client already has {self.max_requests:,} requests in flight in this server "
                "process (max_requests_per_client); retry after 1 s",
                [(b"retry-after", b"1")],
            )
            return
        self.in_flight[client] += 1
        try:
            await self._guarded(scope, receive, send, transport)
        finally:
            self.in_flight[client] -= 1
            if self.in_flight[client] <= 0:
                del self.in_flight[client]

    async def _guarded(self, scope: Scope, receive: Receive, send: Send, transport: Any) -> None:
        """Run the request; drop the client if it stalls while the server has something to send."""
        if transport is None or not hasattr(transport, "abort"):
            await self.app(scope, receive, send)
            return
        loop = asyncio.get_running_loop()

        def drop() -> None:
            self.dropped += 1
            transport.abort()

        async def guarded_send(message: Message) -> None:
            if not transport.get_write_buffer_size():
                # Nothing is waiting to leave, so uvicorn writes at once: no timer needed. (When
                # this write fills the buffer, the next send, or the wait for the drain, has one.)
                await send(message)
                return
            timer = loop.call_later(self.stall_seconds, drop)
            try:
                await send(message)
            finally:
                timer.cancel()

        await self.app(scope, receive, guarded_send)
        await self._drained(transport, drop)

    async def _drained(self, transport: Any, drop: Any) -> None:
        """Wait until the answer has left (or drop the client once it takes nothing for a while)."""
        pending = transport.get_write_buffer_size()
        if not pending:
            return
        progress = time.monotonic()
        pause = 0.001  # usually gone at the next turn of the loop; a big answer takes longer
        while not transport.is_closing():
            await asyncio.sleep(pause)
            pause = min(pause * 2, 0.1, self.stall_seconds / 4)
            now_pending = transport.get_write_buffer_size()
            if not now_pending:
                return
            now = time.monotonic()
            if now_pending < pending:
                pending, progress = now_pending, now
            elif now - progress > self.stall_seconds:
                drop()
                return


class ConcurrencyLimit:
    """Answer 503 with ``Retry-After`` when ``max_requests`` requests are already in flight here.

    Counted per worker process (one event loop, so no lock). A stream counts until it ends. Paths in
    ``exempt`` are never refused, so that a busy replica is not mistaken for a dead one.
    """

    def __init__(
        self,
        app: ASGIApp,
        max_requests: int,
        exempt: Collection[str] = (HEALTH_PATH,),
        retry_after_seconds: int = 1,
    ) -> None:
        self.app = app
        self.max_requests = max_requests
        self.exempt = frozenset(exempt)
        self.retry_after = str(retry_after_seconds).encode()
        self.in_flight = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or app_path(scope) in self.exempt:
            await self.app(scope, receive, send)
            return
        if self.in_flight >= self.max_requests:
            await send_json(
                send,
                503,
                f"the server is busy: {self.max_requests:,} requests are in flight in this process "
                f"(max_concurrent_requests); retry after {self.retry_after.decode()} s",
                [(b"retry-after", self.retry_after)],
            )
            return
        self.in_flight += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.in_flight -= 1


class RequestTimeout:
    """Answer 504 when a request has no answer after ``seconds``; end a stream that outlives them.

    The request is cancelled: a computation it waits for is stopped with it (its compute process is
    killed, see :mod:`pathgrad.api.pool`), a training stream stops its run.

    The timer is the event loop's ``call_later`` (uvicorn runs asyncio): a task is made only when it
    fires, so that the common case costs microseconds.
    """

    def __init__(self, app: ASGIApp, seconds: float) -> None:
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = finished = timed_out = False
        chunked = True
        answer: list[asyncio.Task[None]] = []  # the 504, once sent (a reference keeps the task alive)

        async def guarded_send(message: Message) -> None:
            nonlocal started, finished, chunked
            if timed_out:
                return  # the client has had its 504, or its stream was ended
            if message["type"] == "http.response.start":
                started = True
                chunked = all(name.lower() != b"content-length" for name, _ in message.get("headers", []))
            elif message["type"] == "http.response.body" and not message.get("more_body", False):
                finished = True
            await send(message)

        def expire() -> None:
            nonlocal timed_out
            timed_out = True  # from here on the app's messages are dropped
            if not started:
                detail = f"no answer within {self.seconds:g} s (request_timeout_seconds)"
                close = [(b"connection", b"close")]
                answer.append(asyncio.ensure_future(send_json(send, 504, detail, close)))
            cancel_scope.cancel()

        try:
            with anyio.CancelScope() as cancel_scope:
                timer = asyncio.get_running_loop().call_later(self.seconds, expire)
                try:
                    await self.app(scope, receive, guarded_send)
                finally:
                    timer.cancel()
        finally:
            if answer:
                await answer[0]  # normally long sent: the app returns once its thread is done
        if timed_out and started and not finished:
            if not chunked:
                raise RuntimeError("request_timeout_seconds passed in the middle of a response")
            # A stream (chunked): end it cleanly; the client sees it stop without its last event.
            await send({"type": "http.response.body", "body": b"", "more_body": False})
