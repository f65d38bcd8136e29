"""File ▸ New project / Open project / Open Recent: switching projects in the window."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QMenu
from pytestqt.qtbot import QtBot

from annotator.gui import file_actions
from annotator.gui.main_window import MainWindow
from annotator.gui.models import Role
from annotator.gui.settings import RECENT_LIMIT, recent_projects, remember_project
from annotator.services.project import Project
from tests.gui.test_main_window import make_window

pytestmark = pytest.mark.gui


def make_project(path: Path, plan: Path) -> Path:
    """A project file holding one imported plan."""
    with Project.open(path, seed_samples=False) as p:
        p.import_plan(plan)
    return path


def plan_titles(window: MainWindow) -> list[str]:
    docs = window.documents
    return [str(docs.index(r).data(Role.KEY)) for r in range(docs.rowCount())]


def recent_entries(window: MainWindow) -> list[tuple[str, bool]]:
    """(path, enabled) of the Open Recent menu's project entries, in menu order."""
    menu: QMenu = window.recent_menu  # type: ignore[attr-defined]
    return [(str(a.data()), a.isEnabled()) for a in menu.actions() if a.data()]


def keys_of(path: Path) -> list[str]:
    with Project.open(path, create=False) as p:
        return [d.key for d in p.documents()]


@pytest.fixture
def two_projects(tmp_path: Path, plan_files: tuple[Path, Path]) -> tuple[Path, Path]:
    a = make_project(tmp_path / "a.annotator.sqlite", plan_files[0])
    b = make_project(tmp_path / "b.annotator.sqlite", plan_files[1])
    return a, b


@pytest.fixture
def errors(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(MainWindow, "show_error", lambda _self, t, m: shown.append((t, m)))
    return shown


def test_open_switch_recent_and_bad_file(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    two_projects: tuple[Path, Path],
    errors: list[tuple[str, str]],
) -> None:
    a, b = two_projects
    keys_a, keys_b = keys_of(a), keys_of(b)
    assert keys_a != keys_b
    window = make_window(qtbot, active=False)
    assert window.open_project(a)
    assert plan_titles(window) == keys_a
    assert recent_entries(window) == [(str(a.resolve()), True)]
    project_a = window.project

    monkeypatch.setattr(file_actions, "ask_project_to_open", lambda _parent: str(b))
    window.actions_["open_project"].trigger()
    assert plan_titles(window) == keys_b
    assert window.clauses.document_key == keys_b[0]
    assert window.project is not None and window.project.path == b.resolve()
    assert recent_entries(window) == [(str(b.resolve()), True), (str(a.resolve()), True)]
    assert recent_projects() == [str(b.resolve()), str(a.resolve())]
    # A is closed: its lock is released, so another writer may open it.
    assert project_a is not None and project_a.lock is None
    with Project.open(a, create=False) as again:
        assert not again.read_only

    # Re-open A from the Recent menu.
    menu: QMenu = window.recent_menu  # type: ignore[attr-defined]
    entry = next(act for act in menu.actions() if act.data() == str(a.resolve()))
    entry.trigger()
    assert plan_titles(window) == keys_a
    assert recent_entries(window)[0] == (str(a.resolve()), True)
    assert window.actions_["open_project"].shortcut().toString() == "Ctrl+Shift+O"

    # Back to B, then a file that is not a project: B stays open and an error is shown.
    window.projects.switch_project(b)
    bad = tmp_path / "notes.annotator.sqlite"
    bad.write_text("this is not a database\n" * 50, encoding="utf-8")
    monkeypatch.setattr(file_actions, "ask_project_to_open", lambda _parent: str(bad))
    assert not errors
    assert not file_actions.open_project_dialog(window)
    assert len(errors) == 1 and errors[0][0] == "Cannot open the project"
    assert plan_titles(window) == keys_b
    assert window.project is not None and window.project.path == b.resolve()
    assert window.project.documents()  # still usable, not closed
    assert str(bad.resolve()) not in recent_projects()


def test_new_project_and_missing_recent(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    two_projects: tuple[Path, Path],
    errors: list[tuple[str, str]],
) -> None:
    a, b = two_projects
    window = make_window(qtbot, active=False)
    assert window.open_project(a)
    fresh = tmp_path / "sub" / "fresh"
    fresh.parent.mkdir()
    monkeypatch.setattr(file_actions, "ask_new_project", lambda _parent: str(fresh))
    window.actions_["new_project"].trigger()
    created = tmp_path / "sub" / "fresh.annotator.sqlite"
    assert created.is_file()
    assert window.documents.rowCount() == 0  # no sample plans seeded
    assert window.clauses.rowCount() == 0  # A's clauses are gone
    assert recent_projects()[:2] == [str(created.resolve()), str(a.resolve())]
    # An existing project is never overwritten by New project.
    monkeypatch.setattr(file_actions, "ask_new_project", lambda _parent: str(a))
    assert not file_actions.new_project_dialog(window)
    assert errors and "already exists" in errors[-1][1]
    assert window.project is not None and window.project.path == created.resolve()

    # A remembered file that has gone is shown disabled; Clear menu empties the list.
    b.unlink()
    remember_project(b)
    from annotator.gui.menus import refresh_recent_menu

    refresh_recent_menu(window)
    assert recent_entries(window)[0] == (str(b.resolve()), False)
    menu: QMenu = window.recent_menu  # type: ignore[attr-defined]
    clear = next(act for act in menu.actions() if act.text() == "&Clear menu")
    clear.trigger()
    assert recent_projects() == []
    assert recent_entries(window) == []


def test_recent_list_is_capped_and_deduplicated(tmp_path: Path) -> None:
    for i in range(RECENT_LIMIT + 3):
        remember_project(tmp_path / f"p{i}.sqlite")
    remember_project(tmp_path / "p4.sqlite")
    paths = recent_projects()
    assert len(paths) == RECENT_LIMIT
    assert paths[0] == str((tmp_path / "p4.sqlite").resolve())
    assert paths[1] == str((tmp_path / f"p{RECENT_LIMIT + 2}.sqlite").resolve())
    assert paths.count(paths[0]) == 1
