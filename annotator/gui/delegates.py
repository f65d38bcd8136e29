"""Painting the clause rows (the plan rows: :mod:`annotator.gui.document_delegate`).

A clause row is: a status dot and the label in a narrow column, the clause text wrapped with its
span highlights, and a line of category chips. Heights depend only on the text and the width, so
they are computed once per width and cached; coding never changes a row's height.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, QRect, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QPainter,
    QPalette,
    QPen,
    QTextCharFormat,
    QTextLayout,
    QTextOption,
)
from PySide6.QtWidgets import QAbstractItemView, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from annotator.core.codebook import Category
from annotator.gui.colors import category_color, readable_on, span_background, text_on
from annotator.gui.markdown import markup
from annotator.gui.models import Role

Index = QModelIndex | QPersistentModelIndex

PAD_X, PAD_Y = 12, 7
GAP = 10  # between label column and text
CHIP_GAP = 5
MAX_LINES = 12  # a very long clause is read in the detail pane
SEARCH_HIT = "#ffd43b"
_BREAK = re.compile(r"\s*\n\s*")


ChipKind = str  # "clause" (filled), "span" (outlined, quoted), "none" (dashed)


def chip_colors(palette: QPalette, cat: Category | None, kind: ChipKind) -> tuple[QColor, QColor]:
    """(text, background) of a chip; every pair reads at 4.5:1 or better (WCAG AA).

    A whole-clause tag is filled with its category colour; a tag on a span only is outlined in
    that colour on the row's base, its name in quotes; "none applies" is a dashed outline.
    """
    base = palette.color(QPalette.ColorRole.Base)
    if kind == "clause" and cat is not None:
        fill = category_color(cat.color)
        return text_on(fill), fill
    ink = palette.color(QPalette.ColorRole.Text)
    if kind == "none":
        return readable_on(base, ink), base
    return ink, base


def chip_text(cat: Category, kind: ChipKind) -> str:
    """A chip's words: a span tag's name in quotes, like the words it stands for."""
    return f"“{cat.name}”" if kind == "span" else cat.name


def utf16_index(text: str, offset: int) -> int:
    """UTF-16 position of code-point ``offset`` in a short ``text`` (one clause)."""
    return offset + sum(1 for ch in text[:offset] if ord(ch) > 0xFFFF)


def compact_text(text: str) -> str:
    """``text`` with each run of whitespace that holds a line break shown as one space.

    Plans are hard-wrapped in their files; in a row the text re-wraps to the view's width.
    """
    return _BREAK.sub(" ", text)


def compact(text: str) -> tuple[str, list[int]]:
    """:func:`compact_text` and, for every code-point offset of ``text`` (and its end), its
    offset in the display text (to place span highlights)."""
    parts: list[str] = []
    where: list[int] = []
    last = pos = 0
    for match in _BREAK.finditer(text):
        segment = text[last : match.start()]
        where.extend(range(pos, pos + len(segment)))
        pos += len(segment)
        where.extend([pos] * (match.end() - match.start()))
        pos += 1
        parts += [segment, " "]
        last = match.end()
    segment = text[last:]
    where.extend(range(pos, pos + len(segment)))
    where.append(pos + len(segment))
    parts.append(segment)
    return "".join(parts), where


class ClauseDelegate(QStyledItemDelegate):
    """Paints one clause: label, wrapped text with span highlights, category chips."""

    def __init__(self, view: QAbstractItemView):
        super().__init__(view)
        self.view = view
        self._heights: dict[tuple[int, int], int] = {}
        self._width = -1
        #: When set, every row shows at most this many lines and has one height (huge plans).
        self.fixed_lines: int | None = None
        #: Width of the label column in pixels (set per document by the view).
        self.label_width = 60
        #: The search (Ctrl+F): its matches are highlighted in the rows.
        self.search: re.Pattern[str] | None = None

    def invalidate(self) -> None:
        """Forget cached heights (new document, font change)."""
        self._heights.clear()

    # -- geometry ------------------------------------------------------------------------------

    def _label_width(self, fm: QFontMetrics, width: int) -> int:
        # At most a quarter of a narrow row (large text, small window): the text keeps its words
        return min(self.label_width, max(fm.horizontalAdvance("00.0") + 4, width // 4))

    def _text_width(self, width: int, fm: QFontMetrics) -> int:
        return max(80, width - 2 * PAD_X - 14 - self._label_width(fm, width) - GAP)

    def _chip_height(self, fm: QFontMetrics) -> int:
        return fm.height() + 4

    def _chips_height(self, fm: QFontMetrics, lines: int) -> int:
        return lines * self._chip_height(fm) + (lines - 1) * 3

    def _layout(
        self, text: str, font: QFont, width: int, formats: list[QTextLayout.FormatRange] | None
    ) -> tuple[QTextLayout, int]:
        max_lines = self.fixed_lines or MAX_LINES
        layout = QTextLayout(text, font)
        option = QTextOption()
        option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        layout.setTextOption(option)
        if formats:
            layout.setFormats(formats)
        layout.beginLayout()
        y = 0.0
        lines = 0
        while lines < max_lines:
            line = layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(width)
            line.setPosition(QPointF(0, y))
            y += line.height()
            lines += 1
        layout.endLayout()
        return layout, int(y + 0.999)

    def _font(self, option: QStyleOptionViewItem, kind: str | None) -> QFont:
        font = QFont(option.font)
        if kind == "heading":
            font.setBold(True)
        elif kind == "preamble":
            font.setItalic(True)
        return font

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        width = self.view.viewport().width()
        if width != self._width:
            self._heights.clear()
            self._width = width
        key = (-1 if self.fixed_lines else int(index.data(Role.KEY) or 0), width)  # filter-proof
        cached = self._heights.get(key)
        coders = index.data(Role.CODERS)
        chip_lines = max(1, len(coders)) if coders is not None else 1
        if cached is None and self.fixed_lines:
            fm = QFontMetrics(option.font)
            text_h = fm.lineSpacing() * self.fixed_lines
            cached = PAD_Y + text_h + 4 + self._chips_height(fm, chip_lines) + PAD_Y
            self._heights[key] = cached
        elif cached is None:
            fm = QFontMetrics(option.font)
            text = compact_text(index.data(Role.TEXT) or "")
            font = self._font(option, index.data(Role.KIND))
            _, text_h = self._layout(text, font, self._text_width(width, fm), None)
            chips_h = self._chips_height(fm, chip_lines)
            cached = PAD_Y + max(text_h, fm.height()) + 4 + chips_h + PAD_Y
            self._heights[key] = cached
        return QSize(max(1, width - 1), cached)

    # -- painting ------------------------------------------------------------------------------

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        palette = opt.palette
        rect = opt.rect
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        active = bool(opt.state & QStyle.StateFlag.State_Active)
        group = QPalette.ColorGroup.Active if active else QPalette.ColorGroup.Inactive
        fm = QFontMetrics(opt.font)

        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if selected:
            bg = palette.color(group, QPalette.ColorRole.Highlight)
            bg.setAlpha(60 if active else 40)
            painter.fillRect(rect, bg)
            accent = palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.Highlight)
            painter.fillRect(QRect(rect.left(), rect.top(), 4, rect.height()), accent)
            if opt.state & QStyle.StateFlag.State_HasFocus and self.view.hasFocus():
                pen = QPen(accent, 1)
                painter.setPen(pen)
                painter.drawRect(QRectF(rect).adjusted(0.5, 0.5, -0.5, -0.5))
        # A hairline between rows keeps long lists scannable.
        line = palette.color(QPalette.ColorRole.Mid)
        line.setAlpha(70)
        painter.setPen(line)
        painter.drawLine(rect.left(), rect.bottom(), rect.right(), rect.bottom())

        text_color = palette.color(group, QPalette.ColorRole.Text)
        muted = palette.color(group, QPalette.ColorRole.PlaceholderText)
        left = rect.left() + PAD_X
        top = rect.top() + PAD_Y

        # Status dot: filled when the clause is coded.
        coded = bool(index.data(Role.CODED))
        dot = QRectF(left, top + (fm.height() - 8) / 2, 8, 8)
        if coded:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(
                palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.Highlight)
            )
        else:
            painter.setPen(QPen(muted, 1.2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawEllipse(dot)
        left += 14

        label_font = QFont(opt.font)
        label_font.setBold(True)
        painter.setFont(label_font)
        painter.setPen(text_color)
        label_w = self._label_width(fm, self.view.viewport().width())
        label = QFontMetrics(label_font).elidedText(
            index.data(Role.LABEL) or "", Qt.TextElideMode.ElideRight, label_w
        )
        painter.drawText(QRect(left, top, label_w, fm.height()), Qt.AlignmentFlag.AlignLeft, label)

        text_left = left + label_w + GAP
        text_w = self._text_width(self.view.viewport().width(), fm)
        raw = index.data(Role.TEXT) or ""
        text, where = compact(raw)
        formats = markdown_row_formats(raw, text, where)
        for span_start, span_end, cat in index.data(Role.SPANS) or []:
            start, end = (
                where[min(span_start, len(where) - 1)],
                where[min(span_end, len(where) - 1)],
            )
            fr = QTextLayout.FormatRange()
            fr.start = utf16_index(text, start)
            fr.length = utf16_index(text, end) - fr.start
            fmt = QTextCharFormat()
            fmt.setBackground(span_background(category_color(cat.color), 110))
            fr.format = fmt
            formats.append(fr)
        if self.search is not None:
            formats.extend(search_formats(self.search, text))
        layout, text_h = self._layout(text, self._font(opt, index.data(Role.KIND)), text_w, formats)
        painter.setPen(text_color)
        layout.draw(painter, QPointF(text_left, top))

        if self.fixed_lines:
            text_h = fm.lineSpacing() * self.fixed_lines
        chip_top = top + max(text_h, fm.height()) + 4
        # Markers (flag, memo, disagreement) in the label column, on the chips' line.
        marker_area = QRect(left, chip_top, label_w, self._chip_height(fm))
        self._paint_markers(painter, opt, index, marker_area)
        coders = index.data(Role.CODERS)
        if coders is None:
            self._paint_chips(
                painter, opt, index, QRect(text_left, chip_top, text_w, self._chip_height(fm))
            )
        else:
            area = QRect(text_left, chip_top, text_w, 0)
            self._paint_coders(painter, opt, coders, area, fm, index.data(Role.STATUS))
        painter.restore()

    def _paint_markers(
        self, painter: QPainter, opt: QStyleOptionViewItem, index: Index, area: QRect
    ) -> None:
        """Below the label: ⚑ for a clause flagged uncertain, ✎ for one with a memo, ≠ when
        coders disagree (reviewer mode)."""
        coding = index.data(Role.CODING)
        marks: list[tuple[str, QColor]] = []
        if index.data(Role.DISAGREE):
            marks.append(("≠", QColor("#d0421b")))
        if coding is not None and coding.flagged:
            marks.append(("⚑", QColor("#e08a00")))
        if coding is not None and (coding.memo or any(s.memo for s in coding.spans)):
            marks.append(("✎", opt.palette.color(QPalette.ColorRole.PlaceholderText)))
        x = area.left()
        font = QFont(opt.font)
        font.setBold(True)
        painter.setFont(font)
        fm = QFontMetrics(font)
        for mark, color in marks:
            painter.setPen(color)
            painter.drawText(
                QRect(x, area.top(), 20, area.height()), int(Qt.AlignmentFlag.AlignVCenter), mark
            )
            x += fm.horizontalAdvance(mark) + 6

    def _paint_coders(
        self,
        painter: QPainter,
        opt: QStyleOptionViewItem,
        coders: list[tuple[str, list[Category] | None, object]],
        area: QRect,
        fm: QFontMetrics,
        status: str = "",
    ) -> None:
        """Reviewer mode: one line per coder, their name then their chips; a background write's
        ``status`` at the right of the first line, the current coder's own."""
        line_h = self._chip_height(fm)
        name_w = min(120, max(60, area.width() // 5))
        muted = opt.palette.color(QPalette.ColorRole.PlaceholderText)
        y = area.top()
        for name, cats, coding in coders:
            painter.setFont(opt.font)
            painter.setPen(opt.palette.color(QPalette.ColorRole.Text))
            shown = fm.elidedText(name, Qt.TextElideMode.ElideRight, name_w - 6)
            painter.drawText(
                QRect(area.left(), y, name_w, line_h), int(Qt.AlignmentFlag.AlignVCenter), shown
            )
            chips = QRect(area.left() + name_w, y, area.width() - name_w, line_h)
            if status and y == area.top():
                chips = self._paint_status(painter, opt, status, chips, cats is None)
            if cats is None:
                painter.setPen(muted)
                painter.drawText(chips, int(Qt.AlignmentFlag.AlignVCenter), "not coded")
            else:
                # Coded with no category: "none applies", however the review row says it.
                review = "none" if not cats else getattr(coding, "review", None)
                self._draw_chips(painter, opt, cats, review, chips, _span_only(coding))
            y += line_h + 3

    def _paint_chips(
        self, painter: QPainter, opt: QStyleOptionViewItem, index: Index, area: QRect
    ) -> None:
        cats: list[Category] = index.data(Role.CATEGORIES) or []
        coding = index.data(Role.CODING)
        status = index.data(Role.STATUS)
        if status:
            bare = not cats and index.data(Role.REVIEW) != "none"  # no chips: the whole line
            area = self._paint_status(painter, opt, status, area, bare)
        self._draw_chips(painter, opt, cats, index.data(Role.REVIEW), area, _span_only(coding))

    def _paint_status(
        self, painter: QPainter, opt: QStyleOptionViewItem, status: str, area: QRect, bare: bool
    ) -> QRect:
        """A background write's state at the right of the chips' line ("saving…", "not saved:
        why", elided; the tooltip has it all); returns what is left for the chips."""
        font = QFont(opt.font)
        font.setPointSizeF(max(6.0, font.pointSizeF() * 0.88))
        font.setItalic(True)
        fm = QFontMetrics(font)
        room = area.width() if bare else max(60, area.width() // 2)
        width = min(fm.horizontalAdvance(status) + 8, room)
        shown = fm.elidedText(status, Qt.TextElideMode.ElideRight, width - 8)
        failed = status.startswith("not saved")
        muted = opt.palette.color(QPalette.ColorRole.PlaceholderText)
        painter.setFont(font)
        painter.setPen(QColor("#c62828") if failed else muted)
        box = QRect(area.right() - width, area.top(), width, area.height())
        painter.drawText(
            box, int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight), shown
        )
        return QRect(
            area.left(), area.top(), max(0, area.width() - width - CHIP_GAP), area.height()
        )

    def _draw_chips(
        self,
        painter: QPainter,
        opt: QStyleOptionViewItem,
        cats: list[Category],
        review: str | None,
        area: QRect,
        span_only: frozenset[str] = frozenset(),
    ) -> None:
        font = QFont(opt.font)
        font.setPointSizeF(max(6.0, font.pointSizeF() * 0.88))
        painter.setFont(font)
        fm = QFontMetrics(font)
        x = area.left()
        if not cats and review == "none":
            muted, _ = chip_colors(opt.palette, None, "none")
            chip = QRectF(x, area.top(), fm.horizontalAdvance("none applies") + 14, area.height())
            painter.setPen(QPen(muted, 1, Qt.PenStyle.DashLine))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(chip.adjusted(0.5, 0.5, -0.5, -0.5), 8, 8)
            painter.setPen(muted)
            painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, "none applies")
            return
        for i, cat in enumerate(cats):
            kind = "span" if cat.key in span_only else "clause"
            name = chip_text(cat, kind)
            width = fm.horizontalAdvance(name) + 14
            if x + width > area.right() and i < len(cats):
                more = f"+{len(cats) - i}"
                painter.setPen(opt.palette.color(QPalette.ColorRole.Text))
                painter.drawText(
                    QRectF(x, area.top(), 40, area.height()), Qt.AlignmentFlag.AlignVCenter, more
                )
                return
            chip = QRectF(x, area.top(), width, area.height())
            ink, fill = chip_colors(opt.palette, cat, kind)
            if kind == "span":
                painter.setPen(QPen(category_color(cat.color), 2))
                painter.setBrush(fill)
                painter.drawRoundedRect(chip.adjusted(1, 1, -1, -1), 8, 8)
            else:
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(fill)
                painter.drawRoundedRect(chip, 8, 8)
            painter.setPen(ink)
            painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, name)
            x += int(width) + CHIP_GAP


