"""Over a socket: static paths stay inside the page's directory, headers and the access log."""

from __future__ import annotations

import json
import re

import httpx
import pytest

from .helpers import Server, raw_get

# Files outside the page's directory, and a marker of each one's content.
SECRETS = [b"[project]", b"root:x:0:0", b"BaseSettings", b"[tool.", b"import "]

ESCAPES = [
    "/../pyproject.toml",
    "/../../../../etc/passwd",
    "/%2e%2e/pyproject.toml",
    "/%2E%2E/%2E%2E/%2E%2E/etc/passwd",
    "/js/%2e%2e/%2e%2e/pyproject.toml",
    "/js/..%2f..%2fpyproject.toml",
    "/%2e%2e%2fpyproject.toml",
    "/css/%2e%2e%2f%2e%2e%2fbackend%2fpathgrad%2fsettings.py",
    "/..%5c..%5cpyproject.toml",
    "/js/..%5c..%5cpyproject.toml",
    "//etc/passwd",
    "/%2fetc%2fpasswd",
    "/%2F%2Fetc/passwd",
    "/etc/passwd",
    "/vendor/../pyproject.toml",
    "/vendor/%2e%2e/pyproject.toml",
    "/vendor/%2e%2e%2fpyproject.toml",
    "/js/%252e%252e/%252e%252e/pyproject.toml",
    "/.%2e/.%2e/pyproject.toml",
    "/%c0%ae%c0%ae/pyproject.toml",
    "/index.html/../../pyproject.toml",
    "http://127.0.0.1/../pyproject.toml",
]


@pytest.mark.parametrize("target", ESCAPES)
def test_static_paths_cannot_leave_the_page(live_server: str, target: str) -> None:
    port = int(live_server.rsplit(":", 1)[1])
    status, body = raw_get(port, target)
    assert status in (400, 404), (status, body[:200])
    assert not any(secret in body for secret in SECRETS), body[:200]


@pytest.mark.parametrize("directory", ["/js/", "/js", "/css/", "/js/model/", "/vendor/", "/api/"])
def test_no_directory_listing(live_server: str, directory: str) -> None:
    port = int(live_server.rsplit(":", 1)[1])
    status, body = raw_get(port, directory)
    assert status in (307, 404, 405), (status, body[:200])
    assert b"main.js" not in body and b"app.css" not in body


def test_the_page_and_its_modules_are_served(live_server: str) -> None:
    port = int(live_server.rsplit(":", 1)[1])
    status, body = raw_get(port, "/")
    assert status == 200 and b'<script type="module" src="js/main.js">' in body
    status, body = raw_get(port, "/js/main.js")
    assert status == 200 and b"import" in body
    page = httpx.get(live_server + "/", timeout=10)
    assert page.headers["content-security-policy"].startswith("default-src 'self'; script-src 'self';")
    assert "<script>" not in page.text  # no inline script for the policy to refuse


def test_one_json_access_line_per_request(logged_server: Server) -> None:
    with httpx.Client(base_url=logged_server.base, timeout=10) as http:
        http.get("/api/health", headers={"x-request-id": "probe-1"})
        posted = http.post("/api/graph", json={"source": "x = 1; y = x"})
        http.get("/nothing-here")
    generated = posted.headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", generated)
    lines: list[dict[str, object]] = []
    for _ in range(50):  # the handler writes a line when each request is over
        lines = [json.loads(line) for line in logged_server.log_lines() if line.startswith("{")]
        if len(lines) >= 4:
            break
        httpx.get(logged_server.base + "/api/health", timeout=10)
    by_id = {line["request_id"]: line for line in lines}
    assert by_id["probe-1"]["path"] == "/api/health" and by_id["probe-1"]["status"] == 200
    assert by_id[generated]["method"] == "POST" and by_id[generated]["status"] == 200
    assert any(line["path"] == "/nothing-here" and line["status"] == 404 for line in lines)
    for line in lines:
        assert set(line) == {"time", "request_id", "method", "path", "status", "duration_ms", "client"}
        assert line["client"] == "127.0.0.1"
    # uvicorn's own access log is off: nothing else on stdout, startup messages on stderr.
    assert all(line.startswith("{") for line in logged_server.log_lines())
    assert "Application startup complete" in logged_server.stderr.read_text()
