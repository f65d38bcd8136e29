"""File ▸ Import plan… reads and cuts the files as a job, then opens the preview (issue 16).

The reader is slowed by a test double that waits for the test to let it go: meanwhile the window
must keep answering (its timers run, the progress box comes up with Cancel) and nothing is read
on the UI thread.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

import annotator.core.readers as readers
from annotator.gui import file_actions
from annotator.gui.import_preview import ImportPreviewDialog
from annotator.gui.main_window import MainWindow
from annotator.gui.ops import ProgressBox
from tests.gui.conftest import settle, wait_for
from tests.gui.test_main_window import make_window

pytestmark = [pytest.mark.gui, pytest.mark.import_preview]

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "segment_corpus"
GAP = CORPUS / "gap-28-draft.txt"


@pytest.fixture
def window(qtbot: QtBot, project_path: Path) -> MainWindow:
    w = make_window(qtbot)
    assert w.open_project(project_path, [])
    settle(w)
    return w


@pytest.fixture
def slow_reader(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[threading.Event, list[str]]]:
    """read_plan waits until the event is set; the list records the threads it ran on."""
    release = threading.Event()
    threads: list[str] = []
    real = readers.read_plan

    def slow(path):  # type: ignore[no-untyped-def]
        threads.append(threading.current_thread().name)
        assert release.wait(30)
        return real(path)

    monkeypatch.setattr(readers, "read_plan", slow)
    yield release, threads
    release.set()  # never leave a pool thread waiting


@pytest.fixture
def ticks(qapp: QApplication) -> Iterator[list[int]]:
    """A UI-thread timer's ticks: they only grow while the window's event loop runs."""
    counted: list[int] = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: counted.append(1))
    timer.start()
    yield counted
    timer.stop()


def test_the_window_answers_while_the_files_are_read_then_the_preview_opens(
    qtbot: QtBot,
    window: MainWindow,
    slow_reader: tuple[threading.Event, list[str]],
    ticks: list[int],
) -> None:
    release, threads = slow_reader
    started = time.monotonic()
    assert file_actions.import_plans(window, [str(GAP)], True) is None
    assert time.monotonic() - started < 2  # returned while the reader still waits
    wait_for(lambda: len(ticks) > 5)  # the event loop runs meanwhile
    wait_for(lambda: isinstance(QApplication.activeModalWidget(), ProgressBox))
    box = QApplication.activeModalWidget()
    assert isinstance(box, ProgressBox) and box.label.text() == "Reading gap-28-draft.txt…"
    assert box.windowModality() == Qt.WindowModality.WindowModal
    assert threads and threads[0] != threading.current_thread().name  # not on the UI thread
    release.set()
    wait_for(lambda: isinstance(QApplication.activeModalWidget(), ImportPreviewDialog))
    preview = QApplication.activeModalWidget()
    assert isinstance(preview, ImportPreviewDialog)
    assert preview.current.cuts.keys() == {"auto"}  # cut by the job, not again here
    assert "17" in preview.preview.labels()
    qtbot.keyClick(preview, Qt.Key.Key_Return)
    settle(window)
    wait_for(lambda: window.documents.rowCount() == 1)
    assert QApplication.activeModalWidget() is None


def test_cancel_while_reading_opens_no_preview_and_imports_nothing(
    qtbot: QtBot, window: MainWindow, slow_reader: tuple[threading.Event, list[str]]
) -> None:
    release, _threads = slow_reader
    assert file_actions.import_plans(window, [str(GAP), str(GAP)], True) is None
    wait_for(lambda: isinstance(QApplication.activeModalWidget(), ProgressBox))
    box = QApplication.activeModalWidget()
    assert isinstance(box, ProgressBox) and box.label.text() == "Reading 2 plans…"
    qtbot.keyClick(box, Qt.Key.Key_Escape)
    release.set()
    settle(window)
    assert QApplication.activeModalWidget() is None  # no preview after a cancel
    assert window.workspace is not None and window.workspace.project.documents() == []


def test_a_reader_failing_unexpectedly_names_its_file_and_the_rest_import(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    odd = tmp_path / "odd-plan.txt"
    odd.write_text("1. A point.\n", encoding="utf-8")
    real = readers.read_plan

    def fails_on_odd(path):  # type: ignore[no-untyped-def]
        if Path(path).name == odd.name:
            raise ValueError("a reader's bug")
        return real(path)

    monkeypatch.setattr(readers, "read_plan", fails_on_odd)
    errors: list[str] = []
    window.show_error = lambda _title, message: errors.append(message)  # type: ignore[method-assign]
    assert file_actions.import_plans(window, [str(odd), str(GAP)], True) is None
    wait_for(lambda: isinstance(QApplication.activeModalWidget(), ImportPreviewDialog))
    preview = QApplication.activeModalWidget()
    assert isinstance(preview, ImportPreviewDialog)
    assert str(odd) in preview.current.error and "Traceback" not in preview.current.error
    assert "odd-plan.txt" in preview.heading.text()
    assert "skipped" in preview.preview.counts.text()
    qtbot.keyClick(preview, Qt.Key.Key_Return)
    settle(window)
    wait_for(lambda: window.documents.rowCount() == 1)
    assert len(errors) == 1 and "odd-plan.txt" in errors[0]
