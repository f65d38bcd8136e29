"""A plan's count in the plan list is right once a key's write commits, whichever plan is shown.

On a team server (here a local file made slow, as in test_saving.py) the coder presses a key and
moves to another plan before the write commits. The plan left behind must show its new count in
the list when the write commits, not the old one until it is opened again.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from annotator.core.errors import ProjectError
from annotator.gui.main_window import MainWindow
from annotator.services.project import Project
from tests.gui.conftest import settle
from tests.gui.test_coding_features import go
from tests.gui.test_main_window import KEY1, KEY2
from tests.gui.test_saving import slow_server, slowed, window

pytestmark = pytest.mark.gui
__all__ = ["window"]  # the shared fixture


def listed(w: MainWindow, key: str) -> str:
    row = w.documents.row_of(key)
    assert row is not None
    return str(w.documents.index(row).data(Qt.ItemDataRole.DisplayRole))


def stored(path: Path, key: str) -> int:
    with Project.open(path) as fresh:
        coder = fresh.coders()[0].id
        return next(d.coded for d in fresh.documents(coder) if d.key == key)


def leave_while_saving(qtbot: QtBot, w: MainWindow, key: Qt.Key, to: str) -> None:
    qtbot.keyClick(w.clause_view, key)
    assert w.ops.writes_pending()
    w.open_document(to)  # before the write commits


def test_the_plan_left_while_saving_shows_its_count_once_saved(
    qtbot: QtBot, window: MainWindow, project_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow_server(monkeypatch, 0.4)
    go(window, "2")
    leave_while_saving(qtbot, window, Qt.Key.Key_1, KEY2)
    assert listed(window, KEY1).endswith(" 0/5")  # not saved yet
    settle(window)
    assert window.navigator.shown_key() == KEY2
    assert stored(project_path, KEY1) == 1
    assert listed(window, KEY1).endswith(" 1/5")
    assert listed(window, KEY2).endswith(" 0/3")

    # And back: a key in the second plan, then the first plan shown as it commits.
    window.clause_view.go_to_row(1)
    window.clause_view.setFocus()
    leave_while_saving(qtbot, window, Qt.Key.Key_0, KEY1)
    settle(window)
    assert window.navigator.shown_key() == KEY1
    assert stored(project_path, KEY2) == 1
    assert listed(window, KEY2).endswith(" 1/3")
    assert listed(window, KEY1).endswith(" 1/5")
    assert window.progress_label.text().startswith("1 of 5")


def test_the_count_is_read_again_when_the_write_could_not_read_it(
    qtbot: QtBot, window: MainWindow, project_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The write's own read back failed (the write stands): the plan list is read again."""
    slow_server(monkeypatch, 0.4)
    slowed(Project, "coded_count", 0, monkeypatch, ProjectError("the server went away"))
    go(window, "3")
    leave_while_saving(qtbot, window, Qt.Key.Key_2, KEY2)
    settle(window)
    assert stored(project_path, KEY1) == 1
    assert listed(window, KEY1).endswith(" 1/5")
    assert listed(window, KEY2).endswith(" 0/3")
