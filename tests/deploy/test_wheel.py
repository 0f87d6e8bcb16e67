"""The image's build and start steps, outside Docker: wheel, fresh virtual environment, serve.

The Dockerfile builds the wheel with ``python -m pip wheel --no-cache-dir --no-deps --wheel-dir``,
installs pyproject's dependencies, then it, with ``pip install --constraint requirements.lock``, and runs
``pathgrad serve --host 0.0.0.0 --port 8000``; this test does the same (on 127.0.0.1 and a free
port) from a directory outside the repository, so that nothing can come from the checkout.
"""

from __future__ import annotations

import json
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
    # The dependencies first, in a layer of their own (pyproject's list, under the lock), then the wheel.
    assert "tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']" in DOCKERFILE
    assert ("pip install --no-cache-dir --constraint /opt/pathgrad/requirements.lock \\\n"
            "        --requirement /opt/pathgrad/requirements.in") in DOCKERFILE
    assert ("pip install --no-cache-dir --constraint /opt/pathgrad/requirements.lock "
            "/opt/pathgrad/dist/*.whl") in DOCKERFILE
    assert DOCKERFILE.index("--requirement /opt/pathgrad/requirements.in") < DOCKERFILE.index(
        "COPY --from=build /dist")
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
    # The page's npm libraries (package.json's dependencies) travel as frontend/vendor; the test tools
    # (devDependencies, like axe-core) stay out.
    package = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))
    for name in package.get("dependencies", {}):
        assert any(n.startswith(f"pathgrad/frontend/vendor/{name}/") for n in names), name
    for name in package.get("devDependencies", {}):
        assert not any(n.startswith(f"pathgrad/frontend/vendor/{name}/") for n in names), name

    run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp_path)
    python = venv / "bin" / "python"
    requirements = tmp_path / "requirements.in"  # as the Dockerfile: the dependencies, then the wheel
    requirements.write_text("\n".join(tomllib.loads((ROOT / "pyproject.toml").read_text())
                                      ["project"]["dependencies"]))
    run(sys.executable, "-m", "pip", "--python", python, "install", "--quiet",
        "--constraint", ROOT / "requirements.lock", "--requirement", requirements, cwd=tmp_path)
    run(sys.executable, "-m", "pip", "--python", python, "install", "--quiet",
        "--constraint", ROOT / "requirements.lock", wheel, cwd=tmp_path)
    located = subprocess.run([python, "-c", "import pathgrad; print(pathgrad.__file__)"],
                             cwd=elsewhere, capture_output=True, text=True, check=True).stdout
    assert located.startswith(str(venv)), located

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
            assert http.get("/docs").status_code == 200
        # The packaged page's parent is the package itself: nothing of it is reachable.
        for target in ("/%2e%2e/settings.py", "/js/..%2f..%2fsettings.py", "/../api/app.py"):
            status, body = raw_get(server.port, target)
            assert status == 404 and b"import" not in body, target
