"""The search bar (Ctrl+F): plain text or a regular expression over the open plan's clauses."""

from __future__ import annotations

import re
from collections.abc import Sequence

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QResizeEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)


def compile_query(text: str, regex: bool) -> re.Pattern[str] | None:
    """The pattern for ``text`` (case-insensitive), or None if empty or not a valid regex."""
    if not text:
        return None
    try:
        return re.compile(text if regex else re.escape(text), re.IGNORECASE)
    except re.error:
        return None


class SearchBar(QWidget):
    """Query, regex toggle, hit count, previous/next and close; emits what to search for."""

    #: The pattern changed (None: no search).
    changed = Signal(object)
    #: +1 next hit, -1 previous.
    step = Signal(int)
    closed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("searchBar")
        self.edit = QLineEdit(self)
        self.edit.setObjectName("searchEdit")
        self.edit.setPlaceholderText("Search clauses…  (Enter: next, Shift+Enter: previous)")
        self.edit.setClearButtonEnabled(True)
        self.regex = QCheckBox("Regular e&xpression", self)
        self.regex.setObjectName("searchRegex")
        self.count = QLabel(self)
        self.count.setObjectName("searchCount")
        self.count.setMinimumWidth(110)
        self.prev_button = QToolButton(self)
        self.prev_button.setText("▲")
        self.prev_button.setToolTip("Previous hit (Shift+F3)")
        self.next_button = QToolButton(self)
        self.next_button.setText("▼")
        self.next_button.setToolTip("Next hit (F3)")
        close = QToolButton(self)
        close.setText("✕")
        close.setToolTip("Close the search (Esc)")
        close.setAutoRaise(True)
        outer = self._outer = QVBoxLayout(self)
        outer.setContentsMargins(10, 4, 6, 4)
        outer.setSpacing(4)
        layout = self._top = QHBoxLayout()
        layout.setSpacing(6)
        self._below = QHBoxLayout()  # the options, when the bar is too narrow for one row
        self._below.setSpacing(6)
        outer.addLayout(layout)
        outer.addLayout(self._below)
        label = QLabel("&Find:", self)
        label.setBuddy(self.edit)
        self.edit.setMinimumWidth(self.edit.fontMetrics().horizontalAdvance("x" * 12))
        layout.addWidget(label)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.regex)
        layout.addWidget(self.count)
        layout.addWidget(self.prev_button)
        layout.addWidget(self.next_button)
        layout.addWidget(close)
        self._options = (self.regex, self.count)
        self._rows = ([label, self.edit, self.prev_button, self.next_button, close], self._options)
        self._narrow = False
        # Searching 10,000 clauses takes a few ms, but not on every key of a fast typist.
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(120)
        self._timer.timeout.connect(self._emit)
        self.edit.textChanged.connect(lambda _t: self._timer.start())
        self.regex.toggled.connect(lambda _on: self._emit())
        self.prev_button.clicked.connect(lambda: self.step.emit(-1))
        self.next_button.clicked.connect(lambda: self.step.emit(1))
        close.clicked.connect(self.close_bar)
        self.edit.installEventFilter(self)

    def _least(self, widgets: Sequence[QWidget]) -> int:
        widths = [max(w.minimumWidth(), w.minimumSizeHint().width()) for w in widgets]
        return sum(widths) + self._top.spacing() * (len(widths) - 1)

    def minimumSizeHint(self) -> QSize:
        """As narrow as the options on a row of their own allow (large text, a small window):
        one long row would widen the window past the screen and overlap its parts."""
        margins = self._outer.contentsMargins()
        width = max(self._least(row) for row in self._rows) + margins.left() + margins.right()
        return QSize(width, super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        margins = self._outer.contentsMargins()
        room = event.size().width() - margins.left() - margins.right()
        narrow = room < self._least([*self._rows[0], *self._options])
        if narrow != self._narrow:
            self._narrow = narrow
            for widget in self._options:
                (self._top if narrow else self._below).removeWidget(widget)
                if narrow:
                    self._below.addWidget(widget)
            if not narrow:
                self._top.insertWidget(2, self.regex)
                self._top.insertWidget(3, self.count)

    def pattern(self) -> re.Pattern[str] | None:
        return compile_query(self.edit.text(), self.regex.isChecked())

    def _emit(self) -> None:
        self._timer.stop()
        text = self.edit.text()
        pattern = self.pattern()
        bad = bool(text) and pattern is None
        self.edit.setProperty("invalid", bad)
        self.edit.setToolTip("Not a valid regular expression" if bad else "")
        self.changed.emit(pattern)

    def flush(self) -> None:
        """Search now if a change is waiting for the typing pause."""
        if self._timer.isActive():
            self._emit()

    def show_count(self, current: int | None, total: int, bad: bool = False) -> None:
        if bad:
            self.count.setText("invalid expression")
        elif not self.edit.text():
            self.count.setText("")
        elif total == 0:
            self.count.setText("no clauses match")
        elif current is None:
            self.count.setText(f"{total} clauses")
        else:
            self.count.setText(f"{current + 1} of {total} clauses")

    def open_bar(self) -> None:
        """Show the bar with its kept query and options, searching them again at once (the
        plan may have changed while it was closed), so F3 works without retyping."""
        was_open = self.isVisible()
        self.show()
        self.edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.edit.selectAll()
        if not was_open:
            self._emit()

    def close_bar(self) -> None:
        self.hide()
        self.closed.emit()

    def eventFilter(self, obj: object, event: object) -> bool:
        if (
            obj is self.edit
            and isinstance(event, QKeyEvent)
            and event.type() == QKeyEvent.Type.KeyPress
        ):
            key = event.key()
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.flush()
                back = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
                self.step.emit(-1 if back else 1)
                return True
            if key == Qt.Key.Key_Escape:
                self.close_bar()
                return True
        return False
