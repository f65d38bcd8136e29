"""The layers' import rules, checked in a fresh interpreter (import-linter checks them too)."""

import subprocess
import sys

import pytest

PROBE = """
import sys, importlib, pkgutil
import annotator.{package} as pkg
for info in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + "."):
    if ".migrations" in info.name:
        continue
    importlib.import_module(info.name)
bad = sorted(m for m in sys.modules if m.split(".")[0] in {forbidden})
print(",".join(bad))
"""


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [
        ("core", {"PySide6", "sqlalchemy", "alembic"}),
        ("storage", {"PySide6"}),
        ("services", {"PySide6"}),
        ("cli", {"PySide6"}),
    ],
)
def test_layer_imports_nothing_forbidden(package: str, forbidden: set[str]) -> None:
    code = PROBE.format(package=package, forbidden=sorted(forbidden))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_window_module_loads_without_sqlalchemy() -> None:
    """The window is shown before SQLAlchemy (the largest start-up cost) is imported."""
    code = (
        "import sys, annotator.gui.app\n"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'sqlalchemy', 'alembic', 'numpy'})))"
    )
    env = {**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert out.stdout.strip() == ""


def test_no_service_imports_another_modules_private_names() -> None:
    """Issue 16: services share public storage queries or public use cases, never ``_names``."""
    import ast
    from pathlib import Path

    services = Path(__file__).resolve().parent.parent / "annotator" / "services"
    found = []
    for path in sorted(services.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("annotator"):
                found.extend(
                    f"{path.name}:{node.lineno}: {node.module}.{alias.name}"
                    for alias in node.names
                    if alias.name.startswith("_")
                )
    assert found == []


def test_services_take_table_handles_from_storage() -> None:
    """The ``T_*`` table handles come from :mod:`annotator.storage.tables`, not a service module."""
    import ast
    from pathlib import Path

    services = Path(__file__).resolve().parent.parent / "annotator" / "services"
    found = []
    for path in sorted(services.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                "annotator.services"
            ):
                found.extend(
                    f"{path.name}:{node.lineno}: {node.module}.{alias.name}"
                    for alias in node.names
                    if alias.name.startswith("T_")
                )
    assert found == []
