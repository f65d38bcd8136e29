"""The current clause in full: its text (select a span there to tag it), spans highlighted, tags.

Qt counts UTF-16 units; the project counts code points (Contract 1). This module is where the
clause's :class:`OffsetMap` converts between the two.
"""

from __future__ import annotations

import html
import re

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QFont,
    QKeyEvent,
    QSyntaxHighlighter,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from annotator.core.codebook import Category
from annotator.core.text import OffsetMap
from annotator.gui.colors import category_color, span_background, text_on
from annotator.gui.delegates import SEARCH_HIT
from annotator.gui.elided_combo import ElidedCombo
from annotator.gui.markdown import markup, reflow
from annotator.gui.saving import PendingSpan
from annotator.services.types import ClauseCoding, ClauseInfo


def markdown_formats(
    text: str, offsets: OffsetMap, base: QFont
) -> list[tuple[int, int, QTextCharFormat]]:
    """Formats (UTF-16 ranges) that show ``text``'s markdown: headings and emphasis formatted,
    their markers and reflowed indentation shrunk out of sight, every character kept."""
    out = []
    for mark in markup(text):
        fmt = QTextCharFormat()
        if mark.style in ("marker", "indent"):
            fmt.setFontPointSize(1.0)
            fmt.setForeground(QColor(0, 0, 0, 0))
        elif mark.style == "bold":
            fmt.setFontWeight(QFont.Weight.Bold)
        elif mark.style == "italic":
            fmt.setFontItalic(True)
        elif mark.style == "heading":
            fmt.setFontWeight(QFont.Weight.Bold)
            fmt.setFontPointSize(max(base.pointSizeF(), 6.0) * 1.2)
        out.append((offsets.to_utf16(mark.start), offsets.to_utf16(mark.end), fmt))
    return out


class SpanHighlighter(QSyntaxHighlighter):
    """Paints markdown, span tags (UTF-16 ranges of the whole clause text) in their category
    colours, and search hits; formats that meet are merged, not replaced."""

    def __init__(self, document: QTextDocument):
        super().__init__(document)
        self.ranges: list[tuple[int, int, QTextCharFormat]] = []
        self.marks: list[tuple[int, int, QTextCharFormat]] = []
        self.search: re.Pattern[str] | None = None
        self.hit_format = QTextCharFormat()
        self.hit_format.setBackground(QColor(SEARCH_HIT))
        self.hit_format.setForeground(QColor("#000000"))

    def set_ranges(self, ranges: list[tuple[int, int, QTextCharFormat]]) -> None:
        self.ranges = ranges
        self.rehighlight()

    def _merge(self, start: int, count: int, fmt: QTextCharFormat) -> None:
        for i in range(start, start + count):
            merged = self.format(i)
            merged.merge(fmt)
            self.setFormat(i, 1, merged)

    def highlightBlock(self, text: str) -> None:
        block = self.currentBlock()
        first, length = block.position(), block.length()
        for start, end, fmt in (*self.marks, *self.ranges):
            lo, hi = max(start, first), min(end, first + length)
            if lo < hi:
                self._merge(lo - first, hi - lo, fmt)
        if self.search is not None:
            # The block's text is UTF-16 in Qt but a Python str here: positions line up with
            # setFormat only without non-BMP characters, so count them in.
            for match in self.search.finditer(text):
                if match.end() > match.start():
                    start = _utf16(text, match.start())
                    self._merge(start, _utf16(text, match.end()) - start, self.hit_format)


def _utf16(text: str, offset: int) -> int:
    return offset + sum(1 for ch in text[:offset] if ord(ch) > 0xFFFF)


#: A memo saves itself after this long without a keystroke.
SAVE_AFTER_MS = 1500
MEMO_PLACEHOLDER = "Memo: why this coding, what is unclear…  (Ctrl+Enter saves)"


