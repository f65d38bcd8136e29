"""Issue 15, items 1 and 6: the writes made from dialogs never block the window on a team server.

As in test_saving.py the project is a local file made to behave like a slow server
(``Project.on_server`` forced on, the service call slowed or failing on the runner's write
thread). For each dialog write — the codebook editor, blind mode, removing a plan, applying a
merge, re-segmenting, settling a disagreement — the call returns at once, the window (or the
dialog) keeps answering keys while it saves, it says so, and it ends either written and undoable,
or with a message naming what was not saved and nothing changed.
tests/server/test_saving_dialogs_server.py does the same against a real PostgreSQL lock.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from annotator.core.errors import EditError
from annotator.gui import file_actions, import_preview, saving
from annotator.gui.codebook_editor import CodebookEditor
from annotator.gui.main_window import MainWindow
from annotator.gui.models import Role
from annotator.gui.review_view import ReviewView
from annotator.gui.workspace import Workspace
from annotator.services import codebook, exchange, merge, review, segmentation
from annotator.services.project import Project
from annotator.services.review import CONSENSUS_ID
from tests.gui.conftest import activate, settle
from tests.gui.test_main_window import KEY1
from tests.gui.test_saving import LOCK_TIMEOUT, screenshots, slow_server, slowed
from tests.gui.test_saving import window as window  # the fixture

pytestmark = pytest.mark.gui

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
#: The call must return well before the write (0.5 s) could have finished.
AT_ONCE = 0.25


def fresh(path: Path) -> Project:
    """A second connection: what is really in the file."""
    return Project.open(path, seed_samples=False, read_only_if_locked=True)


def category_names(path: Path) -> dict[str, str]:
    with fresh(path) as project:
        return {c.key: c.name for c in project.categories()}


def plan_keys(path: Path) -> set[str]:
    with fresh(path) as project:
        return {d.key for d in project.documents()}


def answers_keys(qtbot: QtBot, window: MainWindow) -> None:
    """The main window answers a key while the write waits: Down moves the clause cursor."""
    window.clause_view.setFocus()
    row = window.clause_view.current_row()
    qtbot.keyClick(window.clause_view, Qt.Key.Key_Down)
    assert window.clause_view.current_row() == row + 1


def timed(call: Callable[[], object]) -> float:
    started = time.monotonic()
    call()
    return time.monotonic() - started


# -- the codebook editor -------------------------------------------------------------------------


@pytest.fixture
def editor(qtbot: QtBot, window: MainWindow) -> Iterator[CodebookEditor]:
    assert window.workspace is not None
    dialog = CodebookEditor(window.workspace, window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.ask_text = lambda *args: args[-1]("Land")  # type: ignore[assignment]
    dialog.select("territorial")
    yield dialog
    window.ops.changed.disconnect(dialog._edited)


def test_a_codebook_edit_saves_in_the_background_and_the_dialog_answers(
    qtbot: QtBot,
    window: MainWindow,
    editor: CodebookEditor,
    project_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    slow_server(monkeypatch, 0)
    slowed(codebook, "update_category", 0.5, monkeypatch)
    ws = window.workspace
    assert ws is not None
    steps = ws.undo_stack.count()
    assert timed(editor.rename) < AT_ONCE
    assert window.ops.writes_pending()
    assert "Saving the name of “Territorial”…" in editor.status.text()
    shot = screenshots() / "15-codebook-saving.png"
    assert editor.grab().save(str(shot))
    # The dialog answers keys meanwhile: Down moves to the next category.
    qtbot.keyClick(editor.tree, Qt.Key.Key_Down)
    assert editor.current_key() != "territorial"
    assert category_names(project_path)["territorial"] == "Territorial"  # not yet
    settle(window)
    assert category_names(project_path)["territorial"] == "Land"
    assert editor.status.text() == ""
    assert ws.undo_stack.count() == steps + 1
    assert editor.item("territorial").text(0) == "Land"  # type: ignore[union-attr]


def test_a_refused_codebook_edit_says_what_was_not_saved(
    qtbot: QtBot,
    window: MainWindow,
    editor: CodebookEditor,
    project_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    slow_server(monkeypatch, 0)
    slowed(codebook, "update_category", 0.2, monkeypatch, EditError(LOCK_TIMEOUT))
    ws = window.workspace
    assert ws is not None
    steps = ws.undo_stack.count()
    editor.rename()
    settle(window)
    shown = editor.status.text()
    assert "Not saved: the name of “Territorial”. Another user holds this row" in shown
    shot = screenshots() / "15-codebook-not-saved.png"
    assert editor.grab().save(str(shot))
    assert category_names(project_path)["territorial"] == "Territorial"
    assert ws.undo_stack.count() == steps
    # Closed meanwhile: the failure is a message on the window instead.
    reported: list[tuple[str, str]] = []
    window.show_error = lambda title, text: reported.append((title, text))  # type: ignore[method-assign]
    editor.rename()
    editor.hide()
    settle(window)
    assert len(reported) == 1 and reported[0][1].startswith("Not saved: the name of")


# -- window-level dialog writes: blind mode, remove plan, merge, re-segment ----------------------


def test_blind_mode_saves_in_the_background_and_a_refusal_unticks_it(
    qtbot: QtBot, window: MainWindow, project_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow_server(monkeypatch, 0)
    slowed(review, "set_blind_mode", 0.5, monkeypatch)
    action = window.actions_["blind"]
    was = action.isChecked()
    assert timed(action.trigger) < AT_ONCE
    assert action.isChecked() is not was  # the choice shows at once
    assert window.statusBar().currentMessage().startswith("Saving blind mode")
    answers_keys(qtbot, window)
    settle(window)
    with fresh(project_path) as project:
        assert review.blind_mode(project) is not was

    reported: list[tuple[str, str]] = []
    window.show_error = lambda title, text: reported.append((title, text))  # type: ignore[method-assign]
    slowed(review, "set_blind_mode", 0.2, monkeypatch, EditError(LOCK_TIMEOUT))
    action.trigger()
    settle(window)
    assert action.isChecked() is not was  # back to what the database holds
    assert len(reported) == 1 and reported[0][1].startswith("Not saved: blind mode")
    with fresh(project_path) as project:
        assert review.blind_mode(project) is not was


def test_removing_a_plan_saves_in_the_background(
    qtbot: QtBot, window: MainWindow, project_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow_server(monkeypatch, 0)
    slowed(Project, "remove_plan", 0.5, monkeypatch)
    monkeypatch.setattr(saving, "SAY_AGAIN_MS", 50)  # a long wait keeps saying it is saving
    said: list[str] = []
    window.ops.said.connect(said.append)
    window.confirm = lambda *_args: True  # type: ignore[method-assign]
    ws = window.workspace
    assert ws is not None
    steps = ws.undo_stack.count()
    assert timed(lambda: file_actions.remove_current_plan(window)) < AT_ONCE
    assert window.statusBar().currentMessage().startswith("Saving the removal of “")
    answers_keys(qtbot, window)
    assert KEY1 in plan_keys(project_path)
    settle(window)
    assert KEY1 not in plan_keys(project_path)
    assert ws.undo_stack.count() == steps + 1
    assert sum(1 for text in said if text.startswith("Saving the removal")) >= 3
    assert said[-1] == ""  # then no longer "Saving…" once it has committed
    assert "Undo brings it back" in window.statusBar().currentMessage()


def exchange_file(tmp_path: Path, plan: Path) -> str:
    """Another coder's exchange file with one tag on the first plan."""
    other = tmp_path / "other.annotator.sqlite"
    with Project.open(other, seed_samples=False) as project:
        key = project.import_plan(str(plan)).document_key
        taras = project.add_coder("Taras").id
        project.toggle_tag(taras, project.clauses(key)[1].id, "economic")
        out = tmp_path / "taras.plan-annotations.json"
        exchange.write_exchange_file(project, out, taras)
    return str(out)


