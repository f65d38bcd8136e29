"""Issue 15 follow-up: the re-segment dialog and "Paragraphs only" cut off the UI thread.

The segmenter (and, on a team server, the read of the plan before it) is slowed here. Opening
Code ▸ Re-segment plan and ticking "Paragraphs only" must return at once with "Cutting…" in the
dialog, which keeps answering keys; the cut asked for last is the one shown (an older, slower cut
arriving later does not replace it), OK waits for it; a failure is one line in the dialog, no
traceback. tests/server/test_cutting_server.py reads the plan past a real PostgreSQL lock.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox
from pytestqt.qtbot import QtBot

from annotator.core.errors import ProjectError
from annotator.core.segment import Segmentation, segment_plan
from annotator.gui import import_preview
from annotator.gui.import_preview import ImportPreviewDialog, ResegmentDialog, read_choices
from annotator.gui.main_window import MainWindow
from annotator.gui.modal import open_modal
from annotator.services.project import Project
from tests.gui.conftest import settle, wait_for
from tests.gui.test_saving import screenshots, slowed
from tests.gui.test_saving import window as window  # the fixture

pytestmark = pytest.mark.gui

GAP = Path(__file__).resolve().parents[1] / "fixtures" / "segment_corpus" / "gap-28-draft.txt"
AT_ONCE = 0.25  # each cut or read is slowed by 0.5 s or more
WHY = "the team server did not answer within 15 s (statement timeout)"


def slow_cuts(monkeypatch: pytest.MonkeyPatch, seconds: dict[str, float]) -> list[str]:
    """The segmenter takes ``seconds[mode]``; returns the modes cut, in the order they began."""
    began: list[str] = []

    def cut(text: str, mode: str = "auto") -> Segmentation:
        began.append(mode)
        time.sleep(seconds.get(mode, 0))
        return segment_plan(text, mode)

    monkeypatch.setattr(import_preview, "segment_plan", cut)
    return began


def open_resegment(window: MainWindow) -> ResegmentDialog:
    started = time.monotonic()
    window.actions_["resegment"].trigger()
    assert time.monotonic() - started < AT_ONCE  # returned at once: nothing waited
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, ResegmentDialog)
    return dialog


def waiting(dialog: ImportPreviewDialog | ResegmentDialog) -> bool:
    return dialog.preview.counts.text() == "Cutting…" and not dialog.ok.isEnabled()


def tick(qtbot: QtBot, dialog: ImportPreviewDialog | ResegmentDialog) -> float:
    """Space on "Paragraphs only", as a user does; how long the key took."""
    dialog.paragraphs.setFocus()
    started = time.monotonic()
    qtbot.keyClick(dialog.paragraphs, Qt.Key.Key_Space)
    return time.monotonic() - started


def test_re_segmenting_cuts_in_the_background_and_the_latest_tick_wins(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    began = slow_cuts(monkeypatch, {"auto": 1.5, "paragraphs": 0.5})
    dialog = open_resegment(window)
    assert waiting(dialog)
    wait_for(lambda: began == ["auto"])
    # The dialog answers keys while the numbered cut runs: Space ticks "Paragraphs only".
    assert tick(qtbot, dialog) < AT_ONCE
    assert dialog.paragraphs.isChecked() and waiting(dialog)
    dialog.grab().save(str(screenshots() / "resegment-cutting.png"))
    wait_for(dialog.ok.isEnabled)
    assert dialog.preview.labels() == ["¶1", "¶2"]  # the tick's cut
    wait_for(lambda: "auto" in dialog.cuts)  # the slower, older cut arrives: not shown
    QApplication.processEvents()
    assert dialog.preview.labels() == ["¶1", "¶2"]
    # Unticking shows the numbered cut at once: it was kept.
    assert tick(qtbot, dialog) < AT_ONCE
    assert dialog.preview.labels()[:2] == ["H1", "1"] and dialog.ok.isEnabled()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert QApplication.activeModalWidget() is None


def test_on_a_server_the_plan_is_read_off_the_ui_thread_before_the_cut(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Project, "on_server", property(lambda self: True))
    slowed(Project, "document", 0.5, monkeypatch)
    ws, key = window.workspace, window.clauses.document_key
    assert ws is not None and key
    before = [c.label for c in ws.project.clauses(key)]
    dialog = open_resegment(window)
    assert waiting(dialog) and not dialog.paragraphs.isEnabled()
    cancel = dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel)
    cancel.setFocus()
    qtbot.keyClick(cancel, Qt.Key.Key_Tab)  # answered while the read waits: the focus moves
    assert dialog.focusWidget() is not cancel and window.ops.running()
    wait_for(dialog.ok.isEnabled)
    assert dialog.paragraphs.isEnabled() and not dialog.paragraphs.isChecked()
    assert dialog.preview.labels() == before  # the plan as it is cut now
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    settle(window)
    assert QApplication.activeModalWidget() is None


@pytest.mark.parametrize("fails", ["read", "cut"])
def test_a_failed_read_or_cut_is_one_line_in_the_dialog(
    qtbot: QtBot,
    window: MainWindow,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    fails: str,
) -> None:
    monkeypatch.setattr(Project, "on_server", property(lambda self: True))
    shown: list[tuple[str, str]] = []
    window.ops.report = lambda t, m: shown.append((t, m))
    if fails == "read":
        slowed(Project, "document", 0.5, monkeypatch, ProjectError(WHY))
    else:
        slowed(import_preview, "segment_plan", 0.5, monkeypatch, ProjectError(WHY))
    dialog = open_resegment(window)
    assert waiting(dialog)
    what = "read the plan" if fails == "read" else "cut the text"
    wait_for(lambda: dialog.preview.counts.text() == f"Cannot {what}: {WHY}")
    assert not dialog.ok.isEnabled() and dialog.preview.table.rowCount() == 0
    assert shown == [] and "Traceback" not in capsys.readouterr().err
    if fails == "read":
        dialog.grab().save(str(screenshots() / "resegment-failed.png"))
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert QApplication.activeModalWidget() is None


def test_paragraphs_only_in_the_import_preview_cuts_in_the_background(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    choices = read_choices([str(GAP)])  # read and cut (numbered) as the reading job does
    began = slow_cuts(monkeypatch, {"paragraphs": 0.8})
    dialog = ImportPreviewDialog(choices, window, window.ops)
    open_modal(dialog)
    assert dialog.preview.table.rowCount() == 32 and dialog.ok.isEnabled()  # cut already
    assert tick(qtbot, dialog) < AT_ONCE
    assert waiting(dialog) and choices[0].mode == "paragraphs"
    QApplication.processEvents()  # the layout settles, as in the application's loop
    dialog.grab().save(str(screenshots() / "import-preview-cutting.png"))
    # Unticked while the paragraphs are cut: the numbered cut is back at once, and stays.
    assert tick(qtbot, dialog) < AT_ONCE
    assert dialog.preview.table.rowCount() == 32 and dialog.ok.isEnabled()
    wait_for(lambda: "paragraphs" in choices[0].cuts)
    QApplication.processEvents()
    assert dialog.preview.table.rowCount() == 32
    assert began == ["paragraphs"]
    # Ticked again: that cut was kept, so it shows at once, not cut twice.
    assert tick(qtbot, dialog) < AT_ONCE
    assert dialog.preview.labels()[:2] == ["¶1", "¶2"] and began == ["paragraphs"]
    dialog.reject()
    settle(window)
