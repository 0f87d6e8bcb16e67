"""Real `pathgrad serve` processes for the deployment tests, and raw HTTP.

``running(command, directory, env)`` starts one in ``directory`` (outside the repository), waits for
/api/health and stops it afterwards; its stdout (the JSON access log) and stderr are kept in files.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
START_SECONDS = 60.0  # a server warms its compute processes first (numpy each): slow on a loaded machine


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Server:
    base: str
    port: int
    process: subprocess.Popen[bytes]
    stdout: Path
    stderr: Path

    def log_lines(self) -> list[str]:
        return self.stdout.read_text(errors="replace").splitlines()


def wait_healthy(base: str, process: subprocess.Popen[bytes], seconds: float = START_SECONDS) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(f"{base}/api/health", timeout=1.0).status_code == 200:
                return True
        time.sleep(0.05)
    return False


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def running(
    command: Sequence[str], directory: Path, env: dict[str, str] | None = None
) -> Iterator[Server]:
    """Start ``command`` plus ``--host 127.0.0.1 --port <free port>`` in ``directory``."""
    full_env = {**os.environ, **(env or {})}
    full_env.pop("PATHGRAD_FRONTEND_DIR", None)
    for _attempt in range(3):  # another process may take the port between probe and bind
        port = free_port()
        stdout, stderr = directory / f"serve-{port}.out", directory / f"serve-{port}.err"
        with stdout.open("wb") as out, stderr.open("wb") as err:
            process = subprocess.Popen(
                [*command, "--host", "127.0.0.1", "--port", str(port)],
                cwd=directory,
                env=full_env,
                stdout=out,
                stderr=err,
            )
        base = f"http://127.0.0.1:{port}"
        try:
            if wait_healthy(base, process):
                yield Server(base, port, process, stdout, stderr)
                return
        finally:
            stop(process)
    raise RuntimeError(f"pathgrad serve did not start:\n{stderr.read_text(errors='replace')[-3000:]}")


ServeFactory = Callable[..., contextlib.AbstractContextManager[Server]]


def serve_command(workers: int = 1) -> list[str]:
    """``pathgrad serve`` of this checkout (the same code as the ``pathgrad`` script)."""
    return [sys.executable, "-m", "pathgrad.cli", "serve", "--workers", str(workers)]


def raw_get(port: int, target: str) -> tuple[int, bytes]:
    """``GET <target>`` sent byte for byte, so that no client normalises ``..`` or ``%2e``."""
    request = f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


def require_tool(available: bool, what: str) -> None:
    """Skip a test whose tool this machine lacks; on CI (CI=true), where `.ci/run` installs the
    tools, fail instead: a missing tool there must not pass unnoticed."""
    import pytest

    if available:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what}, but CI installs it (.ci/run)")
    pytest.skip(what)
