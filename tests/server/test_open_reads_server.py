"""Issue 15 follow-up on a real PostgreSQL: windows opened while another connection holds the
table their opening reads.

The codebook editor (category table) and the agreement window (setting and coder tables: the
blind-mode check, then its plans and coders) must open without holding the window: the action
returns at once, the window's timers fire while the read waits, and the data shows once the lock
is released.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

import threading
import time

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from annotator.gui.agreement_view import AgreementView
from annotator.gui.codebook_editor import CodebookEditor
from annotator.gui.main_window import MainWindow
from tests.gui.conftest import settle
from tests.server.conftest import Team
from tests.server.test_plan_loading_server import window as window  # the fixture
from tests.server.test_saving_dialogs_server import hold_lock_on
from tests.server.test_saving_server import pump_until

AT_ONCE = 0.3  # the lock is held 1.5 s: an action that waited for it would take longer


def test_the_codebook_editor_opens_while_its_table_is_locked(
    qtbot: QtBot, team: Team, window: MainWindow
) -> None:
    locked = threading.Event()
    holder = hold_lock_on(team, "category", 1.5, locked)
    started = time.monotonic()
    window.actions_["codebook"].trigger()
    assert time.monotonic() - started < AT_ONCE
    editor = QApplication.activeModalWidget()
    assert isinstance(editor, CodebookEditor)
    assert editor.heading.text() == "Loading the codebook…"
    qtbot.keyClick(editor.show_retired, Qt.Key.Key_Space)  # the editor answers meanwhile
    assert editor.show_retired.isChecked()
    ticks = pump_until(lambda: editor.tree.topLevelItemCount() > 0, 15)
    holder.join()
    assert ticks > 3
    assert editor.item("territorial") is not None
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    settle(window)
    assert window.errors == []  # type: ignore[attr-defined]


def test_the_agreement_window_opens_while_its_tables_are_locked(
    qtbot: QtBot, team: Team, window: MainWindow
) -> None:
    window.confirm = lambda *_args: True  # type: ignore[method-assign]
    locked = threading.Event()
    holder = hold_lock_on(team, "coder", 1.5, locked)
    started = time.monotonic()
    window.actions_["agreement"].trigger()
    assert time.monotonic() - started < AT_ONCE
    row = window.clause_view.current_row()
    window.clause_view.setFocus()
    qtbot.keyClick(window.clause_view, Qt.Key.Key_J)  # the window answers while the check waits
    assert window.clause_view.current_row() == row + 1
    ticks = pump_until(lambda: "agreement" in window.tools.views, 15)
    view = window.tools.views["agreement"]
    assert isinstance(view, AgreementView)
    pump_until(lambda: view.report is not None, 15)
    holder.join()
    assert ticks > 3
    assert view.document_combo.count() == 3  # all plans, and the two plans
    view.close()
    settle(window)
    assert window.errors == []  # type: ignore[attr-defined]
