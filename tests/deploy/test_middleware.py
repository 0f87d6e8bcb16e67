"""The production layers in process: security headers, request ids, the access log, 503 and 504."""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import anyio
import pytest
from fastapi.responses import StreamingResponse
from fastapi.testclient import TestClient
from pydantic import ValidationError
from starlette.types import Message, Receive, Scope, Send

from pathgrad.api.access_log import LOGGER_NAME, uvicorn_log_config
from pathgrad.api.app import create_app
from pathgrad.api.middleware import ConcurrencyLimit, RequestTimeout
from pathgrad.api.security import EMPTY_STYLE, PAGE_CSP
from pathgrad.settings import Settings


def run_in_fresh_thread(main: Callable[..., Any], *args: Any) -> Any:
    """anyio.run on a thread of its own: the browser tests' Playwright keeps an event loop running on
    the worker's main thread, and anyio.run refuses to start inside one."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(anyio.run, main, *args).result()

# 'sha256-47DEQ…' is the hash of the empty text (see pathgrad.api.security.EMPTY_STYLE).
STRICT = (
    "default-src 'self'; script-src 'self'; "
    "style-src 'self' 'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='; img-src 'self' data: blob:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)


def csp_directives(policy: str) -> dict[str, list[str]]:
    parts = (part.split() for part in policy.split(";") if part.strip())
    return {words[0]: words[1:] for words in parts}


@pytest.fixture(scope="module")
def app_client() -> TestClient:
    app = create_app(Settings())

    @app.get("/api/boom")
    def boom() -> None:
        raise RuntimeError("a bug")

    return TestClient(app, raise_server_exceptions=False)


def assert_secure(headers: Mapping[str, str]) -> None:
    assert headers.get("x-content-type-options") == "nosniff"
    assert headers.get("referrer-policy") == "no-referrer"
    assert headers.get("x-frame-options") == "DENY"
    assert headers.get("content-security-policy")


def assert_strict(policy: str) -> None:
    """The page's policy: STRICT, but for the hashes of the page's own stylesheets in style-src."""
    directives, strict = csp_directives(policy), csp_directives(STRICT)
    styles, strict_styles = directives.pop("style-src"), strict.pop("style-src")
    assert styles[: len(strict_styles)] == strict_styles
    assert all(re.fullmatch(r"'sha256-[A-Za-z0-9+/]{43}='", source) for source in styles[2:])
    assert directives == strict


def test_the_page_policy_is_the_strict_one() -> None:
    assert PAGE_CSP == STRICT
    empty_text_hash = "'sha256-" + base64.b64encode(hashlib.sha256(b"").digest()).decode() + "'"
    assert empty_text_hash == EMPTY_STYLE


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("GET", "/", None, 200),
        ("GET", "/js/main.js", None, 200),
        ("GET", "/api/health", None, 200),
        ("POST", "/api/graph", {"source": "x = 3; y = x*x"}, 200),
        ("POST", "/api/graph", {"source": "y = 2*"}, 422),
        ("GET", "/api/graph", None, 405),
        ("GET", "/no/such/file.js", None, 404),
        ("GET", "/api/boom", None, 500),
    ],
)
def test_every_answer_has_the_security_headers(
    app_client: TestClient, method: str, path: str, body: object, status: int
) -> None:
    response = app_client.request(method, path, json=body)
    assert response.status_code == status
    assert_secure(response.headers)
    assert_strict(response.headers["content-security-policy"])


def test_a_413_has_the_headers_and_a_request_id(app_client: TestClient) -> None:
    response = app_client.post("/api/graph", content=b"x" * (Settings().max_body_bytes + 1))
    assert response.status_code == 413
    assert_secure(response.headers)
    assert_strict(response.headers["content-security-policy"])
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["x-request-id"])


def test_style_hashes_are_the_page_stylesheets(app_client: TestClient) -> None:
    policy = csp_directives(app_client.get("/").headers["content-security-policy"])
    allowed = set(policy["style-src"][1:])
    for sheet in ("css/app.css", "css/graph.css"):
        text = app_client.get(f"/{sheet}").content
        digest = base64.b64encode(hashlib.sha256(text).digest()).decode()
        assert f"'sha256-{digest}'" in allowed, sheet


def test_no_path_gets_a_relaxed_policy(app_client: TestClient) -> None:
    """The documentation pages too (tests/deploy/test_docs.py): one policy for every answer."""
    for path in ("/docs", "/docs/init.js", "/redoc", "/openapi.json", "/docs/", "/docs.html", "/api/docs"):
        assert_strict(app_client.get(path).headers["content-security-policy"])


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("abc-123", True),
        ("4bf92f3577b34da6a3ce929d0e0e4736", True),
        ("Root=1-67891233-abcdef012345678912345678", True),
        ("two words", False),
        ("<script>", False),
        ('quote"d', False),
        ("x" * 129, False),
        ("", False),
    ],
)
def test_request_ids_are_echoed_when_sane(app_client: TestClient, sent: str, kept: bool) -> None:
    response = app_client.get("/api/health", headers={"x-request-id": sent})
    echoed = response.headers["x-request-id"]
    if kept:
        assert echoed == sent
    else:
        assert re.fullmatch(r"[0-9a-f]{32}", echoed)


def test_request_ids_are_generated_and_unique(app_client: TestClient) -> None:
    ids = {app_client.get("/api/health").headers["x-request-id"] for _ in range(20)}
    assert len(ids) == 20


def test_one_json_line_per_request(app_client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger=LOGGER_NAME):
        app_client.post("/api/graph", json={"source": "x = 1; y = x"}, headers={"x-request-id": "req-7"})
        app_client.get("/api/boom")
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == LOGGER_NAME]
    assert len(lines) == 2
    first, second = lines
    assert set(first) == {"time", "request_id", "method", "path", "status", "duration_ms", "client"}
    assert (first["request_id"], first["method"], first["path"], first["status"]) == (
        "req-7", "POST", "/api/graph", 200
    )
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", first["time"])
    assert isinstance(first["duration_ms"], float) and first["duration_ms"] >= 0
    assert first["client"]
    assert (second["path"], second["status"]) == ("/api/boom", 500)


def test_the_access_log_can_be_turned_off(caplog: pytest.LogCaptureFixture) -> None:
    client = TestClient(create_app(Settings(access_log=False)))
    with caplog.at_level(logging.INFO, logger=LOGGER_NAME):
        client.get("/api/health")
    assert not [r for r in caplog.records if r.name == LOGGER_NAME]


def test_uvicorn_log_config_sends_json_lines_to_stdout() -> None:
    config = uvicorn_log_config("warning")
    logger = config["loggers"][LOGGER_NAME]
    assert logger["level"] == "WARNING" and logger["propagate"] is False
    (handler,) = logger["handlers"]
    assert config["handlers"][handler]["stream"] == "ext://sys.stdout"
    assert config["formatters"][config["handlers"][handler]["formatter"]]["format"] == "%(message)s"
    assert uvicorn_log_config("info")["loggers"][LOGGER_NAME]["level"] == "INFO"
    assert uvicorn_log_config("info", access_log=False)["loggers"][LOGGER_NAME]["level"] == "WARNING"


# --- the limits as units ----------------------------------------------------------------------


async def call(app: object, path: str = "/api/graph") -> tuple[int, dict[bytes, bytes], bytes]:
    """One request through an ASGI app; its status, headers and body."""
    scope: Scope = {"type": "http", "method": "POST", "path": path, "headers": [], "root_path": ""}
    messages: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        messages.append(message)

    await app(scope, receive, send)  # type: ignore[operator]
    start = messages[0]
    body = b"".join(m.get("body", b"") for m in messages[1:])
    return start["status"], dict(start["headers"]), body


def test_concurrency_limit_answers_503_at_once_and_spares_health() -> None:
    release = anyio.Event()

    async def slow(scope: Scope, receive: Receive, send: Send) -> None:
        await release.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    limited = ConcurrencyLimit(slow, max_requests=2)

    async def main() -> list[int]:
        statuses: list[int] = []

        async def record(path: str) -> None:
            statuses.append((await call(limited, path))[0])

        async with anyio.create_task_group() as group:
            group.start_soon(record, "/api/graph")
            group.start_soon(record, "/api/paths")
            await anyio.sleep(0.05)
            assert limited.in_flight == 2
            with anyio.fail_after(1):
                status, headers, body = await call(limited, "/api/graph")
            assert status == 503
            assert headers[b"retry-after"] == b"1"
            assert "max_concurrent_requests" in json.loads(body)["detail"]
            group.start_soon(record, "/api/health")  # exempt: waits with the others, not refused
            await anyio.sleep(0.05)
            assert limited.in_flight == 2
            release.set()
        assert limited.in_flight == 0
        return statuses

    assert run_in_fresh_thread(main) == [200, 200, 200]


def test_timeout_answers_504_while_a_thread_still_computes() -> None:
    done = threading.Event()
    app = create_app(Settings(request_timeout_seconds=0.3, max_train_seconds=0.1))

    @app.post("/api/slow")
    def slow() -> dict[str, str]:
        time.sleep(1.0)  # a computation that Python cannot interrupt
        done.set()
        return {"late": "yes"}

    response = TestClient(app).post("/api/slow")
    assert response.status_code == 504
    assert "request_timeout_seconds" in response.json()["detail"]
    assert_secure(response.headers)
    assert done.is_set()  # the middleware returned only once the thread had finished


def test_timeout_ends_a_stream_that_outlives_it() -> None:
    app = create_app(Settings(request_timeout_seconds=0.3, max_train_seconds=0.1))

    @app.get("/api/forever")
    def forever() -> StreamingResponse:
        def events() -> Iterator[str]:
            while True:
                yield "event: tick\n\n"
                time.sleep(0.02)

        return StreamingResponse(events(), media_type="text/event-stream")

    # The stream is endless: it ends only if the timeout ends it (or the test would never return).
    # How many ticks get out first depends on the machine's load, so only that some did is asserted.
    response = TestClient(app).get("/api/forever")
    assert response.status_code == 200
    assert response.text.startswith("event: tick")
    assert set(response.text.split("\n\n")) <= {"event: tick", ""}  # whole events only


def test_timeout_passes_quick_answers_untouched() -> None:
    async def quick(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 201, "headers": [(b"x-a", b"1")]})
        await send({"type": "http.response.body", "body": b"done"})

    status, headers, body = run_in_fresh_thread(call, RequestTimeout(quick, seconds=5))
    assert (status, headers, body) == (201, {b"x-a": b"1"}, b"done")


# --- settings ---------------------------------------------------------------------------------


def test_serving_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATHGRAD_MAX_CONCURRENT_REQUESTS", "7")
    monkeypatch.setenv("PATHGRAD_REQUEST_TIMEOUT_SECONDS", "9.5")
    monkeypatch.setenv("PATHGRAD_LOG_LEVEL", "WARNING")
    monkeypatch.setenv("PATHGRAD_ACCESS_LOG", "false")
    monkeypatch.setenv("PATHGRAD_MAX_TRAIN_SECONDS", "5")
    settings = Settings()
    assert (settings.max_concurrent_requests, settings.request_timeout_seconds) == (7, 9.5)
    assert (settings.log_level, settings.access_log, settings.max_train_seconds) == ("warning", False, 5)


@pytest.mark.parametrize(
    "bad",
    [
        {"max_concurrent_requests": 0},
        {"request_timeout_seconds": 0},
        {"log_level": "loud"},
        {"request_timeout_seconds": 30},  # below the default max_train_seconds (60)
        {"request_timeout_seconds": 10, "max_train_seconds": 10},
    ],
)
def test_inconsistent_serving_settings_are_refused(bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        Settings(**bad)  # type: ignore[arg-type]


def test_the_page_may_be_framed_by_the_origins_a_setting_names() -> None:
    framed = TestClient(create_app(Settings(frame_ancestors="https://course.example.edu  'self'")))
    page = framed.get("/")
    assert csp_directives(page.headers["content-security-policy"])["frame-ancestors"] == [
        "https://course.example.edu", "'self'"
    ]
    assert "x-frame-options" not in page.headers
    # Without the setting, no page may frame it.
    strict = TestClient(create_app(Settings())).get("/")
    assert csp_directives(strict.headers["content-security-policy"])["frame-ancestors"] == ["'none'"]
    assert strict.headers["x-frame-options"] == "DENY"
