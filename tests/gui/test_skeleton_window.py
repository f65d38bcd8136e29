"""The start-up frame: MainWindow(skeleton=True) paints before the panels exist; build() adds
them once, with the saved layout; closing a frame never overwrites that layout."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDockWidget
from pytestqt.qtbot import QtBot

from annotator.gui.main_window import MainWindow
from annotator.gui.settings import load_bytes

pytestmark = pytest.mark.gui


def test_frame_then_build_gives_the_whole_window_with_its_saved_layout(qtbot: QtBot) -> None:
    first = MainWindow()
    qtbot.addWidget(first)
    first.show()
    first.docks["plans"].hide()  # the user closed the plan list
    first.close()
    saved = load_bytes("window/state")
    assert saved is not None

    frame = MainWindow(skeleton=True)
    qtbot.addWidget(frame)
    frame.show()
    assert not frame.built
    assert frame.centralWidget() is None and not frame.findChildren(QDockWidget)
    assert frame.statusBar().currentMessage() == "Opening project…"

    frame.build()
    assert frame.built and frame.centralWidget() is not None
    assert set(frame.docks) == {"plans", "codebook"}
    assert frame.docks["plans"].isHidden() and not frame.docks["codebook"].isHidden()
    assert "next_uncoded" in frame.actions_ and frame.statusBar().currentMessage() == ""
    view = frame.clause_view
    frame.build()  # once only
    assert frame.clause_view is view and len(frame.findChildren(QDockWidget)) == 2
    frame.close()


def test_closing_a_frame_keeps_the_saved_layout(qtbot: QtBot) -> None:
    whole = MainWindow()
    qtbot.addWidget(whole)
    whole.show()
    whole.close()
    saved = load_bytes("window/state")
    frame = MainWindow(skeleton=True)
    qtbot.addWidget(frame)
    frame.show()
    frame.close()  # before build(): no docks, no state worth saving
    assert load_bytes("window/state") == saved
    frame.shutdown()  # nothing opened: nothing to close, no error
