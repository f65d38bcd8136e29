"""The import preview, the notes bar of a plan, and Code ▸ Re-segment plan, driven by keys."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from annotator.gui import file_actions
from annotator.gui.import_preview import CutPreview, ImportPreviewDialog, ResegmentDialog
from annotator.gui.main_window import MainWindow
from annotator.gui.ops import ProgressBox
from annotator.services.segmentation import segment_mode
from tests.gui.conftest import activate, settle, wait_for
from tests.gui.test_main_window import KEY1, make_window

pytestmark = [pytest.mark.gui, pytest.mark.import_preview]

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "segment_corpus"
GAP = CORPUS / "gap-28-draft.txt"


@pytest.fixture
def window(qtbot: QtBot, project_path: Path, plan_files: tuple[Path, Path]) -> MainWindow:
    w = make_window(qtbot)
    # A plan given at start-up gets the import preview too: accept it.
    seen: list[QDialog] = []
    when_modal(qtbot, lambda d: qtbot.keyClick(d, Qt.Key.Key_Return), seen)
    assert w.open_project(project_path, [str(plan_files[0])])
    wait_for(lambda: bool(seen) and not seen[0].isVisible())
    settle(w)
    w.open_document(KEY1)
    return w


def when_modal(qtbot: QtBot, act: Callable[[QDialog], None], seen: list[QDialog]) -> None:
    """Once a modal dialog is up, record it and act on it (as a user at the keyboard would)."""

    def check() -> None:
        modal = QApplication.activeModalWidget()
        # Not the progress box of the reading that comes before the preview.
        if (
            not isinstance(modal, QDialog)
            or not modal.isVisible()
            or isinstance(modal, ProgressBox)
        ):
            QTimer.singleShot(20, check)
            return
        seen.append(modal)
        modal.activateWindow()  # mnemonics (Alt+P) need the dialog to be the active window
        QApplication.processEvents()
        try:
            act(modal)
        finally:
            if modal.isVisible():  # a failed check must not leave the test waiting forever
                modal.reject()

    QTimer.singleShot(0, check)


def import_previewed(window: MainWindow, files: list[str], seen: list[QDialog]) -> list[str]:
    """Import through the (window-modal, non-blocking) preview; the keys of the plans added."""
    project = window.workspace.project  # type: ignore[union-attr]
    before = {d.key for d in project.documents()}
    count = len(seen)
    # open(), not exec(): the call returns at once and the preview is answered in the app's loop.
    assert file_actions.import_plans(window, files, preview=True) is None
    wait_for(lambda: len(seen) > count and not seen[-1].isVisible())
    settle(window)
    return [d.key for d in project.documents() if d.key not in before]


def toggle_paragraphs(qtbot: QtBot, dialog: QDialog) -> None:
    """Space on the "&Paragraphs only" box (Alt+P for a user; offscreen Qt has no mnemonics)."""
    box = dialog.paragraphs  # type: ignore[attr-defined]
    assert box.text().startswith("&Paragraphs only")
    wait_for(box.isEnabled)  # the re-segment dialog: once the plan's current mode is read
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Space)
    cut_shown(dialog)


def cut_shown(dialog: QDialog) -> None:
    """Wait until the cut asked for last is shown (it is cut as a job; OK waits for it)."""
    wait_for(dialog.ok.isEnabled)  # type: ignore[attr-defined]


def preview_of(dialog: QDialog) -> CutPreview:
    preview = dialog.findChild(CutPreview)
    assert preview is not None
    return preview


def test_import_shows_clauses_labels_and_notes_then_enter_imports(
    qtbot: QtBot, window: MainWindow
) -> None:
    seen: list[QDialog] = []
    shown: dict[str, object] = {}

    def look_then_enter(dialog: QDialog) -> None:
        preview = preview_of(dialog)
        shown["labels"] = preview.labels()
        shown["notes"] = preview.notes.text()
        shown["counts"] = preview.counts.text()
        qtbot.keyClick(dialog, Qt.Key.Key_Return)

    when_modal(qtbot, look_then_enter, seen)
    keys = import_previewed(window, [str(GAP)], seen)
    assert isinstance(seen[0], ImportPreviewDialog)
    labels = shown["labels"]
    assert isinstance(labels, list) and "17" in labels and "21.c" in labels and "13" not in labels
    assert "points 13, 15, 16 are not in the text" in str(shown["notes"])
    assert str(shown["counts"]).startswith("32 clauses: 19 points, 12 sub-points")
    assert len(keys) == 1 and window.clauses.document_key == keys[0]
    assert window.statusBar().currentMessage() == (
        "gap-28-draft: imported (32 clauses); 2 notes on the source above the clauses."
    )
    bar = window.segment_notes
    assert bar.isVisible()
    assert bar.messages[0] == "points 13, 15, 16 are not in the text"
    assert "14)" in bar.label.text()


def test_paragraphs_only_chosen_by_key_and_escape_cancels(qtbot: QtBot, window: MainWindow) -> None:
    seen: list[QDialog] = []
    when_modal(qtbot, lambda d: qtbot.keyClick(d, Qt.Key.Key_Escape), seen)
    assert import_previewed(window, [str(GAP)], seen) == []  # Escape: no job
    assert window.documents.rowCount() == 1  # nothing written

    def paragraphs_then_enter(dialog: QDialog) -> None:
        toggle_paragraphs(qtbot, dialog)
        assert preview_of(dialog).labels()[:2] == ["¶1", "¶2"]
        qtbot.keyClick(dialog, Qt.Key.Key_Return)

    when_modal(qtbot, paragraphs_then_enter, seen)
    (key,) = import_previewed(window, [str(GAP)], seen)
    project = window.workspace.project  # type: ignore[union-attr]
    assert segment_mode(project, key) == "paragraphs"
    assert {c.kind for c in project.clauses(key)} == {"paragraph"}
    assert window.segment_notes.isVisible()


def test_preview_of_several_files_and_an_unreadable_one(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"PK\x03\x04 not a zip")
    seen: list[QDialog] = []
    texts: list[str] = []

    def step_through(dialog: QDialog) -> None:
        assert isinstance(dialog, ImportPreviewDialog)
        texts.append(dialog.preview.notes.text())
        dialog.files.setCurrentIndex(1)
        texts.append(dialog.preview.notes.text() + dialog.preview.counts.text())
        qtbot.keyClick(dialog, Qt.Key.Key_Return)

    when_modal(qtbot, step_through, seen)
    errors: list[str] = []
    window.show_error = lambda _title, message: errors.append(message)  # type: ignore[method-assign]
    keys = import_previewed(window, [str(CORPUS / "annex-restart.txt"), str(broken)], seen)
    assert "starts again at 1" in texts[0]
    assert "not a readable .docx" in texts[1] and "skipped" in texts[1]
    assert len(keys) == 1 and len(errors) == 1 and "broken.docx" in errors[0]


def test_resegment_from_the_menu_is_undoable(qtbot: QtBot, window: MainWindow) -> None:
    ws = window.workspace
    assert ws is not None
    first = next(c for c in ws.project.clauses(KEY1) if c.label == "1")
    ws.toggle_tag(first.id, "economic")
    before = [(c.label, c.start, c.end) for c in ws.project.clauses(KEY1)]
    seen: list[QDialog] = []

    def paragraphs_then_enter(dialog: QDialog) -> None:
        assert isinstance(dialog, ResegmentDialog)
        toggle_paragraphs(qtbot, dialog)
        qtbot.keyClick(dialog, Qt.Key.Key_Return)

    when_modal(qtbot, paragraphs_then_enter, seen)
    window.actions_["resegment"].trigger()
    wait_for(lambda: bool(seen) and not seen[0].isVisible())
    settle(window)
    after = ws.project.clauses(KEY1)
    assert [c.label for c in after] == ["¶1", "¶2"]
    assert ws.project.clause_coding(after[1].id, ws.coder_id).tags == {"economic"}
    assert "Re-segmented" in window.statusBar().currentMessage()
    assert window.clauses.rowCount() == 2
    assert window.segment_notes.isVisible()
    activate(window)  # back from the dialog: Ctrl+Z is a window shortcut
    qtbot.keyClick(window.clause_view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert [(c.label, c.start, c.end) for c in ws.project.clauses(KEY1)] == before
    assert ws.project.clause_coding(first.id, ws.coder_id).tags == {"economic"}
    assert window.clauses.rowCount() == len(before)
    assert not window.segment_notes.isVisible()


def test_dialog_screens_are_readable(qtbot: QtBot, tmp_path: Path) -> None:
    from annotator.gui.import_preview import read_choices

    dialog = ImportPreviewDialog(read_choices([str(GAP)]))
    qtbot.addWidget(dialog)
    dialog.show()
    preview = dialog.preview
    assert preview.table.rowCount() == 32
    assert preview.table.columnWidth(2) > 300  # the text column gets the room
    dialog.grab().save(str(tmp_path / "import-preview.png"))


def _drop(window: MainWindow, *paths: Path) -> None:
    """Files dropped on the window from a file manager: a synthetic drop event."""
    from PySide6.QtCore import QMimeData, QPointF, QUrl
    from PySide6.QtGui import QDropEvent

    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    event = QDropEvent(
        QPointF(40, 40),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dropEvent(event)
    assert event.isAccepted()


def test_a_dropped_plan_gets_the_import_preview(qtbot: QtBot, window: MainWindow) -> None:
    from tests.gui.conftest import wait_for

    project = window.workspace.project  # type: ignore[union-attr]
    before = len(project.documents())
    seen: list[QDialog] = []
    labels: list[str] = []
    when_modal(qtbot, lambda d: qtbot.keyClick(d, Qt.Key.Key_Escape), seen)
    _drop(window, GAP)
    wait_for(lambda: bool(seen) and not seen[0].isVisible())
    settle(window)
    assert isinstance(seen[0], ImportPreviewDialog)
    assert len(project.documents()) == before  # Escape: nothing imported

    def look_then_enter(dialog: QDialog) -> None:
        labels.extend(preview_of(dialog).labels())
        qtbot.keyClick(dialog, Qt.Key.Key_Return)

    when_modal(qtbot, look_then_enter, seen)
    _drop(window, GAP)
    wait_for(lambda: len(project.documents()) == before + 1)
    settle(window)
    assert isinstance(seen[1], ImportPreviewDialog) and "21.c" in labels
    assert window.windowTitle().startswith("gap-28-draft")


def test_a_plan_given_at_start_up_gets_the_import_preview(
    qtbot: QtBot, project_path: Path, plan_files: tuple[Path, Path]
) -> None:
    w = make_window(qtbot)
    seen: list[QDialog] = []
    when_modal(qtbot, lambda d: qtbot.keyClick(d, Qt.Key.Key_Escape), seen)
    assert w.open_project(project_path, [str(plan_files[1])])
    wait_for(lambda: bool(seen) and not seen[0].isVisible())
    settle(w)
    assert isinstance(seen[0], ImportPreviewDialog)
    assert w.documents.rowCount() == 0


def test_a_dropped_exchange_file_gets_the_merge_preview(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, plan_files: tuple[Path, Path]
) -> None:
    from annotator.gui.merge_preview import MergePreviewDialog
    from tests.gui.conftest import wait_for
    from tests.gui.test_file_actions import all_tags, taras_file

    source = taras_file(tmp_path, plan_files[0])
    project_path = window.workspace.project.path  # type: ignore[union-attr]
    _drop(window, source)
    wait_for(lambda: isinstance(QApplication.activeModalWidget(), MergePreviewDialog))
    dialog = QApplication.activeModalWidget()
    assert "Taras" not in all_tags(project_path)  # nothing merged before the answer
    dialog.reject()  # type: ignore[union-attr]
    settle(window)
    assert "Taras" not in all_tags(project_path)
