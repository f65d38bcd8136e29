"""Room for the clause list when the window is narrow or short (a small screen, large text).

QMainWindow takes a narrowed window's width from its central widget first, so the side panels
keep their widths and the clause list ends up a sliver. After a resize, the panels beside it
give back width (down to their least) until the clause list has :data:`CENTRE_SHARE` of the
window; a panel the coder widened by hand in a wide window is left as it is.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QDockWidget, QFrame, QMainWindow, QScrollArea, QWidget

#: The least share of the window's width the central widget gets back from the side panels.
CENTRE_SHARE = 0.45


def make_room(window: QMainWindow, docks: list[QDockWidget]) -> None:
    """Narrow the visible, docked side panels of ``window`` in proportion to their widths so the
    central widget has at least :data:`CENTRE_SHARE` of the window's width."""
    centre = window.centralWidget()
    if centre is None:
        return
    side = [
        d
        for d in docks
        if d.isVisible()
        and not d.isFloating()
        and window.dockWidgetArea(d)
        in (Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea)
    ]
    wanted = int(window.width() * CENTRE_SHARE)
    short = wanted - centre.width()
    total = sum(d.width() for d in side)
    if short <= 0 or total <= 0:
        return
    widths = [
        max(d.minimumSizeHint().width(), d.width() - short * d.width() // total) for d in side
    ]
    window.resizeDocks(side, widths, Qt.Orientation.Horizontal)


def scrolled(column: QWidget) -> QScrollArea:
    """``column`` in a frameless vertical scroll area: when the window is too short for it (large
    text, a small screen) it scrolls instead of clipping its labels, and its wrapped labels do not
    demand more width to fit the height (which made the panel wider as the window got shorter)."""
    area = _VerticalScroll()
    area.setObjectName("codebookScroll")
    area.setWidget(column)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    return area


class _VerticalScroll(QScrollArea):
    """As narrow as its content allows (never clipped sideways), as short as one wants."""

    def minimumSizeHint(self) -> QSize:
        inner = self.widget()
        least = inner.minimumSizeHint().width() if inner is not None else 0
        bar = self.verticalScrollBar().sizeHint().width()
        return QSize(least + bar, super().minimumSizeHint().height())
