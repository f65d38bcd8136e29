"""Large text (Preferences ▸ text size) in a small window: a long plan title must not widen the
window past the screen (the clause panel was pushed off its right edge, everything clipped), the
side panels give width back to the clause list when the window narrows, and the clause list keeps
most of a narrow row for the clause's words, not for its label."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from annotator.gui.main_window import MainWindow
from annotator.services.project import Project
from tests.gui.conftest import name_giver, settle
from tests.gui.test_main_window import make_window

pytestmark = pytest.mark.gui


@pytest.fixture
def large_text(qapp: QApplication) -> Iterator[None]:
    before = QFont(qapp.font())
    font = QFont(before)
    font.setPointSize(20)  # about twice the usual size
    qapp.setFont(font)
    yield
    qapp.setFont(before)


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path, large_text: None) -> MainWindow:
    path = tmp_path / "samples.sqlite"
    with Project.open(path, seed_samples=True):
        pass  # the sample plans have long titles
    w = make_window(qtbot, name_giver("Olena"))
    assert w.open_project(path)
    settle(w)
    w.resize(1024, 640)
    qtbot.wait(50)
    return w


def test_a_long_title_at_large_text_fits_a_1024_window(window: MainWindow) -> None:
    assert "Framework for a Settlement" in window.heading.text()
    assert window.minimumSizeHint().width() <= 1024
    assert window.width() == 1024
    heading = window.heading  # all of it shows, wrapped
    assert heading.heightForWidth(heading.width()) <= heading.height()
    right = window.docks["codebook"]
    assert right.geometry().right() <= window.width()  # the clause panel is on screen


def test_the_side_panels_give_a_narrowed_window_back_to_the_clause_list(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.resize(1280, 800)
    qtbot.wait(50)
    docks = list(window.docks.values())
    window.resizeDocks(docks, [280, 380], Qt.Orientation.Horizontal)  # as a new window has them
    qtbot.wait(50)
    window.resize(1000, 640)
    qtbot.wait(50)
    centre = window.centralWidget().width()
    assert centre >= 0.4 * window.width(), (centre, [d.width() for d in window.docks.values()])
    for dock in window.docks.values():
        assert dock.width() >= dock.minimumSizeHint().width()


def test_the_label_column_leaves_a_narrow_row_to_the_clause_text(window: MainWindow) -> None:
    delegate, view = window.clause_view.clause_delegate, window.clause_view
    width = 400
    assert delegate.label_width > width // 4  # "Preamble ¶2" in bold at 20 pt
    font_metrics = view.fontMetrics()
    assert delegate._text_width(width, font_metrics) >= width * 0.6


def test_the_find_bar_puts_its_options_on_a_second_row_rather_than_overlap(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.navigator.open_search()
    qtbot.keyClicks(window.search_bar.edit, "sovereign")
    qtbot.wait(200)
    bar = window.search_bar
    assert window.minimumSizeHint().width() <= 1024 and window.width() == 1024
    find = next(w for w in bar.findChildren(QLabel) if w.text() == "&Find:")
    parts = [find, bar.edit, bar.regex, bar.count, bar.prev_button]
    for part in parts:  # each whole and inside the bar: nothing cut or drawn over another
        assert part.width() >= part.minimumSizeHint().width(), part
        assert bar.rect().contains(part.geometry()), part
    rects = [p.geometry() for p in parts]
    assert not any(a.intersects(b) for i, a in enumerate(rects) for b in rects[i + 1 :]), rects
    assert bar.regex.width() >= bar.regex.sizeHint().width()  # "Regular expression" in full
    assert "clauses" in bar.count.text() and bar.count.width() >= bar.count.sizeHint().width()
    window.resize(1600, 800)
    qtbot.wait(50)
    row = bar.edit.geometry()  # one row again when there is room
    assert row.top() <= bar.regex.geometry().center().y() <= row.bottom()
