"""The last project's first screen, shown before the project opens, then handed over.

Start-up paints the frame, builds the panels, and then (before SQLAlchemy loads, ~250 ms) shows
the plan the coder left, read with the standard library's sqlite3
(:mod:`annotator.services.first_screen`). Nothing can act on it: the menus that write are still
disabled, and keys and clicks are held. Once that screen has painted, the project opens the
normal way on the UI thread; it reads the same values, so the models keep them (no reset: the
selection and the scroll stay) and the held keys and clicks go to the live project. If opening
fails, the snapshot is cleared so no stale clause stays under the error.
"""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence, QMouseEvent
from PySide6.QtWidgets import QApplication, QMenu, QWidget

from annotator.gui.segment_notes import notes_messages
from annotator.gui.settings import ProjectSettings

if TYPE_CHECKING:
    from annotator.gui.main_window import MainWindow
    from annotator.services.first_screen import FirstScreen

#: If the snapshot never paints (a window hidden at once), the project opens after this anyway.
PAINT_PATIENCE_MS = 1000


def read_for(args: argparse.Namespace) -> tuple[FirstScreen, int | None] | None:
    """The first screen for the window's arguments and the plan's remembered clause, or None
    (the normal start-up decides): files to import, a team server, or anything
    :func:`~annotator.services.first_screen.read_first_screen` refuses."""
    if args.files:
        return None
    from annotator.services.first_screen import read_first_screen
    from annotator.services.paths import resolve_project

    try:
        settings = ProjectSettings(resolve_project(args.project))
        screen = read_first_screen(
            args.project,
            coder_id=settings.coder_id,
            coder_name=args.coder,
            document_key=settings.document_key,
        )
        return None if screen is None else (screen, settings.clause_id(screen.document.key))
    except Exception:  # never in the way of the normal start-up
        return None


def show(window: MainWindow, screen: FirstScreen, clause_id: int | None) -> None:
    """Fill the built window's views with ``screen`` (the current clause: ``clause_id`` if the
    plan still has it), as the navigator would show the live project."""
    w, doc = window, screen.document
    w.codebook.set_categories(screen.categories)
    w.clauses.set_categories(screen.categories)
    w.documents.set_documents(screen.documents)
    w.clauses.set_document(doc.key, doc.text, screen.clauses, screen.coding)
    row = w.documents.row_of(doc.key)
    if row is not None:
        selection = w.document_view.selectionModel()
        blocked = selection.blockSignals(True)
        w.document_view.setCurrentIndex(w.documents.index(row))
        selection.blockSignals(blocked)
    w.segment_notes.set_messages(notes_messages(screen.segment_mode, screen.segment_notes))
    w.setWindowTitle(f"{doc.title} — Plan Annotator")
    target = w.clauses.row_of(clause_id) if clause_id is not None else None
    w.clause_view.go_to_row(target if target is not None else 0)
    current = w.clause_view.current_row()
    if current >= 0:
        clause = w.clauses.clause(current)
        w.detail.show_clause(
            clause, w.clauses.clause_text(current), w.clauses.coding(clause.id), screen.categories
        )
    coded, total = w.clauses.coded_count, w.clauses.rowCount()
    w.coder_label.setText(f"Coder: {screen.coder.name}")
    w.progress_label.setText(f"{coded} of {total} clauses coded")
    w.heading.setText(f"{doc.title}  ·  {screen.coder.name}  ·  {coded}/{total} coded")


def clear(window: MainWindow) -> None:
    """Take the snapshot off the screen (opening the project failed: its error is shown)."""
    w = window
    w.documents.set_documents([])
    w.clauses.set_document(None, "", [], {})
    w.codebook.set_categories([])
    w.segment_notes.set_messages([])
    w.detail.show_clause(None, "", w.clauses.coding(-1), [])
    w.coder_label.clear()
    w.progress_label.clear()
    w.setWindowTitle("Plan Annotator")


def after_paint(widget: QWidget, action: Callable[[], None]) -> None:
    """Run ``action`` in the event loop's turn after ``widget`` next paints (or after
    :data:`PAINT_PATIENCE_MS` if it never does)."""
    once = _AfterPaint(widget, action)
    widget.installEventFilter(once)
    QTimer.singleShot(PAINT_PATIENCE_MS, once.run)