@pytest.mark.parametrize("fails", [False, True], ids=["saved", "refused"])
def test_applying_a_merge_saves_in_the_background(
    qtbot: QtBot,
    window: MainWindow,
    project_path: Path,
    plan_files: tuple[Path, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fails: bool,
) -> None:
    ws = window.workspace
    assert ws is not None
    preview = merge.preview_merge(ws.project, [exchange_file(tmp_path, plan_files[0])])
    reported: list[tuple[str, str]] = []
    window.show_error = lambda title, text: reported.append((title, text))  # type: ignore[method-assign]
    slow_server(monkeypatch, 0)
    slowed(merge, "apply_merge", 0.5, monkeypatch, EditError(LOCK_TIMEOUT) if fails else None)
    steps = ws.undo_stack.count()
    assert timed(lambda: file_actions.apply_previewed(window, preview, True)) < AT_ONCE
    assert window.statusBar().currentMessage() == "Saving the merge of taras.plan-annotations.json…"
    if not fails:
        assert window.grab().save(str(screenshots() / "15-merge-saving.png"))
    answers_keys(qtbot, window)
    settle(window)
    with fresh(project_path) as project:
        taras = [c.name for c in project.coders()].count("Taras")
    if fails:
        assert taras == 0 and ws.undo_stack.count() == steps
        assert reported == [
            (
                "Cannot merge",
                f"Not saved: the merge of taras.plan-annotations.json. {LOCK_TIMEOUT[:1].upper()}"
                f"{LOCK_TIMEOUT[1:]}",
            )
        ]
    else:
        assert taras == 1 and ws.undo_stack.count() == steps + 1 and reported == []


def test_re_segmenting_saves_in_the_background(
    qtbot: QtBot, window: MainWindow, project_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow_server(monkeypatch, 0)
    slowed(segmentation, "resegment", 0.5, monkeypatch)

    def accept(dialog: import_preview.ResegmentDialog) -> None:  # opened: answered at once
        dialog.paragraphs.setChecked(True)  # a different cut: paragraphs only
        dialog.accept()

    monkeypatch.setattr(import_preview.ResegmentDialog, "open", accept)
    ws = window.workspace
    assert ws is not None
    steps = ws.undo_stack.count()
    with fresh(project_path) as project:
        before = len(project.clauses(KEY1))
    assert timed(lambda: import_preview.resegment_current(window)) < AT_ONCE
    assert window.statusBar().currentMessage().startswith("Saving the re-segmentation of “")
    answers_keys(qtbot, window)
    settle(window)
    with fresh(project_path) as project:
        assert len(project.clauses(KEY1)) != before
    assert ws.undo_stack.count() == steps + 1
    assert window.statusBar().currentMessage().startswith("Re-segmented: ")
    assert window.clauses.rowCount() != before  # the plan is shown again as it now is


# -- settling a disagreement ---------------------------------------------------------------------


def test_settling_saves_in_the_background_and_the_view_answers(
    qtbot: QtBot, project_path: Path, plan_files: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    project = Project.open(project_path, seed_samples=False)
    key = project.import_plan(str(plan_files[0])).document_key
    ids = [c.id for c in project.clauses(key)]
    olena, taras = project.add_coder("Olena").id, project.add_coder("Taras").id
    for cid in ids[1:3]:
        project.toggle_tag(olena, cid, "economic")
        project.toggle_tag(taras, cid, "territorial")
    ws = Workspace(project, project.add_coder("Rev").id)
    view = ReviewView(ws, document_key=key)
    qtbot.addWidget(view)
    view.open_view()
    activate(view)
    slow_server(monkeypatch, 0)
    monkeypatch.setattr("annotator.gui.review_view.settle", _slow(review.settle, 0.5), raising=True)
    first = view.current()
    assert first is not None and view.list.count() == 2
    threads: list[str] = []
    original = Project.clause_coding

    def watched(self: Project, *args: Any) -> Any:
        threads.append(threading.current_thread().name)
        return original(self, *args)

    monkeypatch.setattr(Project, "clause_coding", watched)
    view.accept_coder(0)
    assert timed(view.settle_current) < AT_ONCE
    assert ws.ops.writes_pending()
    assert "Saving the consensus of clause" in view.status.text()
    shot = screenshots() / "15-settle-saving.png"
    assert view.grab().save(str(shot))
    qtbot.keyClick(view.list, Qt.Key.Key_Down)  # the view answers meanwhile
    assert view.list.currentRow() == 1
    threads.clear()  # moving reads the coders' coding of the clause shown; the commit must not
    deadline = time.monotonic() + 10
    while ws.ops.running():
        assert time.monotonic() < deadline
        qtbot.wait(10)
    assert threads and "MainThread" not in threads  # the consensus was read back by the write
    assert view.list.item(0).text().startswith("✓")  # marked settled from that read
    assert project.clause_coding(first.clause.id, CONSENSUS_ID).coded
    assert ws.undo_stack.count() == 1
    ws.ops.shutdown()
    project.close()


def _slow(call: Callable[..., object], seconds: float) -> Callable[..., object]:
    def slow(*args: object) -> object:
        time.sleep(seconds)
        return call(*args)

    return slow


# -- reads after a commit (item 2) ---------------------------------------------------------------


def test_reads_after_a_commit_happen_off_the_ui_thread(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow_server(monkeypatch, 0.05)
    window.navigator.set_reviewer_mode(True)
    settle(window)
    reads: list[tuple[str, str]] = []

    def watched(target: Any, name: str) -> None:
        original: Callable[..., Any] = getattr(target, name)

        def call(*args: Any, **kwargs: Any) -> Any:
            reads.append((name, threading.current_thread().name))
            return original(*args, **kwargs)

        monkeypatch.setattr(target, name, call)

    assert window.workspace is not None
    editor = CodebookEditor(window.workspace, window)  # reads the codebook in the background
    qtbot.addWidget(editor)
    settle(window)
    editor.ask_text = lambda *args: args[-1]("Land")  # type: ignore[assignment]
    editor.select("territorial")
    for name in ("clause_coding", "coding", "clauses", "document", "categories"):
        watched(Project, name)
    watched(review, "coding_by_coder")
    window.clause_view.setFocus()
    qtbot.keyClick(window.clause_view, Qt.Key.Key_1)  # a tag: the clause's coding is read back
    settle(window)
    qtbot.keyClick(window.clause_view, Qt.Key.Key_J, CTRL_SHIFT)  # a join: the plan is read back
    settle(window)
    editor.rename()  # a codebook edit: the codebook is read back
    settle(window)
    assert editor.item("territorial").text(0) == "Land"  # type: ignore[union-attr]
    assert window.workspace.category("territorial").name == "Land"  # type: ignore[union-attr]
    window.ops.changed.disconnect(editor._edited)
    wanted = {"clause_coding", "clauses", "coding_by_coder", "categories"}
    assert {name for name, _ in reads} >= wanted
    on_ui = [name for name, thread in reads if thread == "MainThread"]
    assert on_ui == []


def test_the_detail_pane_shows_saving_at_once_and_not_saved_after(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow_server(monkeypatch, 0.4)
    window.clause_view.setFocus()
    qtbot.keyClick(window.clause_view, Qt.Key.Key_1)
    detail = window.detail
    assert detail.status.isVisibleTo(detail) and detail.status.text() == "saving…"
    assert "Security guarantee" in detail.tags.text()  # the guess, before the commit
    shot = screenshots() / "15-detail-saving.png"
    assert window.grab().save(str(shot))
    settle(window)
    assert not detail.status.isVisibleTo(detail)
    assert "Security guarantee" in detail.tags.text()

    monkeypatch.undo()
    slow_server(monkeypatch, 0.2, EditError(LOCK_TIMEOUT))
    window.show_error = lambda *_args: None  # type: ignore[method-assign]
    qtbot.keyClick(window.clause_view, Qt.Key.Key_2)
    assert "Territorial" in detail.tags.text() and detail.status.text() == "saving…"
    settle(window)
    assert detail.status.text() == f"not saved: {LOCK_TIMEOUT}"
    assert "Territorial" not in detail.tags.text()
    shot = screenshots() / "15-detail-not-saved.png"
    assert window.grab().save(str(shot))


def test_reviewer_rows_show_saving_on_the_coders_own_line(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    window.navigator.set_reviewer_mode(True)
    settle(window)
    slow_server(monkeypatch, 0.4)
    window.clause_view.setFocus()
    row = window.clause_view.current_row()
    qtbot.keyClick(window.clause_view, Qt.Key.Key_1)
    index = window.clauses.index(row)
    assert index.data(Role.STATUS) == "saving…"
    own = index.data(Role.CODERS)[0]
    assert [c.key for c in own[1]] == ["security_guarantee"]  # the guess on the own line
    shot = screenshots() / "15-reviewer-saving.png"
    assert window.clause_view.grab().save(str(shot))
    settle(window)
    assert window.clauses.index(row).data(Role.STATUS) == ""


@pytest.mark.parametrize("fails", [False, True], ids=["saved", "refused"])
def test_plan_properties_stay_open_while_saving_and_close_once_saved(
    qtbot: QtBot,
    window: MainWindow,
    project_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fails: bool,
) -> None:
    from annotator.gui import document_dialog

    ws = window.workspace
    assert ws is not None
    slow_server(monkeypatch, 0)
    slowed(
        document_dialog,
        "set_document_properties",
        0.5,
        monkeypatch,
        EditError(LOCK_TIMEOUT) if fails else None,
    )
    dialog = document_dialog.DocumentDialog(ws, KEY1, window)
    qtbot.addWidget(dialog)
    dialog.open()
    dialog.title.setText("Framework, revised")
    assert timed(dialog.accept) < AT_ONCE
    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    assert dialog.isVisible() and not ok.isEnabled() and dialog.error.text() == "Saving…"
    assert dialog.grab().save(
        str(screenshots() / f"15-plan-properties-{'refused' if fails else 'saving'}.png")
    )
    qtbot.keyClick(dialog.title, Qt.Key.Key_End)  # the dialog answers meanwhile
    qtbot.keyClick(dialog.title, Qt.Key.Key_Exclam)
    assert dialog.title.text() == "Framework, revised!"
    settle(window)
    with fresh(project_path) as project:
        title = project.document(KEY1).title
    if fails:
        assert dialog.isVisible() and ok.isEnabled()
        assert dialog.grab().save(str(screenshots() / "15-plan-properties-not-saved.png"))
        assert dialog.error.text().startswith("Not saved: the properties of “Framework, revised”.")
        assert title != "Framework, revised"
    else:
        assert not dialog.isVisible()  # closed by the commit: no dialog outlives its write
        assert title == "Framework, revised"


def test_a_dialog_write_behind_a_queued_undo_is_not_sent_and_says_so(
    qtbot: QtBot,
    window: MainWindow,
    editor: CodebookEditor,
    project_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    slow_server(monkeypatch, 0.4)
    ws = window.workspace
    assert ws is not None
    clause = window.clauses.clause(0).id  # the editor is the active window: no key shortcuts
    ws.toggle_tag(clause, "economic")
    settle(window)
    ws.toggle_tag(clause, "territorial")  # saving
    ws.undo_stack.undo()  # queued behind it
    assert ws.replays == [True]
    editor.rename()  # would overtake the undo pressed before it
    assert editor.status.text().startswith("<span style='color:#b00020'>Not saved: the name of")
    settle(window)
    assert category_names(project_path)["territorial"] == "Territorial"


def test_after_a_merge_the_plan_list_and_the_plan_are_read_back_off_the_ui_thread(
    qtbot: QtBot,
    window: MainWindow,
    plan_files: tuple[Path, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ws = window.workspace
    assert ws is not None
    preview = merge.preview_merge(ws.project, [exchange_file(tmp_path, plan_files[0])])
    slow_server(monkeypatch, 0)
    reads: list[tuple[str, str]] = []
    for name in ("documents", "document", "clauses", "coding", "clause_coding", "categories"):
        original: Callable[..., Any] = getattr(Project, name)

        def call(*args: Any, __name: str = name, __original: Any = original, **kw: Any) -> Any:
            reads.append((__name, threading.current_thread().name))
            return __original(*args, **kw)

        monkeypatch.setattr(Project, name, call)
    file_actions.apply_previewed(window, preview, True)
    settle(window)
    assert {"documents", "clauses", "coding"} <= {name for name, _ in reads}
    assert [name for name, thread in reads if thread == "MainThread"] == []
    assert window.statusBar().currentMessage().startswith("Merge")
