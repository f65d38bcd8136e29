"""No modal dialog outlives its job, and no error hides behind one (issue 14.5).

Keys are sent to the windows' QWindow (``QTest.keyClick(window.windowHandle(), …)``): the path a
real key takes, through Qt's modality checks, not a direct sendEvent to a widget.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from annotator.gui import file_actions
from annotator.gui.main_window import MainWindow
from annotator.gui.merge_preview import MergePreviewDialog
from annotator.gui.ops import Cancelled, Operations, ProgressBox
from tests.gui.conftest import finish, settle, wait_for
from tests.gui.test_file_actions import all_tags, taras_file
from tests.gui.test_main_window import chips, make_window, row_of_label

pytestmark = pytest.mark.gui


@pytest.fixture
def window(qtbot: QtBot, project_path: Path, plan_files: tuple[Path, Path]) -> MainWindow:
    w = make_window(qtbot)
    assert w.open_project(project_path, [str(plan_files[0])])
    settle(w)
    return w


def press(widget: QWidget, key: Qt.Key) -> None:
    """A key as the window system delivers it to ``widget``'s window (modality applies)."""
    handle = widget.window().windowHandle()
    assert handle is not None
    QTest.keyClick(handle, key)
    QApplication.processEvents()


def idle(seconds: float) -> None:
    """Let the event loop run (timers fire, nothing is pressed) for ``seconds``."""
    until = time.monotonic() + seconds
    wait_for(lambda: time.monotonic() >= until, seconds + 5)


def progress_boxes() -> list[QWidget]:
    return [
        w for w in QApplication.topLevelWidgets() if isinstance(w, ProgressBox) and w.isVisible()
    ]


def answers(window: MainWindow) -> None:
    """No modal dialog is left, and a key reaches the main window: 1 tags clause 1."""
    assert QApplication.activeModalWidget() is None
    assert progress_boxes() == []
    window.activateWindow()
    wait_for(lambda: QApplication.activeWindow() is window)
    window.clause_view.go_to_row(row_of_label(window, "1"))
    window.clause_view.setFocus()
    press(window, Qt.Key.Key_1)
    assert chips(window, "1") == ["Security guarantee"]


def test_merge_preview_left_open_10_s_then_cancelled_with_the_keyboard(
    window: MainWindow, tmp_path: Path, project_path: Path, plan_files: tuple[Path, Path]
) -> None:
    source = taras_file(tmp_path, plan_files[0])
    job = finish(file_actions.merge_files(window, [str(source)]))
    assert job.state == "done"
    preview = QApplication.activeModalWidget()
    assert isinstance(preview, MergePreviewDialog)
    idle(10)
    # Ten seconds on, the preview is still the one modal dialog: no progress box came back.
    assert QApplication.activeModalWidget() is preview
    assert progress_boxes() == []
    press(window, Qt.Key.Key_1)  # blocked by the preview: nothing is tagged behind it
    assert chips(window, "1") == []
    press(preview, Qt.Key.Key_Escape)
    wait_for(lambda: QApplication.activeModalWidget() is None)
    assert "not applied" in window.statusBar().currentMessage()
    assert "Taras" not in all_tags(project_path)
    answers(window)


def test_missing_file_message_is_dismissed_with_enter(
    qtbot: QtBot, project_path: Path, tmp_path: Path, plan_files: tuple[Path, Path]
) -> None:
    window = make_window(qtbot)
    # As `annotator plan.txt missing.txt` does: open the project with files to import.
    assert window.open_project(project_path, [str(plan_files[0]), str(tmp_path / "missing.txt")])
    settle(window)
    box = QApplication.activeModalWidget()
    assert box is not None and box.objectName() == "errorMessage"
    assert "missing.txt" in box.findChild(QWidget, "qt_msgbox_label").text()  # type: ignore[union-attr]
    assert progress_boxes() == []  # the import's progress box went with its job
    press(box, Qt.Key.Key_Return)
    wait_for(lambda: QApplication.activeModalWidget() is None)
    answers(window)


def test_an_error_shows_on_top_of_an_open_modal_dialog(
    window: MainWindow, tmp_path: Path, plan_files: tuple[Path, Path]
) -> None:
    source = taras_file(tmp_path, plan_files[0])
    finish(file_actions.merge_files(window, [str(source)]))
    preview = QApplication.activeModalWidget()
    assert isinstance(preview, MergePreviewDialog)
    window.ops.fail("Cannot merge", "bad.json: not a plan-annotations file")
    box = QApplication.activeModalWidget()
    assert box is not None and box is not preview and box.parentWidget() is preview
    press(box, Qt.Key.Key_Return)
    wait_for(lambda: QApplication.activeModalWidget() is preview)
    press(preview, Qt.Key.Key_Escape)
    wait_for(lambda: QApplication.activeModalWidget() is None)
    answers(window)


