"""What `pip install .` / `pipx install .` ships: every package, every third-party import declared.

Both checks read files only (no build), so they catch in seconds what otherwise shows up as a
ModuleNotFoundError in a user's pipx install or in the PyInstaller bundle.
"""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

from tests.packaging.paths import ROOT

PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_package_under_annotator_is_listed() -> None:
    listed = set(PROJECT["tool"]["setuptools"]["packages"])
    on_disk = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "annotator").rglob("__init__.py")
    }
    missing = sorted(on_disk - listed)
    assert not missing, f"add to [tool.setuptools] packages in pyproject.toml: {missing}"


def _optional_imports(tree: ast.AST) -> set[int]:
    """ids of import nodes guarded by ``try: ... except ImportError`` (optional extras)."""
    guarded: set[int] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Try):
            continue
        caught = {
            name.id
            for handler in node.handlers
            if handler.type is not None
            for name in ast.walk(handler.type)
            if isinstance(name, ast.Name)
        }
        if caught & {"ImportError", "ModuleNotFoundError"}:
            guarded |= {id(n) for stmt in node.body for n in ast.walk(stmt)}
    return guarded


def _third_party_imports(folder: Path) -> dict[str, str]:
    """Top-level module name → one file that imports it (absolute imports outside the stdlib).

    Imports guarded by ``except ImportError`` are optional features and are left out.
    """
    found: dict[str, str] = {}
    for path in sorted(folder.rglob("*.py")):
        tree = ast.parse(path.read_text("utf-8"), filename=str(path))
        optional = _optional_imports(tree)
        for node in ast.walk(tree):
            if id(node) in optional:
                continue
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top not in {"annotator", "__future__"}:
                    found.setdefault(top, str(path.relative_to(ROOT)))
    return found


def test_every_third_party_import_is_a_declared_dependency() -> None:
    declared = {
        _normalise(re.split(r"[\s<>=!~;\[]", spec, maxsplit=1)[0])
        for spec in PROJECT["project"]["dependencies"]
    }
    distributions = importlib.metadata.packages_distributions()
    undeclared = []
    for module, where in _third_party_imports(ROOT / "annotator").items():
        dists = {_normalise(d) for d in distributions.get(module, [module])}
        if not dists & declared:
            undeclared.append(f"{module} (imported in {where})")
    assert not undeclared, f"add to [project] dependencies in pyproject.toml: {undeclared}"
