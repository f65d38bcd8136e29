"""A combo box that shrinks with its pane: the current item elided ("…"), the whole in its tooltip.

A plain :class:`QComboBox` asks for the width of its longest item and, given less, cuts the text
off mid-letter with nothing to say so. This one asks for a few characters, shows what fits with an
ellipsis, puts the whole text in its tooltip, and opens a popup wide enough for every item.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import (
    QComboBox,
    QSizePolicy,
    QStyle,
    QStyleOptionComboBox,
    QStylePainter,
    QWidget,
)

MIN_CHARACTERS = 10  # what the combo asks for at least: "span Secu…" still says what it is


class ElidedCombo(QComboBox):
    """A combo box showing its current item elided to its width; ``hint`` is its tooltip, after
    the whole item when that does not fit."""

    def __init__(self, hint: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.hint = hint
        self.setToolTip(hint)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(MIN_CHARACTERS)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def text_rect(self) -> QRect:
        """Where the style draws the current item's text."""
        opt = QStyleOptionComboBox()
        self.initStyleOption(opt)
        field = QStyle.SubControl.SC_ComboBoxEditField
        return self.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, opt, field, self)

    def shown_text(self) -> str:
        """The current item as drawn: whole, or elided to fit."""
        width = self.text_rect().width()
        return self.fontMetrics().elidedText(self.currentText(), Qt.TextElideMode.ElideRight, width)

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QStylePainter(self)
        opt = QStyleOptionComboBox()
        self.initStyleOption(opt)
        opt.currentText = self.shown_text()
        # The tooltip follows what is drawn: the whole item only when it had to be shortened.
        whole = self.currentText()
        self.setToolTip(self.hint if opt.currentText == whole else f"{whole}\n{self.hint}")
        painter.drawComplexControl(QStyle.ComplexControl.CC_ComboBox, opt)
        painter.drawControl(QStyle.ControlElement.CE_ComboBoxLabel, opt)

    def showPopup(self) -> None:
        """The list as wide as its longest item (within the screen), not as the shrunk box."""
        view = self.view()
        wanted = view.sizeHintForColumn(0) + 2 * view.frameWidth() + 24  # room for a scroll bar
        screen = self.screen().availableGeometry().width() if self.screen() else wanted
        view.setMinimumWidth(min(wanted, screen))
        super().showPopup()
