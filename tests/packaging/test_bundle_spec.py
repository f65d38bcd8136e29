"""The PyInstaller spec, read without PyInstaller: what it ships exists, what it drops is unused."""

from __future__ import annotations

import ast
import re

from tests.packaging.paths import PACKAGING, ROOT

SPEC = PACKAGING / "pyinstaller" / "plan-annotator.spec"


def _spec_list(name: str) -> list[str]:
    for node in ast.parse(SPEC.read_text("utf-8")).body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            value = ast.literal_eval(node.value)
            assert isinstance(value, list)
            return value
    raise AssertionError(f"{SPEC.name} defines no {name}")


def test_entry_script_runs_the_launcher() -> None:
    entry = (PACKAGING / "pyinstaller" / "entry.py").read_text("utf-8")
    assert "from annotator.launcher import main" in entry
    assert "entry.py" in SPEC.read_text("utf-8")


def test_migration_files_alembic_loads_from_disk_exist() -> None:
    migrations = ROOT / "annotator" / "storage" / "migrations"
    assert (migrations / "script.py.mako").is_file()
    assert (migrations / "env.py").is_file()
    assert sorted(p.name for p in (migrations / "versions").glob("0*.py"))
    assert "include_py_files=True" in SPEC.read_text("utf-8")


def test_excluded_qt_modules_are_never_imported() -> None:
    excluded = set(_spec_list("QT_UNUSED"))
    used = set()
    for path in (ROOT / "annotator").rglob("*.py"):
        used |= set(re.findall(r"PySide6\.(Qt\w+)", path.read_text("utf-8")))
    assert used, "the scan found no Qt import at all"
    assert not used & excluded, f"the bundle excludes Qt modules the app imports: {used & excluded}"
