"""The image's build and start steps, outside Docker: wheel, fresh virtual environment, serve.

The Dockerfile builds the wheel with ``python -m pip wheel --no-cache-dir --no-deps --wheel-dir``,
installs requirements/runtime.lock (``--require-hashes``), then the wheel with ``--no-deps``, checks
with ``pip check``, and runs ``pathgrad serve --host 0.0.0.0 --port 8000``; this test does the same (on
127.0.0.1 and a free port) from a directory outside the repository, so that nothing can come from the
checkout, and nothing from the development environment either.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import httpx

from .helpers import ROOT, raw_get, running

DOCKERFILE = (ROOT / "Dockerfile").read_text()
WHEEL_COMMAND = ["-m", "pip", "wheel", "--no-cache-dir", "--no-deps", "--wheel-dir"]


def run(*command: str | Path, cwd: Path) -> None:
    done = subprocess.run([str(c) for c in command], cwd=cwd, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"{command}:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"


def test_the_dockerfile_uses_the_commands_tested_here() -> None:
    assert "python " + " ".join(WHEEL_COMMAND) + " /dist ." in DOCKERFILE
    # The runtime lock first, in a layer of its own, then the wheel alone.
    install_lock = ("pip install --no-cache-dir --require-hashes --only-binary=:all: "
                    "--requirement /opt/pathgrad/runtime.lock")
    install_wheel = "pip install --no-cache-dir --no-deps /opt/pathgrad/dist/*.whl && pip check"
    assert "COPY requirements/runtime.lock /opt/pathgrad/runtime.lock" in DOCKERFILE
    assert install_lock in DOCKERFILE and install_wheel in DOCKERFILE
    assert DOCKERFILE.index(install_lock) < DOCKERFILE.index("COPY --from=build /dist")
    assert "dev.lock" not in DOCKERFILE
    assert 'CMD ["pathgrad", "serve", "--host", "0.0.0.0", "--port", "8000"]' in DOCKERFILE


def test_the_wheel_installs_and_serves_the_whole_app(tmp_path: Path) -> None:
    dist, venv, elsewhere = tmp_path / "dist", tmp_path / "venv", tmp_path / "run"
    elsewhere.mkdir()
    run(sys.executable, *WHEEL_COMMAND, dist, ROOT, cwd=tmp_path)
    (wheel,) = dist.glob("pathgrad-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "pathgrad/frontend/index.html" in names and "pathgrad/frontend/js/main.js" in names
    assert "pathgrad/api/app.py" in names
    assert not [n for n in names if n.startswith(("pathgrad/frontend/tests/", "pathgrad/frontend/bench/"))]
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    # Of node_modules, only the files the pages load (and their licences) travel, as frontend/vendor.
    vendor = sorted(n.removeprefix("pathgrad/frontend/vendor/") for n in names
                    if n.startswith("pathgrad/frontend/vendor/"))
    assert vendor == sorted(path.removeprefix("node_modules/") for path in tomllib.loads(
        (ROOT / "pyproject.toml").read_text())["tool"]["hatch"]["build"]["targets"]["wheel"]["only-include"]
        if path.startswith("node_modules/")), vendor
    assert wheel.stat().st_size < 2_000_000, f"the wheel is {wheel.stat().st_size:,} bytes"

    run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp_path)
    python = venv / "bin" / "python"
    # As the Dockerfile: the runtime lock (hashes checked), then the wheel alone, then pip check.
    run(sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--require-hashes",
        "--only-binary=:all:", "--requirement", ROOT / "requirements" / "runtime.lock", cwd=tmp_path)
    run(sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-deps", wheel,
        cwd=tmp_path)
    run(sys.executable, "-m", "pip", "--python", python, "check", cwd=tmp_path)
    located = subprocess.run([python, "-c", "import pathgrad; print(pathgrad.__file__)"],
                             cwd=elsewhere, capture_output=True, text=True, check=True).stdout
    assert located.startswith(str(venv)), located
    # What `pathgrad serve` runs on there: uvicorn's "auto" picks httptools and uvloop from the lock,
    # and the test tools are absent (httpx was a runtime dependency once).
    chosen = subprocess.run(
        [python, "-c", "from uvicorn.config import Config; from uvicorn.protocols.http.auto import "
         "AutoHTTPProtocol as http; loop = Config('pathgrad.api.app:create_app').get_loop_factory()(); "
         "print(http.__name__, type(loop).__module__.split('.')[0])"],
        cwd=elsewhere, capture_output=True, text=True, check=True).stdout.split()
    assert chosen == ["HttpToolsProtocol", "uvloop"], chosen
    absent = subprocess.run([python, "-c", "import httpx"], cwd=elsewhere, capture_output=True, text=True)
    assert "ModuleNotFoundError" in absent.stderr, absent.stderr

    env = {key: value for key, value in os.environ.items() if not key.startswith(("PATHGRAD_", "PYTHON"))}
    env["PATH"] = f"{venv / 'bin'}:{env.get('PATH', '')}"
    with running([str(venv / "bin" / "pathgrad"), "serve"], elsewhere, env) as server:
        with httpx.Client(base_url=server.base, timeout=10) as http:
            assert http.get("/api/health").json()["status"] == "ok"
            page = http.get("/")
            assert page.status_code == 200 and "text/html" in page.headers["content-type"]
            assert '<script type="module" src="js/main.js"></script>' in page.text
            assert page.headers["content-security-policy"].startswith("default-src 'self'")
            for module in [*re.findall(r'src="(js/[^"]+)"', page.text), "js/app.js", "css/app.css"]:
                asset = http.get("/" + module)
                assert asset.status_code == 200, module
            assert "javascript" in http.get("/js/main.js").headers["content-type"]
            graph = http.post("/api/graph", json={"source": "a = 2; b = 1; e = (a+b)*(b+1)"})
            assert graph.status_code == 200 and graph.json()["stats"]["nodes"] == 6
            paths = http.post("/api/paths", json={"preset": "neuron", "input": "w"})
            assert paths.status_code == 200 and paths.json()["gradient"] == 0.25
            # The API docs, from the wheel's vendor files alone (tests/deploy/test_docs.py, in process).
            for docs_page in ("/docs", "/redoc"):
                html = http.get(docs_page)
                assert html.status_code == 200 and "text/html" in html.headers["content-type"]
                for url in re.findall(r'(?:src|href|spec-url)="([^"]+)"', html.text):
                    asset = http.get("/" + url)
                    assert asset.status_code == 200 and len(asset.content) > 50, url
        # The packaged page's parent is the package itself: nothing of it is reachable.
        for target in ("/%2e%2e/settings.py", "/js/..%2f..%2fsettings.py", "/../api/app.py"):
            status, body = raw_get(server.port, target)
            assert status == 404 and b"import" not in body, target
