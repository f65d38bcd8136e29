"""Colours, text helpers, painting and a PySide6 regression (6.12.0 on Python 3.11)."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QLabel

from annotator.gui.colors import contrast_ratio, text_on
from annotator.gui.delegates import compact, compact_text, utf16_index
from annotator.gui.detail_panel import DetailPanel
from annotator.gui.views import ClauseListView
from annotator.services.types import ClauseCoding, ClauseInfo, SpanTag
from tests.gui.test_models import CATS, TEXT, clause_model

pytestmark = pytest.mark.gui


def test_void_qt_calls_do_not_abort(qapp: QApplication) -> None:
    """PySide6 6.12.0 on Python 3.11 aborts after ~5,000 calls returning None."""
    label = QLabel()
    for i in range(20_000):
        label.setText(str(i % 10))
    assert label.text() == "9"


@pytest.mark.parametrize(
    ("background", "expected"),
    [
        ("#2f6fb0", "#ffffff"),
        ("#f5d000", "#000000"),
        ("#3d8b47", "#000000"),
        ("#8a3fa0", "#ffffff"),
    ],
)
def test_chip_text_has_the_better_contrast(background: str, expected: str) -> None:
    bg = QColor(background)
    chosen = text_on(bg)
    assert chosen.name() == expected
    other = QColor("#000000" if expected == "#ffffff" else "#ffffff")
    assert contrast_ratio(bg, chosen) >= contrast_ratio(bg, other)
    assert contrast_ratio(QColor("white"), QColor("black")) == pytest.approx(21.0)


def test_compact_maps_offsets_through_collapsed_line_breaks() -> None:
    text = "Money for\n   the east 🕊 now"
    shown, where = compact(text)
    assert shown == "Money for the east 🕊 now" == compact_text(text)
    start = text.index("the")
    assert shown[where[start] : where[start + 8]] == "the east"
    assert where[len(text)] == len(shown)
    assert utf16_index("a🕊b", 2) == 3


def test_detail_panel_converts_selection_to_code_points(qtbot) -> None:  # type: ignore[no-untyped-def]
    panel = DetailPanel()
    qtbot.addWidget(panel)
    clause = ClauseInfo(2, "1", 7, 22, "point")
    text = TEXT[7:22]
    assert text == "1. Peace 🕊 now."
    panel.show_clause(clause, text, ClauseCoding(spans=(SpanTag("a", "economic", 18, 21),)), CATS)
    # "now" starts at code point 11 in the clause, UTF-16 position 12.
    assert panel.highlighter.ranges[0][:2] == (12, 15)
    cursor = panel.editor.textCursor()
    cursor.setPosition(12)
    cursor.setPosition(15, cursor.MoveMode.KeepAnchor)
    panel.editor.setTextCursor(cursor)
    assert panel.selected_span() == (18, 21)
    assert TEXT[18:21] == "now"
    assert "Economic" in panel.tags.text() and "“now”" in panel.tags.text()


def test_clause_rows_paint_in_light_and_dark_palettes(qtbot) -> None:  # type: ignore[no-untyped-def]
    model = clause_model()
    view = ClauseListView(model)
    qtbot.addWidget(view)
    view.resize(500, 400)
    view.show()
    view.go_to_row(1)
    light = view.grab()
    dark = QPalette()
    for role, color in ((QPalette.ColorRole.Base, "#202124"), (QPalette.ColorRole.Text, "#e8eaed")):
        dark.setColor(role, QColor(color))
    view.setPalette(dark)
    image = view.grab().toImage()
    assert not light.isNull() and image.width() == 500
    # The row background follows the palette: a dark base stays dark.
    assert QColor(image.pixel(image.width() - 20, image.height() - 5)).lightness() < 80
    view.resize(200, 400)
    heights = [view.sizeHintForIndex(view.model().index(r, 0)).height() for r in range(3)]
    assert heights[2] > heights[0]  # two lines of text need more room than one
