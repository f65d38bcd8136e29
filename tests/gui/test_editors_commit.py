"""A memo being typed is never lost (issue 14.3): it is saved on close, quit, project switch and
coder switch, and by itself after a pause in typing."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from annotator.gui import detail_panel
from annotator.gui.main_window import MainWindow
from annotator.services.project import Project
from tests.gui.conftest import settle, wait_for
from tests.gui.test_coding_features import coder_id, fresh_coding, go
from tests.gui.test_main_window import make_window

pytestmark = pytest.mark.gui


@pytest.fixture
def window(qtbot: QtBot, project_path: Path, plan_files: tuple[Path, Path]) -> MainWindow:
    w = make_window(qtbot)
    assert w.open_project(project_path, [str(plan_files[0])])
    settle(w)
    return w


def type_memo(qtbot: QtBot, w: MainWindow, label: str, text: str) -> None:
    """Type into the memo of clause ``label`` and keep the focus there (nothing saved yet)."""
    go(w, label)
    memo = w.detail.memo_edit
    memo.setFocus()
    assert w.workspace is not None
    steps = w.workspace.undo_stack.count()  # importing the plan is one already
    qtbot.keyClicks(memo, text)
    assert w.workspace.undo_stack.count() == steps


def test_closing_the_window_saves_the_memo(
    qtbot: QtBot, window: MainWindow, project_path: Path
) -> None:
    type_memo(qtbot, window, "2", "typed, then closed")
    window.close()
    assert fresh_coding(project_path, "2").memo == "typed, then closed"


def test_quitting_saves_the_memo(qtbot: QtBot, window: MainWindow, project_path: Path) -> None:
    type_memo(qtbot, window, "2", "typed, then quit")
    window.shutdown()  # what run_gui does when the application quits without a close event
    assert fresh_coding(project_path, "2").memo == "typed, then quit"


def test_switching_project_saves_the_memo_in_the_project_left(
    qtbot: QtBot, window: MainWindow, project_path: Path, tmp_path: Path
) -> None:
    type_memo(qtbot, window, "3", "belongs to the first project")
    other = tmp_path / "other.annotator.sqlite"
    assert window.projects.switch_project(other, create=True)
    assert fresh_coding(project_path, "3").memo == "belongs to the first project"


def test_switching_coder_saves_the_memo_as_the_coder_who_typed_it(
    qtbot: QtBot, window: MainWindow, project_path: Path
) -> None:
    olena = coder_id(project_path)
    type_memo(qtbot, window, "1", "Olena's note")
    assert window.projects.switch_coder("Taras")
    assert fresh_coding(project_path, "1", olena).memo == "Olena's note"
    with Project.open(project_path) as fresh:
        taras = next(c.id for c in fresh.coders() if c.name == "Taras")
    assert fresh_coding(project_path, "1", taras).memo == ""


def test_memo_saves_itself_after_a_pause_in_typing(
    qtbot: QtBot, window: MainWindow, project_path: Path
) -> None:
    window.detail.memo_edit.pause.setInterval(200)  # the real pause is 1.5 s
    assert detail_panel.SAVE_AFTER_MS >= 1000  # long enough not to save mid-word
    ws = window.workspace
    assert ws is not None
    steps = ws.undo_stack.count()  # importing the plan is one already
    type_memo(qtbot, window, "2", "saved without leaving")
    wait_for(lambda: ws.undo_stack.count() == steps + 1)
    assert window.detail.memo_edit.hasFocus()  # the coder never left the editor
    assert fresh_coding(project_path, "2").memo == "saved without leaving"
    qtbot.keyClicks(window.detail.memo_edit, " and more")
    wait_for(lambda: ws.undo_stack.count() == steps + 2)  # one step per pause, not per key
    assert fresh_coding(project_path, "2").memo == "saved without leaving and more"


def test_the_current_clause_is_remembered_once_the_coder_pauses(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    from annotator.gui import navigator
    from annotator.gui.settings import ProjectSettings

    written: list[int | None] = []
    real = ProjectSettings.set_clause_id

    def counted(self: ProjectSettings, key: str, clause_id: int | None) -> None:
        written.append(clause_id)
        real(self, key, clause_id)

    monkeypatch.setattr(ProjectSettings, "set_clause_id", counted)
    assert navigator.PLACE_SAVED_AFTER_MS <= 2000
    window.navigator._place_timer.setInterval(100)
    for _ in range(5):
        window.navigator.step_clause(1)  # J, five times: no settings write per key
    assert written == []
    wait_for(lambda: bool(written))
    assert written == [window.navigator.current_clause_id()]
