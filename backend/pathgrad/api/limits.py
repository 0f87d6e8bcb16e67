"""Request-body limits as plain ASGI middleware: size (413, chunked bodies too) and time (408)."""

from __future__ import annotations

import asyncio

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pathgrad.api.middleware import send_json


class BodySizeLimit:
    """Answer 413 when a request body exceeds ``max_bytes``, with or without Content-Length, and 408
    when it has not all arrived ``max_seconds`` after the request began (a slow upload holds a slot)."""

    def __init__(self, app: ASGIApp, max_bytes: int, max_seconds: float = 10.0) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.max_seconds = max_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = 0
                if declared > self.max_bytes:
                    await self._reject(send)
                    return
        received = 0
        response_started = False
        body_done = False
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.max_seconds

        async def limited_receive() -> Message:
            nonlocal received, body_done
            if body_done:  # later calls wait for the disconnect: no deadline
                return await receive()
            try:
                async with asyncio.timeout_at(deadline):
                    message = await receive()
            except TimeoutError:
                raise _TooSlow(self.max_seconds) from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _TooLarge(self.max_bytes)
                body_done = not message.get("more_body", False)
            else:
                body_done = True
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLarge:
            if not response_started:
                await self._reject(send)
        except _TooSlow as error:
            if not response_started:
                await self._reject(send, 408, str(error.detail), close=True)

    async def _reject(self, send: Send, status: int = 413, detail: str = "", close: bool = False) -> None:
        headers = [(b"connection", b"close")] if close else []
        await send_json(send, status, detail or _message(self.max_bytes), headers)


class _TooLarge(HTTPException):
    # An HTTPException, so that FastAPI's body reader re-raises it instead of answering 400.
    def __init__(self, max_bytes: int) -> None:
        super().__init__(413, _message(max_bytes))


class _TooSlow(HTTPException):
    def __init__(self, max_seconds: float) -> None:
        super().__init__(
            408, f"the request body did not arrive within {max_seconds:g} s (body_timeout_seconds)"
        )


def _message(max_bytes: int) -> str:
    return f"request body too large: the limit is {max_bytes:,} bytes (max_body_bytes)"
