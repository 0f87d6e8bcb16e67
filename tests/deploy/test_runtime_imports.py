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
import sys
import tomllib

from packaging.requirements import Requirement

from .helpers import ROOT

PACKAGE = ROOT / "backend" / "pathgrad"


def imported_modules() -> dict[str, list[str]]:
    """Top-level third-party module name → the files that import it."""
    found: dict[str, list[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
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


def runtime_closure() -> set[str]:
    """pyproject's dependencies (with their extras) and, recursively, what they require."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    pending = [Requirement(text) for text in pyproject["project"]["dependencies"]]
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
