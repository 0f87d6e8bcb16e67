"""deploy/nginx.conf through a real `nginx -t`, with the nginx the tests can have.

Debian bookworm's nginx is 1.22, older than the 1.27.3 that the compose file's nginx:1.28 image brings
and that `resolve` in an upstream needs. So with an older nginx this checks two things: the file with
that one parameter taken out (and the replica's name replaced by an address, as nginx resolves names
at start without it) passes `nginx -t` whole; and the file as it is fails on that parameter and nothing
else. With 1.27.3 or newer it checks the file as it is.

The binary: $PATHGRAD_NGINX, /tmp/pathgrad-nginx/root/usr/sbin/nginx (.ci/run unpacks Debian's
package there, without installing or starting it), or nginx on PATH; without one, these tests skip
(fail on CI).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from .helpers import ROOT, require_tool

CONF = (ROOT / "deploy" / "nginx.conf").read_text()


def nginx() -> str | None:
    for candidate in (os.environ.get("PATHGRAD_NGINX"), "/tmp/pathgrad-nginx/root/usr/sbin/nginx"):
        if candidate and Path(candidate).exists():
            return candidate
    return shutil.which("nginx")


BINARY = nginx()


@pytest.fixture(autouse=True)
def _needs_nginx() -> None:
    require_tool(BINARY is not None, "no nginx binary (see this module's docstring)")


def version() -> tuple[int, ...]:
    assert BINARY is not None
    done = subprocess.run([BINARY, "-v"], capture_output=True, text=True, timeout=30)
    (text,) = re.findall(r"nginx/(\d+\.\d+\.\d+)", done.stderr + done.stdout)
    return tuple(int(part) for part in text.split("."))


def check(conf: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """`nginx -t` on ``conf``, with every path nginx writes moved under ``tmp_path``."""
    assert BINARY is not None
    temp = "".join(f"    {kind}_temp_path {tmp_path}/{kind};\n"
                   for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    path = tmp_path / "nginx.conf"
    path.write_text(conf.replace("http {\n", "http {\n" + temp, 1))
    (tmp_path / "logs").mkdir(exist_ok=True)
    main = f"pid {tmp_path}/nginx.pid; error_log stderr;"
    return subprocess.run([BINARY, "-t", "-p", str(tmp_path), "-c", str(path), "-g", main],
                          capture_output=True, text=True, timeout=30)


def test_the_config_passes_nginx_t(tmp_path: Path) -> None:
    if version() >= (1, 27, 3):
        done = check(CONF, tmp_path)
    else:
        assert CONF.count(" resolve ") == 1
        done = check(CONF.replace("server app:8000 resolve ", "server 127.0.0.1:8000 "), tmp_path)
    assert done.returncode == 0, done.stderr
    assert "test is successful" in done.stderr


def test_an_older_nginx_refuses_only_resolve(tmp_path: Path) -> None:
    if version() >= (1, 27, 3):
        pytest.skip("this nginx has `resolve` in upstreams")
    done = check(CONF.replace("server app:8000", "server 127.0.0.1:8000"), tmp_path)
    assert done.returncode != 0
    assert 'invalid parameter "resolve"' in done.stderr, done.stderr
