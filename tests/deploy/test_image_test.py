"""The image test's files (deploy/image-test.sh, its stand-ins, CI and make wiring), checked without podman.

The image test itself builds and runs the image; CI runs it from .ci/run. These tests keep its
promises from drifting: it runs the image as hardened as the compose file does, builds with the
Docker format (the OCI format drops HEALTHCHECK), has a stand-in for every base image of the
Dockerfile, and fails CI when it fails.
"""

from __future__ import annotations

import re
import shutil
import subprocess

import yaml

from .helpers import ROOT, require_tool

SCRIPT = ROOT / "deploy" / "image-test.sh"
TEXT = SCRIPT.read_text()
DOCKERFILE = (ROOT / "Dockerfile").read_text()
STANDINS = ROOT / "deploy" / "standins"


def test_the_script_parses_and_passes_shellcheck() -> None:
    subprocess.run(["bash", "-n", str(SCRIPT)], check=True, timeout=30)
    require_tool(shutil.which("shellcheck") is not None, "shellcheck is not installed (apt-get install it)")
    done = subprocess.run(["shellcheck", str(SCRIPT), str(ROOT / ".ci" / "run")],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr


def test_it_builds_the_dockerfile_unchanged_in_the_docker_format() -> None:
    build_line = r'^(?:timeout \d+ )?podman build --format docker .*"\$TAG" "\$ROOT"'
    (build,) = re.findall(build_line, TEXT, re.MULTILINE)
    assert "--file" not in build and "--build-arg" not in build


def test_it_runs_the_image_as_hardened_as_the_compose_file() -> None:
    run = TEXT.split("podman run --detach", 1)[1].split('"$TAG"', 1)[0]
    for flag in ("--read-only", "--tmpfs /tmp", "--cap-drop ALL", "--security-opt no-new-privileges"):
        assert flag in run, flag
    assert '--publish "127.0.0.1:' in run  # loopback only
    app = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text())["services"]["app"]
    assert app["read_only"] is True and app["tmpfs"] == ["/tmp"] and app["cap_drop"] == ["ALL"]
    assert "no-new-privileges:true" in app["security_opt"]


def test_it_checks_what_the_issue_asks() -> None:
    for needle in ("/api/health", '"$BASE/"', "/js/main.js", "/api/graph", "podman healthcheck run",
                   "id -u", "10001", "image inspect --format '{{.Size}}'", "/docs", "/redoc"):
        assert needle in TEXT, needle
    assert TEXT.rstrip().endswith('[ "$FAILED" = 0 ]')  # any failed check fails the script
    assert "set -euo pipefail" in TEXT


def test_every_base_image_has_a_stand_in_on_the_debootstrapped_base() -> None:
    arguments = dict(re.findall(r"^ARG\s+(\w+)=(\S+)", DOCKERFILE, re.MULTILINE))
    stages = set(re.findall(r"^FROM\s+\S+\s+AS\s+(\S+)", DOCKERFILE, re.MULTILINE | re.IGNORECASE))
    images = {arguments.get(image.strip("${}"), image)
              for image in re.findall(r"^FROM\s+(\S+)", DOCKERFILE, re.MULTILINE)} - stages
    (debian,) = re.findall(r"^DEBIAN_BASE=(\S+)$", TEXT, re.MULTILINE)
    for image in images:
        standin = STANDINS / f"{image.split(':')[0]}.Containerfile"
        assert standin.exists(), image
        assert re.search(rf"^FROM {re.escape(debian)}$", standin.read_text(), re.MULTILINE), standin
        assert image.split(":")[0] in standin.read_text().split("\n", 1)[0]  # it says what it stands for


def test_ci_and_make_run_it() -> None:
    ci = (ROOT / ".ci" / "run").read_text()
    assert "bash deploy/image-test.sh" in ci and "make k8s-validate" in ci and "make test" in ci
    assert 'exit "$status"' in ci  # a failing image test fails CI, after make test has run too
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^image-test:\n\tbash deploy/image-test.sh$", makefile, re.MULTILINE)
