"""Issue 15: a span tag still saving on a team server is a memo target at once.

Its tag has no id until its write commits, so the memo's write is queued behind it on the one
write thread and looks the id up by the span's place when it runs. The project is a local file
made to behave like a slow server (see test_saving.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QTextCursor
from pytestqt.qtbot import QtBot

from annotator.core.errors import EditError
from annotator.gui.main_window import MainWindow
from tests.gui.conftest import settle
from tests.gui.test_coding_features import fresh_coding, go
from tests.gui.test_saving import screenshots, slow_server
from tests.gui.test_saving import window as window  # the fixture

pytestmark = pytest.mark.gui


def select_and_tag(window: MainWindow, start: int, end: int, shortcut: str) -> None:
    cursor = window.detail.editor.textCursor()
    cursor.setPosition(start)
    cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
    window.detail.editor.setTextCursor(cursor)
    window.commands.apply_shortcut(shortcut)


def test_a_span_still_saving_takes_a_memo_written_after_it(
    qtbot: QtBot, window: MainWindow, project_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow_server(monkeypatch, 0.5)
    ws = window.workspace
    assert ws is not None
    steps = ws.undo_stack.count()
    go(window, "2")
    select_and_tag(window, 3, 9, "3")
    assert window.ops.writes_pending()
    target = window.detail.memo_target
    assert target.count() == 2 and target.itemText(1).endswith("(saving…)")
    target.setCurrentIndex(1)
    shot = screenshots() / "15-span-memo-saving.png"
    assert window.detail.grab().save(str(shot))
    window.detail.memo_edit.setFocus()
    qtbot.keyClicks(window.detail.memo_edit, "only the fund")
    window.detail.memo_edit.commit()
    assert fresh_coding(project_path, "2").spans == ()  # neither written yet
    settle(window)
    coding = fresh_coding(project_path, "2")
    assert [s.memo for s in coding.spans] == ["only the fund"] and coding.memo == ""
    assert ws.undo_stack.count() == steps + 2  # the tag, then its memo
    # The same span stays chosen now that its tag has an id, with its memo.
    assert target.currentIndex() == 1 and not target.itemText(1).endswith("(saving…)")
    assert window.detail.memo_edit.toPlainText() == "only the fund"


def test_a_memo_on_a_span_whose_tag_failed_is_not_saved_and_says_why(
    qtbot: QtBot, window: MainWindow, project_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow_server(monkeypatch, 0.3, EditError("permission denied for table annotation"))
    errors: list[str] = []
    window.ops.report = lambda _title, text: errors.append(text)
    go(window, "2")
    select_and_tag(window, 3, 9, "3")
    window.detail.memo_target.setCurrentIndex(1)
    window.detail.memo_edit.setFocus()
    qtbot.keyClicks(window.detail.memo_edit, "only the fund")
    window.detail.memo_edit.commit()
    settle(window)
    assert fresh_coding(project_path, "2").spans == ()
    assert any("its span tag was not saved" in e for e in errors), errors
    assert window.detail.memo_target.count() == 1  # the span is gone with its failed write
