"""The coding workspace end to end: keys in, rows in the database and on screen out."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent, QTextCursor
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from annotator.core.text import document_key, normalise
from annotator.gui import file_actions
from annotator.gui.main_window import MainWindow
from annotator.gui.models import Role
from annotator.gui.settings import ProjectSettings
from annotator.services.project import Project
from tests.gui.conftest import PLAN, SECOND, activate, name_giver, settle

pytestmark = pytest.mark.gui

KEY1 = document_key(normalise(PLAN))
KEY2 = document_key(normalise(SECOND))


def make_window(qtbot: QtBot, ask=None, *, active: bool = True) -> MainWindow:  # type: ignore[no-untyped-def]
    """A shown main window; ``active`` (for tests that press window shortcuts) waits until it is
    the active window."""
    window = MainWindow(ask_name=ask or name_giver())
    qtbot.addWidget(window)
    window.show()
    if active:
        activate(window)
    return window


@pytest.fixture
def window(qtbot: QtBot, project_path: Path, plan_files: tuple[Path, Path]) -> MainWindow:
    w = make_window(qtbot)
    assert w.open_project(project_path, [str(p) for p in plan_files])
    settle(w)
    w.open_document(KEY1)
    w.clause_view.setFocus()
    return w


def row_of_label(w: MainWindow, label: str) -> int:
    model = w.clauses
    return next(r for r in range(model.rowCount()) if model.clause(r).label == label)


def chips(w: MainWindow, label: str) -> list[str]:
    index = w.clauses.index(row_of_label(w, label))
    return [c.name for c in index.data(Role.CATEGORIES)]


def db_coding(path: Path, doc: str) -> dict[str, object]:
    """The coding as a fresh connection sees it, by clause label."""
    coder = ProjectSettings(path).coder_id
    assert coder is not None
    with Project.open(path) as fresh:
        labels = {c.id: c.label for c in fresh.clauses(doc)}
        return {labels[cid]: c for cid, c in fresh.coding(doc, coder).items() if c.coded}


def test_walking_skeleton(qtbot: QtBot, window: MainWindow, project_path: Path) -> None:
    view = window.clause_view
    view.go_to_row(row_of_label(window, "1"))
    qtbot.keyClick(view, Qt.Key.Key_1)
    qtbot.keyClick(view, Qt.Key.Key_Down)
    qtbot.keyClick(view, Qt.Key.Key_2)
    qtbot.keyClick(view, Qt.Key.Key_Down)
    qtbot.keyClick(view, Qt.Key.Key_0)
    assert window.actions_["undo"].text() == "Undo Mark 3 as none applies"
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)

    coding = db_coding(project_path, KEY1)
    assert set(coding) == {"1", "2"}
    assert coding["1"].tags == {"security_guarantee"}  # type: ignore[attr-defined]
    assert coding["2"].tags == {"territorial"}  # type: ignore[attr-defined]

    assert chips(window, "1") == ["Security guarantee"]
    assert chips(window, "2") == ["Territorial"]
    assert chips(window, "3") == []
    assert window.clauses.index(row_of_label(window, "3")).data(Role.REVIEW) is None
    total = window.clauses.rowCount()
    assert window.progress_label.text() == f"2 of {total} clauses coded"
    assert window.coder_label.text() == "Coder: Olena"
    assert window.actions_["undo"].text() == "Undo Tag 2 Territorial"
    doc_row = window.documents.row_of(KEY1)
    assert window.documents.index(doc_row).data(Role.CODED) == 2


def test_toggle_twice_removes_and_none_applies_shows(qtbot: QtBot, window: MainWindow) -> None:
    view = window.clause_view
    view.go_to_row(row_of_label(window, "4"))
    qtbot.keyClick(view, Qt.Key.Key_3)
    qtbot.keyClick(view, Qt.Key.Key_3)
    assert chips(window, "4") == []
    qtbot.keyClick(view, Qt.Key.Key_0)
    index = window.clauses.index(row_of_label(window, "4"))
    assert index.data(Role.REVIEW) == "none"
    assert "no category applies" in index.data(Qt.ItemDataRole.ToolTipRole)
    assert window.detail.tags.text() == "<i>No category applies.</i>"


def test_span_after_emoji_is_stored_in_code_points(
    qtbot: QtBot, window: MainWindow, project_path: Path
) -> None:
    window.clause_view.go_to_row(row_of_label(window, "2"))
    clause = window.detail.clause
    assert clause is not None
    clause_text = PLAN[clause.start : clause.end]
    word = "supports"
    at = clause_text.index(word)  # code points; the emoji before it is two UTF-16 units
    cursor = window.detail.editor.textCursor()
    cursor.setPosition(at + 1)
    cursor.setPosition(at + 1 + len(word), QTextCursor.MoveMode.KeepAnchor)
    window.detail.editor.setTextCursor(cursor)
    assert cursor.selectedText() == word
    qtbot.keyClick(window.detail.editor, Qt.Key.Key_3)

    coding = db_coding(project_path, KEY1)["2"]
    (span,) = coding.spans  # type: ignore[attr-defined]
    assert (span.category, span.start, span.end) == (
        "economic",
        clause.start + at,
        clause.start + at + 8,
    )
    assert PLAN[span.start : span.end] == word
    assert coding.tags == frozenset()  # type: ignore[attr-defined]
    assert chips(window, "2") == ["Economic"]
    spans = window.clauses.index(row_of_label(window, "2")).data(Role.SPANS)
    assert [(s, e, c.key) for s, e, c in spans] == [(at, at + 8, "economic")]
    assert not window.detail.editor.textCursor().hasSelection()
    ranges = window.detail.highlighter.ranges
    assert [(s, e) for s, e, _ in ranges] == [(at + 1, at + 9)]  # UTF-16 in the widget
    assert window.actions_["undo"].text() == "Undo Tag span in 2 Economic"
    # Undo works with the focus still in the (read-only) text pane.
    qtbot.keyClick(window.detail.editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert chips(window, "2") == []
    assert window.detail.highlighter.ranges == []
    assert "2" not in db_coding(project_path, KEY1)


def test_redo_after_undo(qtbot: QtBot, window: MainWindow, project_path: Path) -> None:
    view = window.clause_view
    view.go_to_row(row_of_label(window, "3"))
    qtbot.keyClick(view, Qt.Key.Key_4)
    ctrl = Qt.KeyboardModifier.ControlModifier
    qtbot.keyClick(view, Qt.Key.Key_Z, ctrl)
    assert chips(window, "3") == []
    assert "3" not in db_coding(project_path, KEY1)
    qtbot.keyClick(view, Qt.Key.Key_Z, ctrl | Qt.KeyboardModifier.ShiftModifier)
    assert chips(window, "3") == ["Military cap"]
    qtbot.keyClick(view, Qt.Key.Key_Z, ctrl)
    qtbot.keyClick(view, Qt.Key.Key_Y, ctrl)
    assert chips(window, "3") == ["Military cap"]
    assert db_coding(project_path, KEY1)["3"].tags == {"military_cap"}  # type: ignore[attr-defined]
    assert window.progress_label.text().startswith("1 of ")


def test_undo_across_a_document_switch(
    qtbot: QtBot, window: MainWindow, project_path: Path
) -> None:
    view = window.clause_view
    view.go_to_row(row_of_label(window, "2"))
    qtbot.keyClick(view, Qt.Key.Key_1)
    window.document_view.setCurrentIndex(window.documents.index(window.documents.row_of(KEY2)))
    assert window.clauses.document_key == KEY2
    qtbot.keyClick(window.clause_view, Qt.Key.Key_2)  # an edit in the second plan
    qtbot.keyClick(window.clause_view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window.clause_view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.clauses.document_key == KEY1  # the undone edit's plan is shown again
    assert window.detail.clause is not None and window.detail.clause.label == "2"
    assert chips(window, "2") == []
    assert db_coding(project_path, KEY1) == {}
    assert db_coding(project_path, KEY2) == {}
    assert window.documents.index(window.documents.row_of(KEY1)).data(Role.CODED) == 0
    qtbot.keyClick(window.clause_view, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert chips(window, "2") == ["Security guarantee"]


def test_navigation_keys(qtbot: QtBot, window: MainWindow) -> None:
    view = window.clause_view
    view.go_to_row(0)
    qtbot.keyClick(view, Qt.Key.Key_J)
    qtbot.keyClick(view, Qt.Key.Key_J)
    assert window.detail.clause.label == "2"  # type: ignore[union-attr]
    qtbot.keyClick(view, Qt.Key.Key_K)
    assert window.detail.clause.label == "1"  # type: ignore[union-attr]
    qtbot.keyClick(view, Qt.Key.Key_1)  # "1" coded; next uncoded from "1" is "2"
    view.go_to_row(0)
    qtbot.keyClick(view, Qt.Key.Key_0)  # heading: none applies
    qtbot.keyClick(view, Qt.Key.Key_N)
    assert window.detail.clause.label == "2"  # type: ignore[union-attr]
    qtbot.keyClick(view, Qt.Key.Key_N, Qt.KeyboardModifier.ShiftModifier)
    assert window.detail.clause.label == "4"  # wraps backwards past the coded heading
    assert window.heading.text().endswith(f"2/{window.clauses.rowCount()} coded")


def test_reopen_restores_document_clause_and_coder(
    qtbot: QtBot, project_path: Path, plan_files: tuple[Path, Path]
) -> None:
    ask = name_giver("Mykola")
    first = make_window(qtbot, ask, active=False)
    assert first.open_project(project_path, [str(p) for p in plan_files])
    settle(first)
    first.open_document(KEY2)
    first.clause_view.go_to_row(row_of_label(first, "2"))
    first.close()
    assert len(ask.asked) == 1  # type: ignore[attr-defined]

    second = make_window(qtbot, ask, active=False)
    assert second.open_project(project_path)
    assert len(ask.asked) == 1  # type: ignore[attr-defined] - the coder is remembered
    assert second.clauses.document_key == KEY2
    assert second.detail.clause is not None and second.detail.clause.label == "2"
    assert second.coder_label.text() == "Coder: Mykola"
    second.close()


def test_known_coder_name_is_reused(
    qtbot: QtBot, project_path: Path, plan_files: tuple[Path, Path]
) -> None:
    with Project.open(project_path) as project:
        olena = project.add_coder("Olena")
    ask = name_giver("Olena")
    w = make_window(qtbot, ask, active=False)
    assert w.open_project(project_path)
    assert ask.asked == [["Olena"]]  # type: ignore[attr-defined]
    assert w.workspace is not None and w.workspace.coder_id == olena.id


def test_bad_import_shows_one_error_and_changes_nothing(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    shown: list[tuple[str, str]] = []
    window.show_error = lambda title, text: shown.append((title, text))  # type: ignore[method-assign]
    bad = tmp_path / "broken.docx"
    bad.write_bytes(b"this is not a zip archive")
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n", encoding="utf-8")
    before = [window.documents.summary(r) for r in range(window.documents.rowCount())]
    file_actions.import_plans(window, [str(bad), str(empty), str(tmp_path / "missing.txt")])
    settle(window)
    assert len(shown) == 1  # one message for the three files, a line each
    title, text = shown[0]
    assert title == "Cannot import the plan"
    lines = text.splitlines()
    assert len(lines) == 3
    assert "broken.docx" in lines[0] and "empty.txt" in lines[1] and "missing.txt" in lines[2]
    assert "Traceback" not in text
    assert [window.documents.summary(r) for r in range(window.documents.rowCount())] == before
    assert window.clauses.document_key == KEY1
    with Project.open(window.project.path) as fresh:  # type: ignore[union-attr]
        assert {d.key for d in fresh.documents()} == {KEY1, KEY2}


def test_drop_a_plan_file_imports_it(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    text = "Third plan\n\n1. A referendum is held within a year.\n"
    path = tmp_path / "third.md"
    path.write_text(text, encoding="utf-8")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dropEvent(event)
    QCoreApplication.processEvents()  # the drop's files are opened once the drop is over
    settle(window)
    assert window.documents.rowCount() == 3
    assert window.clauses.document_key == document_key(normalise(text))


def test_codebook_panel_applies_category(qtbot: QtBot, window: MainWindow) -> None:
    window.clause_view.go_to_row(row_of_label(window, "1"))
    cb = window.codebook
    cb.view.activated.emit(cb.model.index(1))
    assert chips(window, "1") == ["Territorial"]
    cb.view.activated.emit(cb.model.index(cb.model.rowCount() - 1))  # "none applies"
    assert chips(window, "1") == []
    assert window.clauses.index(row_of_label(window, "1")).data(Role.REVIEW) == "none"
    assert "coding rule" not in cb.model.index(0).data(Qt.ItemDataRole.ToolTipRole)
    assert "Apply when" in cb.model.index(0).data(Qt.ItemDataRole.ToolTipRole)


def test_code_menu_names_categories(window: MainWindow) -> None:
    assert window.actions_["key1"].text() == "Security guarantee"
    assert window.actions_["key4"].text() == "Military cap"
    assert not window.actions_["key9"].isVisible()


def test_after_an_edit_only_touched_rows_change(qtbot: QtBot, window: MainWindow) -> None:
    changed: list[tuple[int, int]] = []
    window.clauses.dataChanged.connect(lambda a, b, *_: changed.append((a.row(), b.row())))
    resets: list[int] = []
    window.clauses.modelReset.connect(lambda: resets.append(1))
    row = row_of_label(window, "3")
    window.clause_view.go_to_row(row)
    qtbot.keyClick(window.clause_view, Qt.Key.Key_2)
    assert changed == [(row, row)]
    assert resets == []


def test_second_window_on_a_locked_project_is_read_only(
    qtbot: QtBot, window: MainWindow, project_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from annotator.storage.lock import ProjectLockedError

    def locked(path: object) -> object:
        raise ProjectLockedError("open in another process", source=str(path), pid=1, host="h")

    monkeypatch.setattr("annotator.services.project.acquire_shared_lock", locked)
    other = make_window(qtbot)
    assert other.open_project(project_path)
    assert other.project is not None and other.project.read_only
    assert "Read-only" in other.coder_label.text()
    assert not other.actions_["key1"].isEnabled()
    assert other.actions_["down"].isEnabled()
    other.clause_view.go_to_row(row_of_label(other, "1"))
    qtbot.keyClick(other.clause_view, Qt.Key.Key_1)
    assert chips(other, "1") == []
    monkeypatch.undo()
    assert db_coding(project_path, KEY1) == {}


def test_window_size_and_docks_are_remembered(qtbot: QtBot, project_path: Path) -> None:
    first = make_window(qtbot, active=False)
    first.docks["plans"].hide()
    first.resize(700, 500)  # the offscreen screen is 800 x 600
    size = first.size()
    assert size.height() == 500
    first.close()
    second = make_window(qtbot, active=False)
    assert second.size() == size
    assert second.docks["plans"].isHidden()


def test_about_names_version_licence_and_data_folder(window: MainWindow) -> None:
    import annotator

    window.actions_["about"].trigger()  # window-modal: returns at once
    box = QApplication.activeModalWidget()
    assert isinstance(box, QMessageBox) and box.objectName() == "aboutBox"
    text = box.text()
    box.accept()
    assert annotator.__version__ in text and "MIT" in text and "Data folder" in text
    assert str(window.project.path) in text  # type: ignore[union-attr]


def test_import_action_uses_the_file_dialog(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QFileDialog

    path = tmp_path / "fourth.txt"
    path.write_text("Fourth\n\n1. Elections follow in six months.\n", encoding="utf-8")
    monkeypatch.setattr(
        QFileDialog, "getOpenFileNames", staticmethod(lambda *a, **k: ([str(path)], ""))
    )
    from annotator.gui import import_preview

    previewed: list[list[str]] = []  # the preview (tested in test_import_preview) accepted as is

    def accept(_parent, files, answer):  # type: ignore[no-untyped-def]
        previewed.append(list(files))
        answer(import_preview.read_choices(files))

    monkeypatch.setattr(import_preview, "review_import", accept)
    window.actions_["import"].trigger()
    settle(window)
    assert previewed == [[str(path)]]
    assert window.documents.rowCount() == 3
    assert window.windowTitle() == "Fourth — Plan Annotator"
    assert "imported (2 clauses)" in window.statusBar().currentMessage()


def test_connect_to_team_server_switches_project_and_shows_team_progress(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import annotator.gui.team_dialog as team_dialog
    from annotator.storage.db import open_engine

    # A stand-in for a server project: opened from an engine, with no file path.
    server_file = tmp_path / "server.sqlite"
    with Project.open(server_file, seed_samples=False) as seed:
        seed.import_text("Server plan", "1. A ceasefire.\n2. A fund.\n")
        coder = seed.add_coder("Taras").id
    server = Project(open_engine(server_file), None)
    monkeypatch.setattr(
        team_dialog, "connect_to_team_server", lambda _parent, answer, ops: answer(server, coder)
    )
    old = window.workspace.project
    window.projects.connect_team_server()
    assert window.workspace.project is server and window.workspace.coder_id == coder
    assert window.workspace.coder_name == "Taras"
    assert "team" in window.docks
    assert [window.documents.summary(r).title for r in range(window.documents.rowCount())] == [
        "Server plan"
    ]
    assert old.engine.pool.checkedout() == 0
    qtbot.keyClick(window.clause_view, "3")
    clause = server.clauses(server.documents()[0].key)[0]
    assert server.clause_coding(clause.id, coder).tags == {"economic"}