class MemoEdit(QPlainTextEdit):
    """A memo: saved (``committed``) when focus leaves it, on Ctrl+Enter, and after a pause in
    typing (:data:`SAVE_AFTER_MS`), never per keystroke."""

    committed = Signal(str)
    #: Ctrl+Enter or Esc: the coder is done with the memo.
    escaped = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("memoEdit")
        self.setTabChangesFocus(True)
        self.setPlaceholderText(MEMO_PLACEHOLDER)
        # Read-only looks it: the window's colour instead of a field's, so no one types in vain.
        self.setStyleSheet(
            'QPlainTextEdit#memoEdit[readOnly="true"] { background: palette(window); '
            "border: 1px dashed palette(mid); }"
        )
        self.saved = ""
        self.pause = QTimer(self)
        self.pause.setSingleShot(True)
        self.pause.setInterval(SAVE_AFTER_MS)
        self.pause.timeout.connect(self.commit)
        self.textChanged.connect(self._typed)

    def set_read_only(self, reason: str | None) -> None:
        """Refuse typing, and look and say so, while ``reason`` (why) is not None."""
        self.commit()  # a memo typed before the project became read-only is not lost silently
        self.setReadOnly(reason is not None)
        if reason is not None:
            # Selecting and copying a memo still works.
            self.setTextInteractionFlags(
                Qt.TextInteractionFlag.TextSelectableByMouse
                | Qt.TextInteractionFlag.TextSelectableByKeyboard
            )
        self.setToolTip(f"Memos cannot be written: {reason}" if reason is not None else "")
        self.setPlaceholderText("No memo (read-only)" if reason is not None else MEMO_PLACEHOLDER)
        self.setStyleSheet(self.styleSheet())  # re-match the [readOnly] rule

    def _typed(self) -> None:
        if self.toPlainText() != self.saved:
            self.pause.start()  # restarts: saves once typing pauses

    def load(self, text: str) -> None:
        self.pause.stop()
        self.saved = text
        if self.toPlainText() != text:
            self.setPlainText(text)
        self.pause.stop()  # loading is not typing

    def commit(self) -> None:
        self.pause.stop()
        text = self.toPlainText()
        if text != self.saved:
            self.saved = text
            self.committed.emit(text)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self.commit()
        super().focusOutEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        # Either way back to the clause list, as from the clause text: a coding key or J pressed
        # next must code or move, not be typed into the memo and saved with it.
        if enter and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.commit()
            self.escaped.emit()
            return
        if event.key() == Qt.Key.Key_Escape:  # drop the unsaved change
            self.setPlainText(self.saved)
            self.pause.stop()
            self.escaped.emit()
            return
        super().keyPressEvent(event)


def chip_html(cat: Category) -> str:
    color = category_color(cat.color)
    fg = text_on(color).name()
    return (
        f'<span style="background:{color.name()}; color:{fg};">&nbsp;{html.escape(cat.name)}'
        "&nbsp;</span>"
    )


