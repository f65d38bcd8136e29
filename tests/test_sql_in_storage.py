"""Issue 16.3: SQL lives in storage. Every service composes storage's functions; none builds a
statement itself (import-linter also forbids SQLAlchemy in the services; this catches table handles
and statement builders however they arrive)."""

import ast
from pathlib import Path

import pytest

SERVICES = Path(__file__).resolve().parent.parent / "annotator" / "services"
WITHOUT_SQL = sorted(p.name for p in SERVICES.glob("*.py"))
# Storage modules a service may not reach into: the table handles and the ORM models.
TABLE_MODULES = {"annotator.storage.tables", "annotator.storage.models"}


@pytest.mark.parametrize("name", WITHOUT_SQL)
def test_service_builds_no_sql(name: str) -> None:
    tree = ast.parse((SERVICES / name).read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.split(".")[0] == "sqlalchemy"]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if module.split(".")[0] == "sqlalchemy" or module in TABLE_MODULES:
                found.append(module)
        elif isinstance(node, ast.Name) and node.id.startswith("T_"):
            found.append(node.id)  # a table handle, however it got here
        elif isinstance(node, ast.Attribute) and node.attr == "c":
            found.append(".c")  # a table's columns
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in {"select", "insert", "update", "delete", "text"}
        ):
            found.append(f"{node.func.id}(")
    assert found == [], f"{name} builds SQL: {found}"