class _AfterPaint(QObject):
    def __init__(self, widget: QWidget, action: Callable[[], None]):
        super().__init__(widget)
        self.widget = widget
        self.action: Callable[[], None] | None = action

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self.action is not None:
            QTimer.singleShot(0, self.run)  # posted now, so it runs once the paint is done
        return False

    def run(self) -> None:
        action, self.action = self.action, None
        if action is not None:
            self.widget.removeEventFilter(self)
            action()


class HeldKeys(QObject):
    """Holds the keys pressed and the mouse buttons clicked in ``window`` while it shows the
    snapshot; :meth:`release` sends them, in order, to the live project (a coding key then codes
    the clause, a click picks a plan or clause, as if done now).
    """

    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.window_ = window
        #: The held events: a key (to the focused widget) or a click (to the widget clicked).
        self.held: list[tuple[QWidget | None, QKeyEvent | QMouseEvent]] = []
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind not in _HELD or not isinstance(obj, QWidget):
            return False
        if obj.window() is not self.window_:
            return False  # a dialog (an error shown while opening) takes its own input
        if kind == QEvent.Type.ShortcutOverride:
            event.accept()  # no shortcut now: the key comes as a key press, held below
        elif kind == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            copy = QKeyEvent(
                kind,
                event.key(),
                event.modifiers(),
                event.text(),
                event.isAutoRepeat(),
                event.count(),
            )
            self.held.append((None, copy))
        elif isinstance(event, QMouseEvent) and kind != QEvent.Type.MouseMove:
            click = QMouseEvent(
                kind,
                event.position(),
                event.globalPosition(),
                event.button(),
                event.buttons(),
                event.modifiers(),
            )
            self.held.append((obj, click))
        return True

    def release(self) -> None:
        """Stop holding and deliver what was held, each key as Qt's own dispatch would
        (:func:`deliver_key`); a click goes to the widget clicked, if it is still there."""
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        held, self.held = self.held, []
        for widget, event in held:
            if widget is not None:  # a click
                with contextlib.suppress(RuntimeError):  # the widget clicked is gone since
                    QApplication.sendEvent(widget, event)
                continue
            assert isinstance(event, QKeyEvent)
            deliver_key(self.window_, event)
        self.deleteLater()


def deliver_key(window: QWidget, event: QKeyEvent) -> None:
    """Send a held key press as Qt's shortcut map would: the focused widget first may claim it
    (a text field takes the digits and Ctrl+Z typed into it); otherwise the one enabled, visible
    action whose shortcut it is, in that action's context, is triggered; otherwise (none, or
    several: ambiguous, as Qt does nothing) the focused widget gets the key."""
    target = QApplication.focusWidget() or window
    override = QKeyEvent(QEvent.Type.ShortcutOverride, event.key(), event.modifiers(), event.text())
    override.ignore()
    QApplication.sendEvent(target, override)
    if not override.isAccepted():
        sequence = QKeySequence(event.keyCombination())
        matches = [
            a
            for a in window.findChildren(QAction)
            if sequence in a.shortcuts() and _in_context(a, target)
        ]
        if len(matches) == 1:
            matches[0].trigger()
            return
        if matches:
            return  # ambiguous: Qt triggers none and the key goes nowhere
    QApplication.sendEvent(target, event)


def _in_context(action: QAction, focus: QWidget) -> bool:
    """Whether ``action``'s shortcut is live with ``focus`` focused (Qt's context rules)."""
    if not (action.isEnabled() and action.isVisible()):
        return False
    context = action.shortcutContext()
    if context == Qt.ShortcutContext.ApplicationShortcut:
        return True
    widgets = [w for w in action.associatedObjects() if isinstance(w, QWidget)]
    if context == Qt.ShortcutContext.WidgetShortcut:
        return focus in widgets
    if context == Qt.ShortcutContext.WidgetWithChildrenShortcut:
        return any(w is focus or w.isAncestorOf(focus) for w in widgets)
    return any(
        not isinstance(w, QMenu) and w.isVisible() and w.window() is focus.window() for w in widgets
    )


_HELD = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.KeyRelease,
        QEvent.Type.ShortcutOverride,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonRelease,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.MouseMove,  # a drag begun on the snapshot would act on it
    }
)
