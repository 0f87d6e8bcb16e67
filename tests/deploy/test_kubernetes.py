"""deploy/kubernetes/pathgrad.yaml: valid against the Kubernetes schemas, and in step with the image.

The schema check uses kubernetes-validate from the virtual environment that `make k8s-validate` makes
(CI runs that target before `make test`); without it that one test skips (fails on CI). The rest
needs only PyYAML.
The memory figures behind the limits are checked on the real image by deploy/image-test.sh (step 6).
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path
from typing import Any

import yaml

from pathgrad.settings import Settings

from .helpers import ROOT, require_tool

MANIFEST = ROOT / "deploy" / "kubernetes" / "pathgrad.yaml"
DOCKERFILE = (ROOT / "Dockerfile").read_text()
VALIDATE = Path(os.environ.get("K8S_VALIDATE", "/tmp/pathgrad-k8s-validate")) / "bin" / "kubernetes-validate"


def documents() -> dict[str, dict[str, Any]]:
    return {document["kind"]: document for document in yaml.safe_load_all(MANIFEST.read_text())}


def container() -> dict[str, Any]:
    (only,) = documents()["Deployment"]["spec"]["template"]["spec"]["containers"]
    result: dict[str, Any] = only
    return result


def test_the_manifests_pass_the_kubernetes_schemas_strictly(tmp_path: Path) -> None:
    require_tool(VALIDATE.exists(), "kubernetes-validate is not installed: make k8s-validate")
    for version in ("1.29.0", "1.37.0"):
        done = subprocess.run([str(VALIDATE), "--strict", "-k", version, str(MANIFEST)],
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr
        assert done.stdout.count("passed") == 4, done.stdout
    # And the check can fail: a misspelt field is refused.
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text(MANIFEST.read_text().replace("readOnlyRootFilesystem", "readOnlyRootFileSystem"))
    done = subprocess.run([str(VALIDATE), "--strict", str(wrong)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0 and "readOnlyRootFileSystem" in done.stdout + done.stderr


def test_every_kind_the_issue_asks_for() -> None:
    assert set(documents()) == {"Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget"}


def test_the_pods_run_as_the_image_does() -> None:
    pod = documents()["Deployment"]["spec"]["template"]["spec"]
    (user,) = re.findall(r"^USER\s+(\d+):(\d+)$", DOCKERFILE, re.MULTILINE)
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert (str(pod["securityContext"]["runAsUser"]), str(pod["securityContext"]["runAsGroup"])) == user
    security = container()["securityContext"]
    assert security["readOnlyRootFilesystem"] is True and security["allowPrivilegeEscalation"] is False
    assert security["capabilities"]["drop"] == ["ALL"]
    (mount,) = container()["volumeMounts"]
    assert mount["mountPath"] == "/tmp"  # the only place written, as --tmpfs /tmp in the image test
    assert "EXPOSE 8000" in DOCKERFILE and container()["ports"][0]["containerPort"] == 8000


def test_the_probes_are_the_image_healthcheck() -> None:
    (timeout,) = re.findall(r"^HEALTHCHECK .*--timeout=(\d+)s", DOCKERFILE, re.MULTILINE)
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        check = container()[probe]
        assert check["httpGet"] == {"path": "/api/health", "port": "http"}, probe
        assert check["timeoutSeconds"] == int(timeout), probe
    assert container()["livenessProbe"]["failureThreshold"] >= 3


def test_the_settings_and_resources_agree() -> None:
    env = {item["name"]: item["value"] for item in container()["env"]}
    for name in env:
        field = name.removeprefix("PATHGRAD_").lower()
        assert name.startswith("PATHGRAD_") and field in Settings.model_fields, name
    Settings(**{name.removeprefix("PATHGRAD_").lower(): value for name, value in env.items()})  # legal values
    assert env["PATHGRAD_WORKERS"] == "1"
    resources = container()["resources"]
    assert resources["limits"]["cpu"] == "1"  # one worker, one core
    assert resources["limits"]["memory"] == "4Gi"  # image-test.sh reads this and checks it holds
    # The worst case the settings allow (README, "Limits"): every process that computes at its
    # max_task_memory_bytes beyond about 60 MB, and max_concurrent_requests answers of at most
    # max_response_bytes in the server (about 100 MB itself).
    settings = Settings(**{name.removeprefix("PATHGRAD_").lower(): value for name, value in env.items()})
    processes = settings.workers * (settings.compute_processes + settings.max_train_streams)
    bound = (processes * (60e6 + settings.max_task_memory_bytes)
             + settings.max_concurrent_requests * settings.max_response_bytes + 100e6)
    assert bound < 4 * 1024**3, f"{bound / 1e9:.1f} GB"


def test_the_service_hpa_and_budget_find_the_pods() -> None:
    kinds = documents()
    labels = kinds["Deployment"]["spec"]["template"]["metadata"]["labels"]
    assert kinds["Deployment"]["spec"]["selector"]["matchLabels"] == labels
    assert kinds["Service"]["spec"]["selector"] == labels
    assert kinds["PodDisruptionBudget"]["spec"]["selector"]["matchLabels"] == labels
    assert kinds["Service"]["spec"]["ports"][0]["targetPort"] == "http"
    target = kinds["HorizontalPodAutoscaler"]["spec"]["scaleTargetRef"]
    assert (target["kind"], target["name"]) == ("Deployment", kinds["Deployment"]["metadata"]["name"])
    hpa = kinds["HorizontalPodAutoscaler"]["spec"]
    assert hpa["minReplicas"] > kinds["PodDisruptionBudget"]["spec"]["minAvailable"]