def _span_only(coding: object) -> frozenset[str]:
    """Categories a coder put on spans of a clause but not on the clause as a whole."""
    spans = getattr(coding, "spans", ())
    tags: frozenset[str] = getattr(coding, "tags", frozenset())
    return frozenset(s.category for s in spans) - tags


def markdown_row_formats(raw: str, text: str, where: list[int]) -> list[QTextLayout.FormatRange]:
    """A row's markdown shown as in the clause pane: markers shrunk away, emphasis applied.

    ``where`` maps each code point of ``raw`` to its place in the compacted ``text``."""
    out = []
    for mark in markup(raw):
        if mark.style not in ("marker", "bold", "italic"):
            continue
        start, end = where[mark.start], where[mark.end]
        if end <= start:
            continue
        fr = QTextLayout.FormatRange()
        fr.start = utf16_index(text, start)
        fr.length = utf16_index(text, end) - fr.start
        fmt = QTextCharFormat()
        if mark.style == "marker":
            fmt.setFontPointSize(1.0)
            fmt.setForeground(QColor(0, 0, 0, 0))
        elif mark.style == "bold":
            fmt.setFontWeight(QFont.Weight.Bold)
        else:
            fmt.setFontItalic(True)
        fr.format = fmt
        out.append(fr)
    return out


def search_formats(pattern: re.Pattern[str], text: str) -> list[QTextLayout.FormatRange]:
    """Highlights for the matches of ``pattern`` in a row's display ``text`` (UTF-16 ranges)."""
    out = []
    for match in pattern.finditer(text):
        if match.end() == match.start():
            continue
        fr = QTextLayout.FormatRange()
        fr.start = utf16_index(text, match.start())
        fr.length = utf16_index(text, match.end()) - fr.start
        fmt = QTextCharFormat()
        fmt.setBackground(QColor(SEARCH_HIT))
        fmt.setForeground(QColor("#000000"))  # dark on yellow, in light and dark palettes
        fr.format = fmt
        out.append(fr)
        if len(out) >= 200:  # a pattern matching every character is not worth painting
            break
    return out


def draw_item_panel(
    delegate: QStyledItemDelegate, painter: QPainter, option: QStyleOptionViewItem, index: Index
) -> QStyleOptionViewItem:
    """Draw the style's item background (selection, hover, focus) and return the option used."""
    opt = QStyleOptionViewItem(option)
    delegate.initStyleOption(opt, index)
    opt.text = ""
    style = opt.widget.style() if opt.widget else None
    if style is not None:
        style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, opt, painter, opt.widget)
    return opt
