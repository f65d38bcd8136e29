"""Issue 15 follow-up on a real PostgreSQL: Code ▸ Re-segment plan while another connection holds
the plan's table.

Another connection takes an ACCESS EXCLUSIVE lock on the document table, so reading the plan
before cutting it waits. The action must return at once with the dialog saying "Cutting…", the
dialog answer keys and the window's timers fire while the read waits, and the cut appear once the
lock is released; held past the lock timeout, the read ends in one line in the dialog.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

import threading
import time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox
from pytestqt.qtbot import QtBot

from annotator.gui.import_preview import ResegmentDialog
from annotator.gui.main_window import MainWindow
from annotator.storage.server import LOCK_TIMEOUT_MS
from tests.gui.conftest import settle
from tests.server.conftest import Team
from tests.server.test_plan_loading_server import window as window  # the fixture
from tests.server.test_saving_dialogs_server import hold_lock_on
from tests.server.test_saving_server import pump_until

AT_ONCE = 0.3  # the lock is held 1 s or more: an action that waited for it would take longer


def open_resegment(w: MainWindow) -> ResegmentDialog:
    started = time.monotonic()
    w.actions_["resegment"].trigger()
    assert time.monotonic() - started < AT_ONCE
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, ResegmentDialog)
    assert dialog.preview.counts.text() == "Cutting…" and not dialog.ok.isEnabled()
    return dialog


def test_the_plan_is_read_past_the_lock_while_the_dialog_answers(
    qtbot: QtBot, team: Team, window: MainWindow
) -> None:
    locked = threading.Event()
    holder = hold_lock_on(team, "document", 1.5, locked)
    dialog = open_resegment(window)
    cancel = dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel)
    cancel.setFocus()
    qtbot.keyClick(cancel, Qt.Key.Key_Tab)  # answered while the read waits: the focus moves
    assert dialog.focusWidget() is not cancel
    assert window.ops.running()  # still waiting for the lock
    ticks = pump_until(dialog.ok.isEnabled, 15)
    holder.join()
    assert ticks > 3  # the window's timers fired while the read waited
    labels = [window.clauses.clause(r).label for r in range(window.clauses.rowCount())]
    assert dialog.preview.labels() == labels
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    settle(window)
    assert window.errors == []  # type: ignore[attr-defined]


def test_a_read_past_the_lock_timeout_is_one_line_in_the_dialog(
    qtbot: QtBot, team: Team, window: MainWindow, capsys: pytest.CaptureFixture[str]
) -> None:
    locked = threading.Event()
    holder = hold_lock_on(team, "document", LOCK_TIMEOUT_MS / 1000 + 2, locked)
    dialog = open_resegment(window)
    pump_until(lambda: not window.ops.running(), LOCK_TIMEOUT_MS / 1000 + 10)
    holder.join()
    shown = dialog.preview.counts.text()
    assert shown.startswith("Cannot read the plan: ") and "lock timeout" in shown, shown
    assert "\n" not in shown and not dialog.ok.isEnabled()
    assert window.errors == []  # type: ignore[attr-defined]
    assert "Traceback" not in capsys.readouterr().err
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert QApplication.activeModalWidget() is None
