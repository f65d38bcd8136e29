"""One way for every write (SQLite here; the server tests run the same units on PostgreSQL).

Every service that opens a write transaction is a unit of work; a unit retries serialization
failures and deadlocks and turns every other database error into a typed one-line error; clause
edits by one coder never touch another coder's rows, locally as on a server.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.exc import DBAPIError, OperationalError

import annotator.services
from annotator.core.errors import EditError, ProjectError
from annotator.services import clauses as clause_service
from annotator.services import links as link_service
from annotator.services.project import Project
from annotator.storage.faults import as_annotator_error, run_retrying
from annotator.storage.models import TABLES


def _write_services() -> list[tuple[str, Any]]:
    found = []
    for info in pkgutil.iter_modules(annotator.services.__path__):
        module = importlib.import_module(f"annotator.services.{info.name}")
        candidates = [
            (f"{info.name}.{name}", fn)
            for name, fn in vars(module).items()
            if inspect.isfunction(fn) and fn.__module__ == module.__name__
        ]
        candidates += [
            (f"{info.name}.{cls}.{name}", fn)
            for cls, klass in vars(module).items()
            if inspect.isclass(klass) and klass.__module__ == module.__name__
            for name, fn in vars(klass).items()
            if inspect.isfunction(fn)
        ]
        for qualified, fn in candidates:
            try:
                source = inspect.getsource(inspect.unwrap(fn))
            except OSError:  # generated (dataclass __init__): no transaction of its own
                continue
            if ".begin()" in source:
                found.append((qualified, fn))
    return found


def test_every_write_transaction_is_a_unit_of_work() -> None:
    services = _write_services()
    assert len(services) >= 20  # toggle_tag, split_clause, accept, apply_merge, …
    bare = [name for name, fn in services if not getattr(fn, "__unit_of_work__", False)]
    assert bare == []


class _Fault(Exception):
    def __init__(self, sqlstate: str, message: str = "simulated") -> None:
        super().__init__(message)
        self.sqlstate = sqlstate


def _db_error(sqlstate: str, message: str = "simulated") -> DBAPIError:
    return DBAPIError("UPDATE x", {}, _Fault(sqlstate, message))


def test_serialization_failures_and_deadlocks_are_retried() -> None:
    states = iter(["40001", "40P01"])
    calls: list[str] = []

    def action() -> str:
        state = next(states, None)
        calls.append(state or "ok")
        if state is not None:
            raise _db_error(state)
        return "saved"

    assert run_retrying(action) == "saved"
    assert calls == ["40001", "40P01", "ok"]


def test_a_unit_inside_a_unit_runs_once() -> None:
    inner_runs: list[int] = []

    def inner() -> None:
        inner_runs.append(1)
        raise _db_error("40001")

    with pytest.raises(ProjectError, match="too busy"):
        run_retrying(lambda: run_retrying(inner), attempts=3)
    assert len(inner_runs) == 3  # the outer unit retried the whole; the inner never on its own


@pytest.mark.parametrize(
    ("sqlstate", "message", "kind", "says"),
    [
        ("42501", "permission denied for table setting", EditError, "your role may not"),
        (
            "42501",
            'new row violates row-level security policy for table "annotation"',
            EditError,
            "another coder's work",
        ),
        ("57014", "canceling statement due to statement timeout", ProjectError, "took too long"),
        ("55P03", "canceling statement due to lock timeout", ProjectError, "lock timeout"),
        ("53100", "could not extend file: No space left on device", ProjectError, "disk is full"),
        ("25006", "cannot execute UPDATE in a read-only transaction", ProjectError, "read-only"),
        ("08006", "server closed the connection unexpectedly", ProjectError, "connection"),
        ("57P01", "terminating connection due to administrator command", ProjectError, "lost"),
        ("40P01", "deadlock detected", ProjectError, "too busy"),
        ("23505", "duplicate key value violates unique constraint", EditError, "conflicts"),
    ],
)
def test_database_errors_become_typed_one_line_errors(
    sqlstate: str, message: str, kind: type, says: str
) -> None:
    error = as_annotator_error(_db_error(sqlstate, message + "\nDETAIL: more"))
    assert type(error) is kind
    assert says in str(error)
    assert "\n" not in str(error)


def test_sqlite_locked_is_a_project_error() -> None:
    exc = OperationalError("UPDATE x", {}, sqlite3.OperationalError("database is locked"))
    assert isinstance(as_annotator_error(exc), ProjectError)


def test_a_real_sqlite_failure_in_a_service_is_typed(
    project: Project, plan: str, coder: str
) -> None:
    clause = project.clauses(plan)[1].id

    def fail(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.startswith("INSERT INTO annotation"):
            raise sqlite3.IntegrityError("CHECK constraint failed: simulated")

    event.listen(project.engine, "before_cursor_execute", fail)
    try:
        with pytest.raises(EditError, match="conflicts"):
            project.toggle_tag(coder, clause, "economic")
    finally:
        event.remove(project.engine, "before_cursor_execute", fail)
    assert project.coding(plan, coder) == {}


# -- clause edits are confined, locally too ----------------------------------------------------


def _dump(project: Project) -> bytes:
    with project.engine.connect() as conn:
        return repr(
            {
                name: [tuple(r) for r in conn.execute(t.select().order_by(*t.primary_key.columns))]
                for name, t in sorted(TABLES.items())
            }
        ).encode()


def test_a_coder_cannot_split_join_or_move_a_colleagues_clause(
    project: Project, plan: str, coder: str
) -> None:
    taras = project.add_coder("Taras").id
    heading, first, second = project.clauses(plan)[:3]
    project.toggle_tag(coder, first.id, "economic")
    before = _dump(project)
    attempts = [
        lambda: clause_service.split_clause(project, first.id, first.start + 10, taras),
        lambda: clause_service.merge_with_next(project, first.id, taras),
        lambda: clause_service.merge_with_next(project, heading.id, taras),
        lambda: clause_service.move_boundary(project, first.id, first.end - 5, taras),
        lambda: clause_service.move_boundary(project, heading.id, first.start + 5, taras),
    ]
    for attempt in attempts:
        with pytest.raises(EditError, match="carries work by Olena"):
            attempt()
    assert _dump(project) == before
    assert clause_service.clause_edit_refusal(project, first.id, taras) is not None
    assert clause_service.clause_edit_refusal(project, second.id, taras) is None


def test_splitting_ones_own_clause_leaves_colleagues_rows_untouched(
    project: Project, plan: str, coder: str, tmp_path: Path
) -> None:
    taras = project.add_coder("Taras").id
    first, second = project.clauses(plan)[1:3]
    project.toggle_tag(coder, first.id, "economic")
    project.toggle_tag(taras, second.id, "territorial")

    def theirs() -> list[tuple[Any, ...]]:
        with project.engine.connect() as conn:
            t = TABLES["annotation"]
            return [tuple(r) for r in conn.execute(t.select().where(t.c.coder_id == taras))]

    before = theirs()
    edit = clause_service.split_clause(project, first.id, first.start + 20, coder)
    assert {c.after["coder_id"] for c in edit.changes if c.table == "annotation" and c.after} == {
        coder
    }
    assert theirs() == before
    # The owner (no coder) may still change any clause: everyone's work follows the text.
    clause_service.merge_with_next(project, first.id)


def test_a_coders_link_decision_never_rewrites_a_colleagues_link(
    project: Project, plan: str, coder: str
) -> None:
    taras = project.add_coder("Taras").id
    other = project.import_text("Other", "1. The parties agree to a ceasefire.\n").document_key
    source, target = project.clauses(plan)[1].id, project.clauses(other)[0].id
    mine = link_service.accept(project, source, target, coder)
    theirs = link_service.reject(project, source, target, taras)
    assert theirs.changes[0].before is None  # a new row of Taras's, not Olena's row changed
    assert mine.changes[0].key != theirs.changes[0].key
    assert link_service.links(project, plan, other, include_rejected=True)[0].status == "rejected"
    assert link_service.accept(project, source, target, coder).changes  # Olena's row, revived
    assert [x.coder_id for x in link_service.links(project, plan, other)] == [coder]
