"""Long jobs off the UI thread, behind a progress dialog with a Cancel button.

The job receives a progress callback ``(done, total)``; once the user cancels, the next call to it
raises :class:`Cancelled` inside the worker, so a job stops at its next progress report and the
caller gets ``None``. Errors raised by the job come back to the UI thread and are raised there.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QEventLoop, QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

T = TypeVar("T")
Progress = Callable[[int, int], None]


class Cancelled(Exception):
    """Raised inside a job by its progress callback once the user pressed Cancel."""


class _Signals(QObject):
    progress = Signal(int, int)
    finished = Signal(object, object)  # result, exception


class _Job(QRunnable):
    def __init__(self, job: Callable[[Progress], Any], cancel: threading.Event):
        super().__init__()
        self.job = job
        self.cancel = cancel
        self.signals = _Signals()
        self.setAutoDelete(False)  # the caller keeps it until its signal has been handled

    def report(self, done: int, total: int) -> None:
        if self.cancel.is_set():
            raise Cancelled()
        self.signals.progress.emit(done, total)

    def run(self) -> None:
        try:
            result = self.job(self.report)
        except BaseException as exc:  # handed to the UI thread, raised there
            self.signals.finished.emit(None, exc)
            return
        self.signals.finished.emit(result, None)


def run_with_progress(
    parent: QWidget | None,
    label: str,
    job: Callable[[Progress], T],
    *,
    delay_ms: int = 300,
) -> T | None:
    """Run ``job(progress)`` in a worker thread; returns its result, or None if cancelled.

    The dialog appears only if the job takes longer than ``delay_ms``; the UI keeps painting.
    """
    cancel = threading.Event()
    runnable = _Job(job, cancel)
    dialog = QProgressDialog(label, "Cancel", 0, 0, parent)
    dialog.setObjectName("jobProgress")
    dialog.setWindowTitle("Plan Annotator")
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(delay_ms)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    outcome: dict[str, Any] = {}
    loop = QEventLoop()

    def finished(result: object, exc: object) -> None:
        outcome["result"], outcome["exc"] = result, exc
        loop.quit()

    def progress(done: int, total: int) -> None:
        if total > 0 and dialog.maximum() != total:
            dialog.setMaximum(total)
        dialog.setValue(min(done, total) if total > 0 else 0)

    runnable.signals.finished.connect(finished, Qt.ConnectionType.QueuedConnection)
    runnable.signals.progress.connect(progress, Qt.ConnectionType.QueuedConnection)
    dialog.canceled.connect(cancel.set)
    QTimer.singleShot(delay_ms, lambda: None if outcome else dialog.setValue(0))
    QThreadPool.globalInstance().start(runnable)
    if not outcome:
        loop.exec()
    was_shown = dialog.isVisible()
    cancelled = cancel.is_set()
    dialog.canceled.disconnect()  # closing a QProgressDialog emits canceled: not the user's
    dialog.close()
    dialog.deleteLater()
    if was_shown and parent is not None:
        parent.activateWindow()  # the modal dialog took the focus; give it back
    exc = outcome.get("exc")
    if isinstance(exc, Cancelled):
        return None
    if isinstance(exc, BaseException):
        raise exc
    if cancelled:
        return None
    return outcome.get("result")  # type: ignore[no-any-return]
