"""The memo's target (the whole clause or a span tag) stays readable when the pane is narrow.

The combo box used to ask for its longest item's width and, given less, cut the text off
mid-letter ("span Security guarante"). Now it shows what fits with an ellipsis, the whole item
in its tooltip, and its list opens as wide as its longest item.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from annotator.gui.main_window import MainWindow
from tests.gui.test_main_window import row_of_label, window
from tests.gui.test_saving import screenshots

pytestmark = pytest.mark.gui
__all__ = ["window"]  # the shared fixture

HINT = "Write the memo on the whole clause or on one span tag"
WHOLE = "span Security guarantee: “The parties agree to a…”"


def span_chosen(w: MainWindow) -> None:
    """Two span tags on clause 1, the memo on the first one."""
    ws = w.workspace
    assert ws is not None
    w.clause_view.go_to_row(row_of_label(w, "1"))
    clause = w.clauses.clause(row_of_label(w, "1"))
    ws.toggle_span(clause.id, "security_guarantee", clause.start + 3, clause.start + 40)
    ws.toggle_span(clause.id, "economic", clause.start + 10, clause.start + 20)
    w.detail.memo_target.setCurrentIndex(1)


def pane(w: MainWindow, width: int) -> None:
    w.resize(1280, 800)
    w.resizeDocks([w.docks["codebook"]], [width], Qt.Orientation.Horizontal)
    QApplication.processEvents()


def drawn(w: MainWindow) -> tuple[str, str, int, int]:
    """(text drawn, tooltip, its width in pixels, the room for it), after a paint."""
    combo = w.detail.memo_target
    combo.repaint()
    shown = combo.shown_text()
    return (
        shown,
        combo.toolTip(),
        combo.fontMetrics().horizontalAdvance(shown),
        combo.text_rect().width(),
    )


def test_a_narrow_pane_elides_the_target_and_tells_it_whole(
    qtbot: QtBot, window: MainWindow
) -> None:
    span_chosen(window)
    combo = window.detail.memo_target
    assert combo.isVisible() and combo.currentText() == WHOLE
    pane(window, 240)
    assert window.detail.width() < 320  # as narrow as its other contents let it be
    assert combo.geometry().right() <= window.detail.contentsRect().right()  # inside the pane
    shown, tip, used, room = drawn(window)
    assert combo.width() < combo.fontMetrics().horizontalAdvance(WHOLE)  # it does not fit whole
    assert used <= room  # what is drawn fits: nothing cut off mid-letter
    assert shown.endswith("…") and shown.startswith("span Secu")
    assert tip == f"{WHOLE}\n{HINT}"
    assert window.detail.grab().save(str(screenshots() / "17-memo-target-narrow.png"))

    # Its list opens as wide as the longest item, not as the shrunk box.
    combo.showPopup()
    view = combo.view()
    assert view.width() >= view.sizeHintForColumn(0)
    combo.hidePopup()


def test_a_normal_pane_shows_the_target_whole(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    span_chosen(window)
    pane(window, 420)
    shown, tip, used, room = drawn(window)
    assert shown == WHOLE and used <= room
    assert tip == HINT
    assert window.detail.grab().save(str(screenshots() / "17-memo-target-normal.png"))