# -- the runner's own progress box ---------------------------------------------------------------


def slow(seconds: float):  # type: ignore[no-untyped-def]
    def job(progress):  # type: ignore[no-untyped-def]
        steps = int(seconds / 0.02)
        for i in range(steps):
            progress(i, steps)
            time.sleep(0.02)
        return "finished"

    return job


def test_progress_box_cancelled_with_escape_leaves_nothing_modal(window: MainWindow) -> None:
    cancelled: list[bool] = []
    job = window.ops.run(
        slow(20), label="A long job…", delay_ms=0, on_cancelled=lambda: cancelled.append(True)
    )
    wait_for(lambda: bool(progress_boxes()))
    box = progress_boxes()[0]
    assert QApplication.activeModalWidget() is box
    press(box, Qt.Key.Key_Escape)
    assert progress_boxes() == []  # gone at once, before the job notices
    finish(job)
    assert job.state == "cancelled" and cancelled == [True]
    answers(window)


def test_progress_box_never_shows_after_its_job_ended(window: MainWindow) -> None:
    """The old helper's box reappeared inside the next modal loop: here it never exists late."""
    job = window.ops.run(slow(0.05), label="Quick…", delay_ms=200)
    finish(job)
    assert job.state == "done" and job.value == "finished"
    idle(0.6)  # well past the delay
    assert progress_boxes() == [] and QApplication.activeModalWidget() is None


def test_edits_wait_while_a_blocking_job_runs(window: MainWindow) -> None:
    job = window.ops.run(slow(1), label="Importing…", delay_ms=10_000)
    window.clause_view.go_to_row(row_of_label(window, "1"))
    window.commands.apply_shortcut("1")
    assert chips(window, "1") == []
    assert "Importing" in window.statusBar().currentMessage()
    finish(job)
    window.commands.apply_shortcut("1")
    assert chips(window, "1") == ["Security guarantee"]


def test_errors_become_one_message_each() -> None:
    shown: list[tuple[str, str]] = []
    ops = Operations(report=lambda title, text: shown.append((title, text)))

    def missing(_progress):  # type: ignore[no-untyped-def]
        Path("/nonexistent/plan.txt").read_text(encoding="utf-8")

    def bug(_progress):  # type: ignore[no-untyped-def]
        raise KeyError("oops")

    finish(ops.run(missing, title="Cannot import"))
    finish(ops.run(bug, title="Cannot merge"))
    assert shown[0] == ("Cannot import", "/nonexistent/plan.txt: No such file or directory")
    assert shown[1][0] == "Cannot merge" and shown[1][1].startswith("unexpected KeyError")
    inline: list[str] = []
    job = finish(ops.run(missing, on_failed=inline.append))
    assert job.state == "failed" and len(inline) == 1 and len(shown) == 2
    cancelled = finish(ops.run(lambda _p: (_ for _ in ()).throw(Cancelled())))
    assert cancelled.state == "cancelled" and len(shown) == 2


def test_a_closed_windows_callbacks_are_skipped_and_its_error_still_shown() -> None:
    shown: list[str] = []
    ops = Operations(report=lambda _title, text: shown.append(text))
    owner = QWidget()
    done: list[object] = []
    job = ops.run(slow(0.3), owner=owner, on_done=lambda r: owner.setWindowTitle(str(r)))
    failing = ops.run(
        lambda _p: Path("/nonexistent/x.csv").read_text(), owner=owner, on_failed=done.append
    )
    owner.deleteLater()  # closed (and deleted) while both jobs run
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    finish(job)
    finish(failing)
    assert job.state == "done" and done == []  # no call into the deleted window
    assert shown == ["/nonexistent/x.csv: No such file or directory"]  # not lost either


def test_a_job_that_cannot_stop_still_counts_as_cancelled() -> None:
    """Reading a .qdpx reports no progress: Cancel cannot stop it, but no preview may follow."""
    ops = Operations(report=lambda *_: None)
    done: list[object] = []
    cancelled: list[bool] = []

    def deaf(_progress):  # type: ignore[no-untyped-def]
        time.sleep(0.3)
        return "read"

    job = ops.run(
        deaf, label="Reading…", on_done=done.append, on_cancelled=lambda: cancelled.append(True)
    )
    job.cancel()
    finish(job)
    assert job.state == "cancelled" and done == [] and cancelled == [True]
    assert job.value == "read"  # there for on_cancelled to clean up (e.g. close a connection)
