"""The side-by-side view: accept / reject suggestions by key, undo, revisions, category chips."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from annotator.gui.side_by_side import SideBySideView
from annotator.gui.side_by_side_rows import DIFFERENCES, DIFFERENCES_ROLE, LEFT, RIGHT, STATUS
from annotator.gui.workspace import Workspace
from annotator.services import links as link_service
from annotator.services.documents import set_document_properties
from annotator.services.project import Project
from annotator.services.types import DocumentMeta

pytestmark = pytest.mark.gui

DRAFT = (
    "Draft plan\n\n"
    "1. A complete ceasefire on land, at sea and in the air takes effect at once.\n"
    "2. Sanctions are lifted in three stages after verification.\n"
    "3. Elections are held within one hundred days.\n"
    "4. The armed forces of Avalon shall not exceed 600,000 personnel.\n"
    "5. The Guarantor Group assures Avalon of collective defence against renewed attack.\n"
)
REVISION = (
    "Revised plan\n\n"
    "1. A complete ceasefire on land, at sea and in the air takes effect.\n"
    "2. Elections are held within one hundred days of the ceasefire.\n"
    "3. Peacetime armed forces of Avalon shall not exceed 800,000 personnel.\n"
    "4. The Guarantor Group assures Avalon of collective defence.\n"
    "5. A reconstruction fund of 100 billion is set up.\n"
)
THIRD = "Third plan\n\n1. The Guarantor Group assures collective defence.\n2. Funds.\n"


@pytest.fixture
def workspace(project_path: Path) -> Iterator[Workspace]:
    project = Project.open(project_path, seed_samples=False)
    coder = project.add_coder("Olena").id
    yield Workspace(project, coder)
    project.close()


@pytest.fixture
def keys(workspace: Workspace) -> tuple[str, str]:
    project = workspace.project
    draft = project.import_text("Draft", DRAFT).document_key
    revision = project.import_text("Revision", REVISION).document_key
    return draft, revision


def _rows(view: SideBySideView) -> list[tuple[str, str, str]]:
    """Each row as (left label, status, right label), read through the Qt model."""
    model = view.model
    out = []
    for r in range(model.rowCount()):
        row = model.rows[r]
        assert model.data(model.index(r, STATUS)) == row.status
        left_text = model.data(model.index(r, LEFT))
        right_text = model.data(model.index(r, RIGHT))
        left = left_text.split(".")[0] if row.left else ""
        right = right_text.split(".")[0] if row.right else ""
        out.append((left, row.status, right))
    return out


def _select_suggestion(view: SideBySideView, left: str, right: str) -> None:
    for n, s in enumerate(view.suggestions):
        if (s.source_clause.label, s.target_clause.label) == (left, right):
            view.suggestion_table.setCurrentCell(n, 0)
            return
    raise AssertionError(f"no suggestion {left} ↔ {right}")


def test_accepting_a_suggestion_aligns_the_clauses_and_undo_removes_it(
    qtbot, workspace: Workspace, keys: tuple[str, str]
) -> None:  # type: ignore[no-untyped-def]
    draft, revision = keys
    view = SideBySideView(workspace, None, draft, revision)
    qtbot.addWidget(view)
    assert view.left_key == draft and view.right_key == revision
    before = _rows(view)
    assert ("5", "dropped", "") in before and ("", "added", "4") in before
    assert not any(status == "linked" for _, status, _ in before)

    _select_suggestion(view, "5", "4")
    qtbot.keyClick(view.suggestion_table, Qt.Key.Key_A)
    after = _rows(view)
    assert ("5", "linked", "4") in after
    assert ("5", "dropped", "") not in after and ("", "added", "4") not in after
    assert [
        (x.source_clause.label, x.target_clause.label)
        for x in link_service.links(workspace.project, draft, revision)
    ] == [("5", "4")]
    assert not any(
        (s.source_clause.label, s.target_clause.label) == ("5", "4") for s in view.suggestions
    )
    assert "1 linked" in view.summary.text()

    workspace.undo_stack.undo()
    assert _rows(view) == before
    assert link_service.links(workspace.project, draft, revision) == []
    workspace.undo_stack.redo()
    assert ("5", "linked", "4") in _rows(view)


def test_enter_accepts_r_rejects_and_delete_unlinks(
    qtbot, workspace: Workspace, keys: tuple[str, str]
) -> None:  # type: ignore[no-untyped-def]
    draft, revision = keys
    view = SideBySideView(workspace, None, draft, revision)
    qtbot.addWidget(view)
    _select_suggestion(view, "3", "2")
    qtbot.keyClick(view.suggestion_table, Qt.Key.Key_Return)
    _select_suggestion(view, "4", "3")
    qtbot.keyClick(view.suggestion_table, Qt.Key.Key_R)
    rejected = link_service.links(workspace.project, draft, revision, include_rejected=True)
    assert sorted((x.source_clause.label, x.target_clause.label, x.status) for x in rejected) == [
        ("3", "2", "accepted"),
        ("4", "3", "rejected"),
    ]
    assert ("3", "linked", "2") in _rows(view)
    assert ("4", "dropped", "") in _rows(view)
    pairs = {(s.source_clause.label, s.target_clause.label) for s in view.suggestions}
    assert ("4", "3") not in pairs
    # Delete on the linked row removes the link (a tombstone); undo brings it back.
    row = _rows(view).index(("3", "linked", "2"))
    view.table.setCurrentIndex(view.model.index(row, LEFT))
    qtbot.keyClick(view.table, Qt.Key.Key_Delete)
    assert ("3", "linked", "2") not in _rows(view)
    workspace.undo_stack.undo()
    assert ("3", "linked", "2") in _rows(view)
    assert workspace.undo_stack.count() == 3


def test_category_differences_are_shown_for_the_current_coder(
    qtbot, workspace: Workspace, keys: tuple[str, str]
) -> None:  # type: ignore[no-untyped-def]
    draft, revision = keys
    project = workspace.project
    d = {c.label: c.id for c in project.clauses(draft)}
    r = {c.label: c.id for c in project.clauses(revision)}
    project.toggle_tag(workspace.coder_id, d["5"], "security_guarantee")
    project.toggle_tag(workspace.coder_id, d["5"], "military_cap")
    project.toggle_tag(workspace.coder_id, r["4"], "security_guarantee")
    project.toggle_tag(workspace.coder_id, r["4"], "territorial")
    link_service.accept(project, d["5"], r["4"])
    view = SideBySideView(workspace, None, draft, revision)
    qtbot.addWidget(view)
    row = _rows(view).index(("5", "linked", "4"))
    index = view.model.index(row, DIFFERENCES)
    assert index.data(DIFFERENCES_ROLE) == [("military_cap", "left"), ("territorial", "right")]
    assert index.data(Qt.ItemDataRole.BackgroundRole) is not None
    plain = _rows(view).index(("1", "dropped", ""))
    assert view.model.index(plain, DIFFERENCES).data(DIFFERENCES_ROLE) == []
    view.grab()  # the chip delegate paints without error


def test_previous_and_next_step_through_revisions_in_order(
    qtbot, workspace: Workspace, keys: tuple[str, str]
) -> None:  # type: ignore[no-untyped-def]
    draft, revision = keys
    project = workspace.project
    third = project.import_text("Third", THIRD).document_key
    set_document_properties(project, revision, meta=DocumentMeta(revises=draft, date="2025-11-23"))
    set_document_properties(project, third, meta=DocumentMeta(revises=revision, date="2025-12-01"))
    view = SideBySideView(workspace, None, draft)  # right side: its next revision
    qtbot.addWidget(view)
    assert (view.left_key, view.right_key) == (draft, revision)
    assert not view.previous_button.isEnabled() and view.next_button.isEnabled()
    qtbot.mouseClick(view.next_button, Qt.MouseButton.LeftButton)
    assert (view.left_key, view.right_key) == (revision, third)
    assert view.model.left_key == revision and view.model.right_key == third
    assert not view.next_button.isEnabled() and view.previous_button.isEnabled()
    qtbot.mouseClick(view.previous_button, Qt.MouseButton.LeftButton)
    assert (view.left_key, view.right_key) == (draft, revision)
    # Choosing a plan in a picker reloads the rows.
    view.right_combo.setCurrentIndex(view.right_combo.findData(third))
    assert view.model.right_key == third
    assert len([r for r in _rows(view) if r[2]]) == len(project.clauses(third))


# -- issue 15: on a team server the rebuild reads off the UI thread --------------------------------


def test_on_a_server_the_rebuild_reads_in_the_background_and_the_latest_wins(
    qtbot, workspace: Workspace, keys: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    import threading
    import time

    from annotator.core.errors import ProjectError
    from annotator.gui import side_by_side_rows
    from tests.gui.test_saving import screenshots
    from tests.server.test_saving_server import pump_until

    draft, revision = keys
    third = workspace.project.import_text("Third", THIRD).document_key
    monkeypatch.setattr(Project, "on_server", property(lambda self: True))
    original = link_service.suggest
    slow: dict[str, float] = {revision: 1.0, third: 0.2}
    threads: list[str] = []
    fail: list[Exception] = []

    def suggest(project: Project, source: str, target: str) -> object:
        threads.append(threading.current_thread().name)
        time.sleep(slow.get(target, 0.0))
        if fail:
            raise fail[0]
        return original(project, source, target)

    monkeypatch.setattr(side_by_side_rows.link_service, "suggest", suggest)
    started = time.monotonic()
    view = SideBySideView(workspace, None, draft, revision)
    qtbot.addWidget(view)
    view.show()
    assert time.monotonic() - started < 0.5  # the 1 s read runs on the runner's thread
    assert view.summary.text() == "Loading…" and not view.accept_button.isEnabled()
    assert view.accept_current() is None  # no suggestion taken from a list being rebuilt
    shot = screenshots() / "15-side-by-side-loading.png"
    assert view.grab().save(str(shot))
    pump_until(lambda: view.right_combo.count() > 0, 10)  # the plans to choose from came first
    assert view.right_key == revision and view.summary.text() == "Loading…"
    view.right_combo.setCurrentIndex(view.right_combo.findData(third))  # answered meanwhile
    pump_until(lambda: not workspace.ops.running(), 10)
    assert view.model.right_key == third  # the older (slower) rebuild was dropped
    assert "suggestions." in view.summary.text() and "MainThread" not in threads
    # A failed rebuild says why in the window, not as a traceback.
    fail.append(ProjectError("the team server did not answer within 15 s (statement timeout)"))
    view.refresh()
    pump_until(lambda: not workspace.ops.running(), 10)
    assert view.summary.text() == f"Cannot read the plans: {fail[0]}"
