"""Issue 15 follow-up: the codebook editor's name prompt and colour picker open without a nested
event loop.

Both are window-modal over the editor through ``gui/modal.open_modal``: the key that opens one
returns at once, and a save still running behind it (slowed here, on a project made to behave
like a team server) finishes in the application's own loop, its "Saving…" line cleared while the
prompt is up. The answer is written once, and a refused one is one line, no traceback.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QColorDialog, QDialog, QLineEdit
from pytestqt.qtbot import QtBot

from annotator.core.errors import EditError
from annotator.gui.codebook_editor import CodebookEditor
from annotator.gui.main_window import MainWindow
from annotator.services import codebook
from tests.gui.conftest import activate, settle, wait_for
from tests.gui.test_saving import LOCK_TIMEOUT, screenshots, slow_server, slowed
from tests.gui.test_saving import window as window  # the fixture
from tests.gui.test_saving_dialogs import AT_ONCE, category_names, fresh, timed

pytestmark = pytest.mark.gui


@pytest.fixture
def editor(qtbot: QtBot, window: MainWindow) -> Iterator[CodebookEditor]:
    assert window.workspace is not None
    dialog = CodebookEditor(window.workspace, window)  # the real prompts: no hook replaced
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.select("territorial")
    yield dialog
    window.ops.changed.disconnect(dialog._edited)


def prompt() -> QDialog:
    ask = QApplication.activeModalWidget()
    assert isinstance(ask, QDialog) and ask.objectName() == "askText"
    assert ask.windowModality() == Qt.WindowModality.WindowModal
    return ask


def type_name(qtbot: QtBot, ask: QDialog, name: str) -> None:
    line = ask.findChild(QLineEdit)
    assert line is not None
    line.selectAll()
    qtbot.keyClicks(line, name)
    qtbot.keyClick(line, Qt.Key.Key_Return)


def test_prompt_and_picker_open_while_a_save_runs_and_their_answers_are_written(
    qtbot: QtBot,
    window: MainWindow,
    editor: CodebookEditor,
    project_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    slow_server(monkeypatch, 0)
    slowed(codebook, "update_category", 0.6, monkeypatch)
    tree = editor.tree
    # F2: the prompt opens and the key returns at once.
    assert timed(lambda: qtbot.keyClick(tree, Qt.Key.Key_F2)) < AT_ONCE
    type_name(qtbot, prompt(), "Land")
    assert QApplication.activeModalWidget() is None
    assert "Saving the name of “Territorial”…" in editor.status.text()
    # Ctrl+K while the name is saving: the picker opens at once; the save finishes behind it.
    assert timed(
        lambda: qtbot.keyClick(tree, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    ) < (AT_ONCE)
    picker = QApplication.activeModalWidget()
    assert isinstance(picker, QColorDialog) and picker.objectName() == "categoryColour"
    assert picker.windowModality() == Qt.WindowModality.WindowModal
    picker.grab().save(str(screenshots() / "codebook-colour-picker.png"))
    wait_for(lambda: not window.ops.writes_pending())  # committed while the picker is up
    assert category_names(project_path)["territorial"] == "Land"
    assert editor.status.text() == "" and QApplication.activeModalWidget() is picker
    picker.setCurrentColor(QColor("#aa1133"))
    qtbot.keyClick(picker, Qt.Key.Key_Return)
    assert QApplication.activeModalWidget() is None
    activate(editor)  # back from the picker: Ctrl+N is the editor's shortcut
    # Ctrl+N while the colour saves: the name prompt opens at once.
    assert timed(
        lambda: qtbot.keyClick(tree, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    ) < (AT_ONCE)
    ask = prompt()
    assert ask.windowTitle() == "New category"
    ask.grab().save(str(screenshots() / "codebook-name-prompt.png"))
    type_name(qtbot, ask, "Sanctions")
    settle(window)
    with fresh(project_path) as project:
        assert {c.key: c.color for c in project.categories()}["territorial"] == "#aa1133"
    assert category_names(project_path)["sanctions"] == "Sanctions"
    assert editor.current_key() == "sanctions"  # selected once saved


def test_a_cancelled_prompt_writes_nothing_and_a_refused_answer_is_one_line(
    qtbot: QtBot,
    window: MainWindow,
    editor: CodebookEditor,
    project_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    slow_server(monkeypatch, 0)
    slowed(codebook, "update_category", 0.3, monkeypatch, EditError(LOCK_TIMEOUT))
    ws = window.workspace
    assert ws is not None
    steps = ws.undo_stack.count()
    qtbot.keyClick(editor.tree, Qt.Key.Key_F2)
    qtbot.keyClick(prompt(), Qt.Key.Key_Escape)
    assert QApplication.activeModalWidget() is None and not window.ops.writes_pending()
    qtbot.keyClick(editor.tree, Qt.Key.Key_F2)
    type_name(qtbot, prompt(), "Land")
    settle(window)
    shown = editor.status.text()
    assert "Not saved: the name of “Territorial”. Another user holds this row" in shown
    assert "\n" not in shown and "Traceback" not in capsys.readouterr().err
    assert category_names(project_path)["territorial"] == "Territorial"
    assert ws.undo_stack.count() == steps
