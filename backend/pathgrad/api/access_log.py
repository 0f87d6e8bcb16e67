"""The access log: one JSON line per request, and the request id that ties a line to its answer.

``{"time", "request_id", "method", "path", "status", "duration_ms", "client"}`` on the
``pathgrad.access`` logger at INFO. The id is the client's ``X-Request-ID`` when it is a sane token
(1–128 characters of ``A-Z a-z 0-9 . _ : + / = -``), else a new random one; either way it is echoed
in the answer's ``X-Request-ID`` header and kept in ``request.state.request_id``.
"""

from __future__ import annotations

import copy
import json
import logging
import re
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

LOGGER_NAME = "pathgrad.access"
REQUEST_ID_HEADER = b"x-request-id"
_SANE_ID = re.compile(r"[A-Za-z0-9._:+/=-]{1,128}")

# Logged when the client went away before any answer started (nginx's convention).
CLIENT_CLOSED = 499


def request_id_from(scope: Scope) -> str:
    """The incoming X-Request-ID if it is a sane token (no spaces, quotes or control characters)."""
    for name, value in scope.get("headers", []):
        if name == REQUEST_ID_HEADER:
            text = value.decode("latin-1")
            if _SANE_ID.fullmatch(text):
                return text
            break
    return uuid.uuid4().hex


class AccessLog:
    """Give each request an id, echo it, and log one JSON line when the request is over."""

    def __init__(self, app: ASGIApp, logger: logging.Logger | None = None, enabled: bool = True) -> None:
        self.app = app
        self.logger = logger or logging.getLogger(LOGGER_NAME)
        self.enabled = enabled

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_from(scope)
        scope.setdefault("state", {})["request_id"] = request_id
        arrived = time.time()
        start = time.perf_counter()
        status = CLIENT_CLOSED
        header = (REQUEST_ID_HEADER, request_id.encode())

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [
                    *(h for h in message.get("headers", []) if h[0].lower() != REQUEST_ID_HEADER),
                    header,
                ]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            if status == CLIENT_CLOSED:
                status = 500  # the server's error page, or uvicorn's, answers it
            raise
        finally:
            if self.enabled and self.logger.isEnabledFor(logging.INFO):
                client = scope.get("client")
                self.logger.info(
                    json.dumps(
                        {
                            "time": datetime.fromtimestamp(arrived, UTC).isoformat(timespec="milliseconds"),
                            "request_id": request_id,
                            "method": scope["method"],
                            "path": scope["path"],
                            "status": status,
                            "duration_ms": round((time.perf_counter() - start) * 1000, 2),
                            "client": client[0] if client else None,
                        },
                        ensure_ascii=False,
                    )
                )


def uvicorn_log_config(level: str, access_log: bool = True) -> dict[str, Any]:
    """uvicorn's logging configuration plus our access logger (JSON lines to stdout).

    Passed to ``uvicorn.run(log_config=...)``, so that every worker process sets it up. uvicorn's own
    access log is turned off (``access_log=False``): this one replaces it.
    """
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["formatters"]["json_line"] = {"format": "%(message)s"}
    config["handlers"]["json_access"] = {
        "class": "logging.StreamHandler",
        "formatter": "json_line",
        "stream": "ext://sys.stdout",
    }
    config["loggers"][LOGGER_NAME] = {
        "handlers": ["json_access"],
        "level": level.upper() if access_log else "WARNING",
        "propagate": False,
    }
    return config
