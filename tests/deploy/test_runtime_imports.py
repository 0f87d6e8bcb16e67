"""The runtime imports only what the image installs, and the two locks say exactly what they should.

The image installs requirements/runtime.lock, then the wheel with ``--no-deps``. A runtime module that
imports a package outside that lock (a test or benchmark tool, say) would work in the development
environment, which has everything of requirements/dev.lock, and fail in the image. This reads every
import of backend/pathgrad (also those inside functions) and checks each third-party one against the
runtime lock. The locks themselves: the runtime lock is pyproject's dependencies and what they require,
no more, no less; the dev lock holds it at the same versions and hashes, and every extra of pyproject;
every entry has hashes (``pip install --require-hashes`` needs them).
"""

from __future__ import annotations

import ast
import importlib.metadata as metadata
import re
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

from packaging.requirements import Requirement

from .helpers import ROOT

PACKAGE = ROOT / "backend" / "pathgrad"
RUNTIME_LOCK = ROOT / "requirements" / "runtime.lock"
DEV_LOCK = ROOT / "requirements" / "dev.lock"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


@dataclass(frozen=True)
class Pin:
    """One entry of a lock: ``name==version ; marker`` and its hashes."""

    name: str
    version: str
    applies_here: bool  # its marker (Python version, platform) holds for this interpreter
    hashes: frozenset[str]


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def read_lock(path: Path) -> list[Pin]:
    """The entries of a requirements file with hashes (continuation lines joined, comments dropped)."""
    text = re.sub(r"\\\n", " ", path.read_text())
    pins = []
    for line in text.splitlines():
        line = line.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        hashes = frozenset(re.findall(r"--hash=(\S+)", line))
        requirement = Requirement(re.sub(r"--hash=\S+", "", line).strip())
        (specifier,) = requirement.specifier
        assert specifier.operator == "==", f"{path.name}: not pinned: {line[:80]}"
        pins.append(Pin(canonical(requirement.name), specifier.version,
                        requirement.marker is None or requirement.marker.evaluate(), hashes))
    return pins


def here(pins: list[Pin]) -> dict[str, Pin]:
    """The entries that pip installs on this interpreter, by name."""
    return {pin.name: pin for pin in pins if pin.applies_here}


# pathgrad.notebook is the `notebook` extra's: it may import what that extra installs, nothing else may.
NOTEBOOK = PACKAGE / "notebook"
NOTEBOOK_ONLY = {"anywidget", "traitlets", "ipywidgets"}


def imported_modules(extra: bool = False) -> dict[str, list[str]]:
    """Top-level third-party module name → the files that import it: the runtime's, or with
    ``extra`` the notebook extra's (backend/pathgrad/notebook)."""
    found: dict[str, list[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.is_relative_to(NOTEBOOK) != extra:
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top != "pathgrad":
                    found.setdefault(top, []).append(str(path.relative_to(ROOT)))
    return found


def closure(requirements: list[str]) -> set[str]:
    """These requirements (with their extras) and, recursively, what they require here."""
    pending = [Requirement(text) for text in requirements]
    seen: set[tuple[str, frozenset[str]]] = set()
    names: set[str] = set()
    while pending:
        requirement = pending.pop()
        extras = requirement.extras or {""}
        if requirement.marker is not None and not any(
            requirement.marker.evaluate({"extra": extra}) for extra in extras
        ):
            continue
        key = (canonical(requirement.name), frozenset(requirement.extras))
        if key in seen:
            continue
        seen.add(key)
        names.add(key[0])
        for text in metadata.requires(requirement.name) or []:
            needed = Requirement(text)
            if needed.marker is None or any(needed.marker.evaluate({"extra": extra}) for extra in extras):
                needed.marker = None
                pending.append(needed)
    return names


def test_runtime_modules_import_only_what_the_runtime_lock_installs() -> None:
    modules = imported_modules()
    assert "numpy" in modules and "fastapi" in modules  # the scan sees imports at all
    distributions = metadata.packages_distributions()
    runtime = here(read_lock(RUNTIME_LOCK))
    outside = {
        module: files for module, files in modules.items()
        if not {canonical(d) for d in distributions.get(module, [module])} & runtime.keys()
    }
    assert not outside, f"imported by the runtime but not in requirements/runtime.lock: {outside}"


def test_the_runtime_lock_is_the_dependencies_and_what_they_require() -> None:
    runtime = set(here(read_lock(RUNTIME_LOCK)))
    needed = closure(PYPROJECT["project"]["dependencies"])
    assert needed - runtime == set(), "required but not locked: run `make lock`"
    assert runtime - needed == set(), "locked for the runtime but nothing requires it: run `make lock`"
    # The test tools stay out of the image (uvicorn[standard]'s extras too: see pyproject.toml).
    assert not {"httpx", "pytest", "watchfiles", "websockets", "pyyaml"} & runtime


def test_the_dev_lock_holds_the_runtime_lock_at_the_same_versions_and_hashes() -> None:
    dev = {(pin.name, pin.version): pin for pin in read_lock(DEV_LOCK)}
    for pin in read_lock(RUNTIME_LOCK):
        assert (pin.name, pin.version) in dev, f"{pin.name}=={pin.version} not in the dev lock"
        assert dev[pin.name, pin.version].hashes == pin.hashes, pin.name


def test_the_dev_lock_holds_every_extra() -> None:
    dev = set(here(read_lock(DEV_LOCK)))
    for extra, requirements in PYPROJECT["project"]["optional-dependencies"].items():
        missing = closure(requirements) - dev
        assert not missing, f"extra {extra!r}: {missing} not in requirements/dev.lock: run `make lock`"


def test_every_entry_has_hashes_and_the_environment_is_the_dev_lock() -> None:
    for lock in (RUNTIME_LOCK, DEV_LOCK):
        pins = read_lock(lock)
        assert len(pins) >= 10 and all(pin.hashes for pin in pins), lock.name
    # `make install` installed this environment from the dev lock (a stale .venv shows here first).
    for pin in here(read_lock(DEV_LOCK)).values():
        assert metadata.version(pin.name) == pin.version, pin.name


def test_the_notebook_module_imports_only_what_its_extra_installs() -> None:
    modules = imported_modules(extra=True)
    assert "anywidget" in modules  # the scan sees the widget
    distributions = metadata.packages_distributions()
    extra = PYPROJECT["project"]["optional-dependencies"]["notebook"]
    installed = closure(PYPROJECT["project"]["dependencies"] + extra)
    outside = {
        module: files for module, files in modules.items()
        if not {canonical(d) for d in distributions.get(module, [module])} & installed
    }
    assert not outside, f"imported by pathgrad.notebook but not installed by pathgrad[notebook]: {outside}"
    # ... and the rest of pathgrad imports none of it (show() imports pathgrad.notebook when called).
    assert not NOTEBOOK_ONLY & set(imported_modules())


def test_import_pathgrad_loads_no_notebook_package() -> None:
    code = "import sys, pathgrad, pathgrad.notebook; print(sorted(set(sys.modules) & {names}))"
    out = subprocess.run(
        [sys.executable, "-c", code.format(names=NOTEBOOK_ONLY | {"IPython", "ipykernel"})],
        capture_output=True, text=True, check=True, cwd=ROOT,
    )
    assert out.stdout.strip() == "[]", out.stdout
