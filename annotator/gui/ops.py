"""The operation runner: every GUI action that calls a service goes through one object.

:class:`Operations` (one per main window) does three things, the same way for every caller:

- **Edits** (:meth:`Operations.edit`): a service call that returns an :class:`Edit`, run at once
  on the UI thread (a tag must land before the next key). The edit goes on the undo stack.
- **Jobs** (:meth:`Operations.run`): a call that may take long (import, merge, export, agreement,
  a server poll) runs on the runner's thread pool. A window-modal progress box with Cancel appears
  after a short delay; it belongs to the job and is gone the moment the job ends. Nothing here
  runs a nested event loop: the result comes back to a callback.
- **Errors and changes**: an exception becomes one message (:func:`message_for`) shown once, and
  every write is announced on :attr:`Operations.changed` as a :class:`Change` with domain kinds
  (coding, clauses, codebook, …) that views subscribe to.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from annotator.core.changes import EVERYTHING, Kind, kinds_of
from annotator.core.edits import Edit
from annotator.core.errors import AnnotatorError
from annotator.gui.saving import replay_in_background

if TYPE_CHECKING:
    from annotator.gui.workspace import Workspace

T = TypeVar("T")
Progress = Callable[[int, int], None]
Report = Callable[[str, str], None]


class Cancelled(Exception):
    """Raised inside a job by its progress callback once the user pressed Cancel."""


@dataclass(frozen=True)
class Change:
    """What a write changed: its domain kinds, and the edit (with where it happened) if any."""

    kinds: frozenset[Kind]
    edit: Edit | None = None
    read: Any = None  # a team server's write: what it read back (a saving.ReadBack) or None
    follow: bool = True  # False: a key's write committing after the coder left its plan

    @classmethod
    def of(cls, edit: Edit) -> Change:
        return cls(kinds_of(edit), edit)

    def touches(self, *kinds: Kind) -> bool:
        return any(k in self.kinds for k in kinds)

    @property
    def document_key(self) -> str | None:
        return self.edit.document_key if self.edit is not None else None

    @property
    def clause_ids(self) -> tuple[int, ...]:
        return self.edit.clause_ids if self.edit is not None else ()

    @property
    def label(self) -> str:
        return self.edit.label if self.edit is not None else ""


def message_for(exc: BaseException) -> str:
    """One line for the user: the error's own message, or what failed and why for a bug."""
    if isinstance(exc, AnnotatorError):
        return str(exc)
    if isinstance(exc, OSError):
        where = f"{exc.filename}: " if exc.filename else ""
        return f"{where}{exc.strerror or exc}"
    # Not a user's mistake: keep the traceback for the bug report, show one line.
    traceback.print_exception(exc)
    return f"unexpected {type(exc).__name__}: {exc}"


def show_message(parent: QWidget | None, title: str, text: str) -> QMessageBox:
    """A warning on top of whatever modal dialog is open (never hidden behind it); returns at once.

    The box is window-modal and deletes itself when dismissed (Enter or Escape).
    """
    top = QApplication.activeModalWidget() or parent
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, top)
    box.setObjectName("errorMessage")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def _show(parent: QWidget | None, title: str, text: str) -> None:
    show_message(parent, title, text)


# -- edits on the undo stack -------------------------------------------------------------------


class EditCommand(QUndoCommand):
    """An :class:`Edit` the service has already applied, made undoable on a QUndoStack.

    ``applied`` follows the database, not the stack: a replay the service refuses leaves it as it
    was, and the runner moves the stack back (see :meth:`Operations.replay`).
    """

    def __init__(self, ops: Operations, workspace: Workspace, edit: Edit):
        super().__init__(edit.label)
        self.ops = ops
        self.workspace = workspace
        self.edit = edit
        self.applied = True  # pushing calls redo(); the service has done it already

    def redo(self) -> None:
        if self.applied or self.ops.wait_for_saves(self.workspace, False):
            return
        if self.workspace.background:  # a server: the stack moves once the replay commits
            replay_in_background(self, undo=False)
        elif self.ops.replay(self.workspace.project.redo, self.edit, "redo"):
            self.applied = True

    def undo(self) -> None:
        if not self.applied or self.ops.wait_for_saves(self.workspace, True):
            return
        if self.workspace.background:
            replay_in_background(self, undo=True)
        elif self.ops.replay(self.workspace.project.undo, self.edit, "undo"):
            self.applied = False


