"""Painting a plan row: its title on up to two lines and a progress bar with "coded/total"."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from annotator.gui.delegates import draw_item_panel
from annotator.gui.models import Role

Index = QModelIndex | QPersistentModelIndex


class DocumentDelegate(QStyledItemDelegate):
    """Paints a plan: its title and, below, a thin progress bar with "coded/total"."""

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        fm = QFontMetrics(option.font)
        return QSize(120, 8 + 2 * fm.height() + 6 + fm.height() + 8)  # two title lines

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        opt = draw_item_panel(self, painter, option, index)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        fm = QFontMetrics(opt.font)
        rect = opt.rect.adjusted(10, 8, -10, -8)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(opt.palette.color(role))
        for n, line in enumerate(title_lines(index.data(Role.LABEL) or "", fm, rect.width())):
            painter.drawText(
                QRect(rect.left(), rect.top() + n * fm.height(), rect.width(), fm.height()), 0, line
            )

        coded, total = int(index.data(Role.CODED) or 0), int(index.data(Role.TOTAL) or 0)
        count = f"{coded}/{total}"
        count_w = max(fm.horizontalAdvance("0000/0000"), fm.horizontalAdvance(count) + 2)
        bar_top = rect.top() + 2 * fm.height() + 6
        bar = QRectF(rect.left(), bar_top + fm.height() / 2 - 3, rect.width() - count_w - 8, 6)
        trough = opt.palette.color(QPalette.ColorRole.Mid)
        trough.setAlpha(110)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(trough)
        painter.drawRoundedRect(bar, 3, 3)
        if total and coded:
            fill = QRectF(bar)
            fill.setWidth(max(6.0, bar.width() * coded / total))
            done = (
                QColor("#3d8b47")
                if coded >= total
                else opt.palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.Highlight)
            )
            if selected:
                done = opt.palette.color(QPalette.ColorRole.HighlightedText)
            painter.setBrush(done)
            painter.drawRoundedRect(fill, 3, 3)
        painter.setPen(opt.palette.color(role))
        painter.drawText(
            QRect(rect.right() - count_w, bar_top, count_w, fm.height()),
            int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
            count,
        )
        painter.restore()


def title_lines(title: str, fm: QFontMetrics, width: int) -> list[str]:
    """A plan title on at most two lines: broken between words, the second elided if need be."""
    if fm.horizontalAdvance(title) <= width:
        return [title]
    words = title.split()
    first = ""
    for i, word in enumerate(words):
        trial = f"{first} {word}".strip()
        if fm.horizontalAdvance(trial) > width:
            if not first:  # one very long word: cut it
                return [fm.elidedText(title, Qt.TextElideMode.ElideRight, width)]
            rest = " ".join(words[i:])
            return [first, fm.elidedText(rest, Qt.TextElideMode.ElideRight, width)]
        first = trial
    return [first]
