"""Issue 15: a read a window makes as it opens that fails is one line, never a traceback.

On a team server the codebook editor, the plan properties, the agreement, disagreements, compare
and export windows read a little as they open (one to four queries: measured in
tests/benchmarks/bench_dialog_open.py). A server that does not answer within its timeouts, or a
lost connection, must end in a message naming what could not open, with no window left half
built and nothing on stderr. (The codebook editor and the agreement window open at once and
say it inline: tests/gui/test_open_reads_background.py.)
"""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from annotator.core.errors import ProjectError
from annotator.gui.main_window import MainWindow
from annotator.services.project import Project
from tests.gui.conftest import settle
from tests.gui.test_saving import window as window  # the fixture

pytestmark = pytest.mark.gui

WHY = "the team server did not answer within 15 s (statement timeout)"


@pytest.mark.parametrize(
    ("action", "read", "title"),
    [
        ("properties", "document", "Cannot open the plan's properties"),
        ("disagreements", "coders", "Cannot open the disagreements"),
    ],
)
def test_a_failed_read_as_a_window_opens_is_one_message(
    qtbot: QtBot,
    window: MainWindow,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    action: str,
    read: str,
    title: str,
) -> None:
    def fails(*_args: object, **_kwargs: object) -> object:
        raise ProjectError(WHY)

    shown: list[tuple[str, str]] = []
    window.ops.report = lambda t, m: shown.append((t, m))
    window.confirm = lambda *_args: True  # type: ignore[method-assign]
    monkeypatch.setattr(Project, read, fails)
    window.actions_[action].trigger()
    settle(window)
    assert shown == [(title, WHY)]
    assert "Traceback" not in capsys.readouterr().err
    assert QApplication.activeModalWidget() is None