# -- background jobs ---------------------------------------------------------------------------


class _Signals(QObject):
    progress = Signal(int, int)
    finished = Signal(object, object)  # result, exception


class _Runnable(QRunnable):
    def __init__(self, call: Callable[[Progress], Any], cancel: threading.Event):
        super().__init__()
        self.call = call
        self.cancel = cancel
        self.signals = _Signals()
        self.setAutoDelete(False)  # its Job keeps it until the finished signal was handled

    def report(self, done: int, total: int) -> None:
        if self.cancel.is_set():
            raise Cancelled()
        self.signals.progress.emit(done, total)

    def run(self) -> None:
        try:
            result = self.call(self.report)
        except BaseException as exc:  # handed to the UI thread
            self.signals.finished.emit(None, exc)
            return
        self.signals.finished.emit(result, None)


class ProgressBox(QDialog):
    """The job's progress and its Cancel button (Escape cancels too); closed by the job's end."""

    def __init__(self, label: str, cancel: Callable[[], None], parent: QWidget | None):
        super().__init__(parent)
        self.setObjectName("jobProgress")
        self.setWindowTitle("Plan Annotator")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self._cancel = cancel
        self.label = QLabel(label)
        self.label.setWordWrap(True)
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)  # busy until the first report with a total
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(buttons)
        self.setMinimumWidth(380)

    def show_progress(self, done: int, total: int) -> None:
        if total > 0:
            self.bar.setRange(0, total)
            self.bar.setValue(min(done, total))

    def reject(self) -> None:
        """Cancel: the job stops at its next progress report; the box goes away now."""
        self._cancel()
        super().reject()


class Job(QObject, Generic[T]):
    """A handle on one background call: its state, its result, and Cancel."""

    #: Emitted once, after the callbacks ran.
    finished = Signal()

    def __init__(self, label: str | None):
        super().__init__()  # no parent: freed once nobody holds the handle
        self.label = label
        self.state = "running"  # then "done", "failed" or "cancelled"
        self.value: T | None = None
        self.error: str | None = None
        self._cancel = threading.Event()
        self.box: ProgressBox | None = None
        self.timer: QTimer | None = None
        self.runnable: _Runnable | None = None
        #: The widget whose callbacks these are was deleted: they must not run.
        self.orphaned = False
        #: A background write (see :mod:`annotator.gui.saving`): runs in order, one at a time.
        self.serial = False

    def orphan(self) -> None:
        self.orphaned = True

    @property
    def done(self) -> bool:
        return self.state != "running"

    @property
    def cancel_requested(self) -> bool:
        return self._cancel.is_set()

    def cancel(self) -> None:
        """Ask the job to stop at its next progress report (safe from any thread)."""
        self._cancel.set()
        self._close_box()

    def _close_box(self) -> None:
        if self.timer is not None:
            self.timer.stop()
        box, self.box = self.box, None
        if box is not None:
            owner = box.parentWidget()
            box.hide()
            box.deleteLater()
            if owner is not None:
                owner.activateWindow()  # the box took the focus: give it back


