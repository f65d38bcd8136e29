"""Large text (Preferences ▸ text size) in a small window: a long plan title must not widen the
window past the screen (the clause panel was pushed off its right edge, everything clipped), and
the clause list keeps most of a narrow row for the clause's words, not for its label."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication
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


def test_the_label_column_leaves_a_narrow_row_to_the_clause_text(window: MainWindow) -> None:
    delegate, view = window.clause_view.clause_delegate, window.clause_view
    width = 400
    assert delegate.label_width > width // 4  # "Preamble ¶2" in bold at 20 pt
    font_metrics = view.fontMetrics()
    assert delegate._text_width(width, font_metrics) >= width * 0.6
