"""The runtime imports only what the image installs: pyproject's dependencies and what they depend on.

The image installs the ``dependencies`` of pyproject.toml (under requirements.lock), then the wheel; a
runtime module that imports a package outside that set (a test or benchmark tool, say) would work in
the development environment, which has everything, and fail in the image. This reads every import of
backend/pathgrad (also those inside functions) and checks each third-party one against that set.
"""

from __future__ import annotations

import ast
import importlib.metadata as metadata
import re
import subprocess
import sys
import tomllib

from packaging.requirements import Requirement

from .helpers import ROOT

PACKAGE = ROOT / "backend" / "pathgrad"


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


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def runtime_closure(extra: str | None = None) -> set[str]:
    """pyproject's dependencies (with their extras, and with ``extra`` that optional extra's) and,
    recursively, what they require."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    texts = list(pyproject["project"]["dependencies"])
    if extra is not None:
        texts += pyproject["project"]["optional-dependencies"][extra]
    pending = [Requirement(text) for text in texts]
    seen: set[tuple[str, frozenset[str]]] = set()
    names: set[str] = set()
    while pending:
        requirement = pending.pop()
        key = (canonical(requirement.name), frozenset(requirement.extras))
        if key in seen:
            continue
        seen.add(key)
        names.add(key[0])
        for text in metadata.requires(requirement.name) or []:
            needed = Requirement(text)
            extras = requirement.extras or {""}
            if needed.marker is None or any(needed.marker.evaluate({"extra": extra}) for extra in extras):
                needed.marker = None
                pending.append(needed)
    return names


def test_runtime_modules_import_only_what_the_image_installs() -> None:
    modules = imported_modules()
    assert "numpy" in modules and "fastapi" in modules  # the scan sees imports at all
    distributions = metadata.packages_distributions()
    closure = runtime_closure()
    outside = {
        module: files for module, files in modules.items()
        if not {canonical(d) for d in distributions.get(module, [module])} & closure
    }
    assert not outside, f"imported by the runtime but not installed in the image: {outside}"


def test_the_closure_is_what_the_lock_pins() -> None:
    pinned = {canonical(line.split("==")[0]) for line in (ROOT / "requirements.lock").read_text().split()
              if "==" in line}
    assert runtime_closure() <= pinned, runtime_closure() - pinned


def test_the_notebook_module_imports_only_what_its_extra_installs() -> None:
    modules = imported_modules(extra=True)
    assert "anywidget" in modules  # the scan sees the widget
    distributions = metadata.packages_distributions()
    closure = runtime_closure("notebook")
    outside = {
        module: files for module, files in modules.items()
        if not {canonical(d) for d in distributions.get(module, [module])} & closure
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