class Operations(QObject):
    """The runner of one main window: edits, background jobs, errors and change broadcasts."""

    #: A write happened (an edit, its undo or redo, a merge, a setting): a :class:`Change`.
    changed = Signal(object)
    #: A short note for the status bar (e.g. "wait for the import to finish").
    said = Signal(str)
    #: A background write's state for one clause: a :class:`annotator.gui.saving.Saving`.
    saving = Signal(object)

    def __init__(self, parent: QWidget | None = None, *, report: Report | None = None):
        super().__init__(parent)
        self.parent_widget = parent
        self.report: Report = report or (lambda title, text: _show(parent, title, text))
        self.workspace: Workspace | None = None
        self.pool = QThreadPool(self)  # its own: the global pool may be shut down at app exit
        self.pool.setMaxThreadCount(2)  # a long job must not hold up a poll or a recompute
        self.serial = QThreadPool(self)  # background writes: one thread, so never reordered
        self.serial.setMaxThreadCount(1)
        self._jobs: set[Job[Any]] = set()

    # -- errors and announcements ------------------------------------------------------------

    def fail(
        self, title: str, message: str, on_failed: Callable[[str], None] | None = None
    ) -> None:
        """Show ``message`` once: to ``on_failed`` (a view showing it inline), else as a box."""
        if on_failed is not None:
            on_failed(message)
        else:
            self.report(title, message)

    def announce(self, kinds: frozenset[Kind] = EVERYTHING, edit: Edit | None = None) -> None:
        """Tell the views that ``kinds`` changed (a switch of coder, a setting, a merge)."""
        self.changed.emit(Change(kinds, edit))

    # -- edits -------------------------------------------------------------------------------

    def edit(
        self,
        action: Callable[[], Edit],
        *,
        title: str = "Cannot do that",
        on_failed: Callable[[str], None] | None = None,
    ) -> Edit | None:
        """Run a service edit now; undoable and announced. None if it failed (and was shown)."""
        if self.busy():
            return None
        try:
            edit = action()
        except Exception as exc:
            self.fail(title, message_for(exc), on_failed)
            return None
        return self.record(edit)

    def record(self, edit: Edit, *, announce: bool = True) -> Edit:
        """Put an edit the service has already written on the undo stack, and announce it."""
        if edit.empty:
            return edit
        if self.workspace is not None:
            self.workspace.undo_stack.push(EditCommand(self, self.workspace, edit))
        if announce:
            self.changed.emit(Change.of(edit))
        return edit

    def replay(self, how: Callable[[Edit], Edit], edit: Edit, verb: str = "redo") -> bool:
        """Undo or redo ``edit`` through the service and announce what was written.

        On failure nothing was written (one transaction), so the undo stack is kept where it was
        and the reason is shown. Returns whether the replay happened.
        """
        try:
            written = how(edit)
        except Exception as exc:  # a database error must not take the window down
            if self.workspace is not None:
                self.workspace.hold_stack()
            message = message_for(exc)
            self.fail(
                f"Cannot {verb}",
                f"{message[:1].upper()}{message[1:]}. The undo history is unchanged.",
            )
            return False
        self.changed.emit(Change.of(written))
        return True

    def call(
        self,
        query: Callable[[], T],
        *,
        title: str = "Cannot do that",
        on_failed: Callable[[str], None] | None = None,
    ) -> T | None:
        """A quick call that writes no edit (a read, a file written): its error shown like any
        other. None if it failed."""
        try:
            return query()
        except Exception as exc:
            self.fail(title, message_for(exc), on_failed)
            return None

    # -- background jobs ---------------------------------------------------------------------

    def run(
        self,
        call: Callable[[Progress], T],
        *,
        on_done: Callable[[T], None] | None = None,
        label: str | None = None,
        title: str = "Cannot do that",
        on_failed: Callable[[str], None] | None = None,
        on_cancelled: Callable[[], None] | None = None,
        on_progress: Callable[[int, int], None] | None = None,
        delay_ms: int = 300,
        parent: QWidget | None = None,
        owner: QObject | None = None,
        serial: bool = False,
    ) -> Job[T]:
        """Run ``call(progress)`` on the pool; ``on_done(result)`` back on the UI thread.

        With a ``label`` the job blocks the window: a progress box with Cancel shows after
        ``delay_ms``, and edits wait. Without one it runs quietly (the view shows its own
        progress through ``on_progress``). Cancel makes the next ``progress()`` raise
        :class:`Cancelled`; the job then ends in ``on_cancelled`` (also when it finished anyway:
        its result is then in ``job.value``). A ``serial`` job runs on the one-thread pool of
        background writes, after every write submitted before it.

        ``owner`` is the widget whose callbacks these are: once it is deleted (a dialog closed
        while its job ran), they are skipped and an error goes to the runner's own message.
        """
        job: Job[T] = Job(label)
        job.serial = serial
        runnable = _Runnable(call, job._cancel)
        job.runnable = runnable
        if owner is not None:
            owner.destroyed.connect(job.orphan)
        self._jobs.add(job)
        queued = Qt.ConnectionType.QueuedConnection

        def progress(done: int, total: int) -> None:
            if job.box is not None:
                job.box.show_progress(done, total)
            if on_progress is not None:
                on_progress(done, total)

        def finished(result: object, exc: object) -> None:
            job._close_box()
            self._jobs.discard(job)
            job.runnable = None
            alive = not job.orphaned
            if isinstance(exc, Cancelled) or (exc is None and job.cancel_requested):
                # Cancelled, or finished after the user cancelled (a call that reports no
                # progress cannot stop): either way the user said no, so no on_done. A result
                # stays in job.value for on_cancelled to clean up.
                job.state, job.value = "cancelled", result  # type: ignore[assignment]
                if on_cancelled is not None and alive:
                    on_cancelled()
            elif isinstance(exc, BaseException):
                job.state, job.error = "failed", message_for(exc)
                self.fail(title, job.error, on_failed if alive else None)
            else:
                job.state, job.value = "done", result  # type: ignore[assignment]
                if on_done is not None and alive:
                    on_done(result)  # type: ignore[arg-type]
            job.finished.emit()

        runnable.signals.progress.connect(progress, queued)
        runnable.signals.finished.connect(finished, queued)
        if label is not None:
            owner = parent or self.parent_widget
            job.timer = QTimer(job)
            job.timer.setSingleShot(True)
            job.timer.timeout.connect(lambda: self._show_box(job, owner))
            job.timer.start(delay_ms)
        (self.serial if serial else self.pool).start(runnable)
        return job

    def _show_box(self, job: Job[Any], owner: QWidget | None) -> None:
        if job.done or job.cancel_requested:
            return
        job.box = ProgressBox(job.label or "", job.cancel, owner)
        job.box.show()

    def running(self) -> list[Job[Any]]:
        """The jobs not yet finished."""
        return [j for j in self._jobs if not j.done]

    def when_idle(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` once no job runs (at once if none does)."""
        called = False

        def check() -> None:
            nonlocal called
            if not called and not self.running():
                called = True
                callback()

        for job in self.running():
            job.finished.connect(check)
        check()

    def blocking_job(self) -> Job[Any] | None:
        """A labelled job still running (edits wait for it), if any."""
        return next((j for j in self._jobs if j.label is not None and not j.done), None)

    def writes_pending(self) -> bool:
        """Whether a background write has not committed (or failed) yet."""
        return any(j.serial and not j.done for j in self._jobs)

    def busy(self, *, queue: bool = False) -> bool:
        """Whether a new edit must wait (said in the status bar): a blocking job, or a write
        still saving (unless the edit is itself a write that ``queue``s behind it)."""
        blocking = self.blocking_job()
        if blocking is not None:
            self.said.emit(f"Wait until “{blocking.label}” has finished.")
            return True
        if not queue and self.writes_pending():  # an edit now would overtake the write still saving
            self.said.emit("Wait until the last change is saved.")
            return True
        return False

    def wait_for_saves(self, workspace: Workspace, undo: bool) -> bool:
        """An undo or redo while a write is saving waits its turn: queued (the stack stays where
        it is), run once the writes before it have committed (:meth:`Workspace.queue_replay`)."""
        if not self.writes_pending() and not workspace.replays_waiting:
            return False
        workspace.hold_stack()
        workspace.queue_replay(undo)
        return True

    def shutdown(self, timeout_ms: int = 10_000) -> None:
        """Cancel every job and wait for the pools: before the project they use is closed.

        A background write cannot be cancelled: it commits or fails within its statement
        timeout, and is waited for here.
        """
        for job in list(self._jobs):
            if not job.serial:
                job.cancel()
        self.serial.waitForDone(timeout_ms)
        self.pool.waitForDone(timeout_ms)