class DetailPanel(QWidget):
    """Shows one clause; :meth:`selected_span` reports the selection in code points."""

    #: (clause id, annotation id or None for the whole clause, memo text): a memo was saved.
    memo_committed = Signal(int, object, str)
    #: Esc in the clause text: the keyboard goes back to the clause list.
    escaped = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.clause: ClauseInfo | None = None
        self._text = ""
        self._offsets = OffsetMap("")
        self.header = QLabel(self)
        self.header.setObjectName("clauseHeader")
        font = self.header.font()
        font.setBold(True)
        self.header.setFont(font)
        self.editor = QPlainTextEdit(self)
        self.editor.setObjectName("clauseText")
        self.editor.setReadOnly(True)
        self.editor.setUndoRedoEnabled(False)
        self.editor.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.editor.setFrameShape(QFrame.Shape.StyledPanel)
        self.editor.document().setDocumentMargin(8)
        self.editor.setToolTip(
            "S puts the cursor here. Select words (Shift+arrows, Ctrl+Shift+→ for whole words), "
            "press a category key to tag just them, Esc to go back to the list."
        )
        # A frame you can see from across the room when the keyboard is in the clause text.
        self.editor.setStyleSheet(
            "QPlainTextEdit#clauseText { border: 2px solid transparent; border-radius: 3px; }"
            "QPlainTextEdit#clauseText:focus { border: 2px solid palette(highlight); }"
        )
        self.editor.installEventFilter(self)
        self.highlighter = SpanHighlighter(self.editor.document())
        self.tags = QLabel(self)
        self.tags.setObjectName("clauseTags")
        self.tags.setWordWrap(True)
        self.tags.setTextFormat(Qt.TextFormat.RichText)
        self.status = QLabel(self)  # "saving…" or "not saved: why" (team server)
        self.status.setObjectName("clauseSaving")
        self.status.setWordWrap(True)
        self.status.hide()
        self.flag = QLabel("⚑ Flagged as uncertain  (F toggles)", self)
        self.flag.setObjectName("clauseFlag")
        self.flag.setStyleSheet("color: #e08a00; font-weight: bold;")
        hint = "Write the memo on the whole clause or on one span tag"
        self.memo_target = ElidedCombo(hint, self)  # elided when the pane is narrow
        self.memo_target.setObjectName("memoTarget")
        self.memo_edit = MemoEdit(self)
        self.memo_edit.setMaximumHeight(120)
        memo_label = QLabel("&Memo", self)
        memo_label.setBuddy(self.memo_edit)
        self.memo_label = memo_label
        memo_row = QHBoxLayout()
        memo_row.setSpacing(6)
        memo_row.addWidget(memo_label)
        memo_row.addWidget(self.memo_target, 1)
        # (target, memo) per item: None (the clause), an annotation id, or a span still saving.
        self._memos: list[tuple[str | PendingSpan | None, str]] = []
        self._places: list[PendingSpan | None] = []  # each item's span, to keep it chosen
        self._wanted: PendingSpan | None = None  # the span chosen, through a reload without it
        self._coding: tuple[ClauseCoding, dict[str, Category]] = (ClauseCoding(), {})
        self.memo_target.currentIndexChanged.connect(self._target_chosen)
        self.memo_edit.committed.connect(self._memo_committed)
        self.memo_edit.escaped.connect(self.escaped)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 8)
        layout.setSpacing(6)
        layout.addWidget(self.header)
        layout.addWidget(self.editor, 1)
        layout.addWidget(self.tags)
        layout.addWidget(self.status)
        layout.addWidget(self.flag)
        layout.addLayout(memo_row)
        layout.addWidget(self.memo_edit)
        self.show_clause(None, "", ClauseCoding(), [])

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.FontChange):
            # A style sheet is resolved once: again, or a dark theme keeps a white pane.
            self.editor.setStyleSheet(self.editor.styleSheet())
            self.memo_edit.setStyleSheet(self.memo_edit.styleSheet())
            if self.clause is not None:
                self.highlighter.marks = markdown_formats(
                    self._text, self._offsets, self.editor.font()
                )
                self.highlighter.rehighlight()

    def focus_text(self) -> None:
        """Put the keyboard in the clause text (cursor at its start unless a selection is kept)."""
        if self.clause is None:
            return
        self.editor.setFocus(Qt.FocusReason.ShortcutFocusReason)
        cursor = self.editor.textCursor()
        if not cursor.hasSelection():
            cursor.movePosition(QTextCursor.MoveOperation.Start)
            self.editor.setTextCursor(cursor)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.editor
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Escape
        ):
            self.clear_selection()
            self.escaped.emit()
            return True
        return super().eventFilter(watched, event)

    def set_search(self, pattern: re.Pattern[str] | None) -> None:
        self.highlighter.search = pattern
        self.highlighter.rehighlight()

    def _target_chosen(self, index: int) -> None:
        if 0 <= index < len(self._memos):
            self._wanted = self._places[index]
            self.memo_edit.load(self._memos[index][1])

    def _memo_committed(self, text: str) -> None:
        index = self.memo_target.currentIndex()
        if self.clause is None or not 0 <= index < len(self._memos):
            return
        target = self._memos[index][0]
        self._memos[index] = (target, text)
        self.memo_committed.emit(self.clause.id, target, text)

    def set_memo_read_only(self, reason: str | None) -> None:
        """Memos can be read but not written while ``reason`` (why, for the tooltip) is set."""
        self.memo_edit.set_read_only(reason)
        self.memo_label.setToolTip(self.memo_edit.toolTip())
        self._label_memo()
        if self.clause is not None:
            self.tags.setText(self._tags_html(*self._coding))  # without the keys' hint

    def _label_memo(self) -> None:
        text = "&Memo on" if len(self._memos) > 1 else "&Memo on this clause"
        self.memo_label.setText(text + (" (read-only)" if self.memo_edit.isReadOnly() else ""))

    def commit_memo(self) -> None:
        """Save a memo being typed (before the clause shown changes)."""
        self.memo_edit.commit()

    def _show_memos(self, coding: ClauseCoding, by_key: dict[str, Category]) -> None:
        previous = self._wanted
        self._memos, self._places = [(None, coding.memo)], [None]
        labels = ["the whole clause"]
        for span in coding.spans:  # one still saving too: its memo is queued behind it
            cat = by_key.get(span.category) or Category(span.category, span.category)
            words = self._text[span.start - self._clause_start : span.end - self._clause_start]
            short = words if len(words) <= 24 else words[:22] + "…"
            place = PendingSpan.of(span)
            self._memos.append((span.annotation_id or place, span.memo))
            self._places.append(place)
            labels.append(
                f"span {cat.name}: “{short}”" + ("" if span.annotation_id else " (saving…)")
            )
        blocked = self.memo_target.blockSignals(True)
        self.memo_target.clear()
        self.memo_target.addItems(labels)
        at = self._places.index(previous) if previous in self._places else 0
        self.memo_target.setCurrentIndex(at)  # the same span, also once its tag has an id
        self.memo_target.blockSignals(blocked)
        self.memo_target.setVisible(len(self._memos) > 1)
        self._label_memo()
        self.memo_edit.load(self._memos[self.memo_target.currentIndex()][1])

    def show_clause(
        self,
        clause: ClauseInfo | None,
        text: str,
        coding: ClauseCoding,
        categories: list[Category],
        *,
        keep_text: bool = False,
        status: str = "",
    ) -> None:
        """Display ``clause`` (``text`` is its own text); ``keep_text`` only refreshes coding.
        ``status``: a write of it still saving, or why it was not saved (see show_coding)."""
        same = keep_text and clause is not None and self.clause == clause and self._text == text
        self.clause = clause
        if not same:
            self._text = text
            self._offsets = OffsetMap(text)
            self.highlighter.ranges = []
            # Same characters at the same offsets: only in-paragraph breaks become spaces.
            self.highlighter.marks = markdown_formats(text, self._offsets, self.editor.font())
            self.editor.setPlainText(reflow(text))
        if clause is None:
            self.header.setText("No clause")
            self.tags.setText("")
            self.status.hide()
            self.flag.hide()
            self._memos, self._places = [], []
            self.memo_target.clear()
            self.memo_edit.load("")
            self.memo_edit.setEnabled(False)
            return
        self.memo_edit.setEnabled(True)
        self.header.setText(f"Clause {clause.label}  ·  {clause.kind}")
        self.show_coding(coding, categories, status)
        if not same:
            self.memo_target.blockSignals(True)
            self.memo_target.clear()  # a new clause: the memo target starts at the clause
            self._wanted = None
            self.memo_target.blockSignals(False)
        self._show_memos(coding, {c.key: c for c in categories})

    def show_coding(
        self, coding: ClauseCoding, categories: list[Category], status: str = ""
    ) -> None:
        """The shown clause's coding (span highlights, chips, flag) and the state of a write
        still saving it (team server): at once on each key, the memo being typed left alone."""
        clause, text = self.clause, self._text
        if clause is None:
            return
        by_key = {c.key: c for c in categories}
        ranges = []
        for span in coding.spans:
            cat = by_key.get(span.category) or Category(span.category, span.category)
            fmt = QTextCharFormat()
            fmt.setBackground(span_background(category_color(cat.color), 120))
            fmt.setToolTip(cat.name)
            start = self._offsets.to_utf16(min(len(text), max(0, span.start - clause.start)))
            end = self._offsets.to_utf16(min(len(text), max(0, span.end - clause.start)))
            ranges.append((start, end, fmt))
        self.highlighter.set_ranges(ranges)
        self._coding = (coding, by_key)
        self.tags.setText(self._tags_html(coding, by_key))
        self.flag.setVisible(coding.flagged)
        failed = status.startswith("not saved")
        color = "#c62828" if failed else "#6b6b6b"  # as the row's note
        sheet = f"color: {color}; font-style: italic;"
        if self.status.styleSheet() != sheet:  # setting it re-polishes the label: not per key
            self.status.setStyleSheet(sheet)
        self.status.setText(status)
        self.status.setToolTip(status)
        self.status.setVisible(bool(status))
        if [PendingSpan.of(s) for s in coding.spans] != self._places[1:]:
            self._show_memos(coding, by_key)  # a span tag added (still saving) or gone

    def _tags_html(self, coding: ClauseCoding, by_key: dict[str, Category]) -> str:
        if coding.review == "none" and not coding.categories:
            return "<i>No category applies.</i>"
        parts = [chip_html(by_key.get(k) or Category(k, k)) for k in sorted(coding.tags)]
        spans = []
        for span in coding.spans:
            cat = by_key.get(span.category) or Category(span.category, span.category)
            words = self._text[span.start - self._clause_start : span.end - self._clause_start]
            short = words if len(words) <= 40 else words[:37] + "…"
            spans.append(f"{chip_html(cat)} “{html.escape(short)}”")
        if not parts and not spans:
            if self.memo_edit.isReadOnly():  # no coding here: no keys to suggest
                return "<i>Not coded yet.</i>"
            return "<i>Not coded yet: press 1–9, or 0 if no category applies.</i>"
        out = ""
        if parts:
            out += "Clause: " + " ".join(parts)
        if spans:
            out += ("<br>" if out else "") + "Spans: " + "<br>".join(spans)
        return out

    @property
    def _clause_start(self) -> int:
        return self.clause.start if self.clause else 0

    def cursor_offset(self) -> int | None:
        """The text cursor as an absolute code-point offset into the document (for splits)."""
        if self.clause is None:
            return None
        return self.clause.start + self._offsets.from_utf16(self.editor.textCursor().position())

    def selected_span(self) -> tuple[int, int] | None:
        """The selection as absolute code-point offsets into the document, or None."""
        cursor = self.editor.textCursor()
        if self.clause is None or not cursor.hasSelection():
            return None
        start = self._offsets.from_utf16(cursor.selectionStart())
        end = self._offsets.from_utf16(cursor.selectionEnd())
        # Selecting by words (Ctrl+Shift+→) takes the space after the last word too: a span is
        # the words, so white space at either end is left out.
        while start < end and self._text[start].isspace():
            start += 1
        while end > start and self._text[end - 1].isspace():
            end -= 1
        if end <= start:
            return None
        return self.clause.start + start, self.clause.start + end

    def clear_selection(self) -> None:
        cursor = self.editor.textCursor()
        cursor.clearSelection()
        self.editor.setTextCursor(cursor)
