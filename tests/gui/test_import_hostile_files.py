"""File ▸ Import plan… given files that are not what their names say: the preview names each one
and its problem (no traceback), and importing imports only the good file."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from annotator.gui import file_actions
from annotator.gui.import_preview import ImportPreviewDialog
from annotator.gui.main_window import MainWindow
from tests.gui.conftest import settle, wait_for
from tests.gui.test_main_window import make_window
from tests.helpers import hostile_plans

pytestmark = [pytest.mark.gui, pytest.mark.import_preview]


@pytest.fixture
def window(qtbot: QtBot, project_path: Path) -> MainWindow:
    w = make_window(qtbot)
    assert w.open_project(project_path, [])
    settle(w)
    return w


def test_preview_names_each_hostile_file_and_imports_only_the_good_one(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    hostile = hostile_plans.build(tmp_path / "hostile")
    good = tmp_path / "framework.txt"
    good.write_text("1. The ceasefire holds.\n2. Monitors are deployed.\n", encoding="utf-8")
    files = [str(path) for path, _ in hostile.values()] + [str(good)]
    errors: list[str] = []
    window.show_error = lambda _title, message: errors.append(message)  # type: ignore[method-assign]
    assert file_actions.import_plans(window, files, True) is None
    wait_for(lambda: isinstance(QApplication.activeModalWidget(), ImportPreviewDialog))
    preview = QApplication.activeModalWidget()
    assert isinstance(preview, ImportPreviewDialog)
    for index, (path, problem) in enumerate(hostile.values()):
        preview.files.setCurrentIndex(index)
        error = preview.current.error
        assert str(path) in error and problem in error, error
        assert "\n" not in error and "Traceback" not in error
        assert f"{path.name}</b>: cannot be read" in preview.heading.text()
        assert preview.preview.counts.text() == "This file will be skipped."
    preview.files.setCurrentIndex(len(files) - 1)
    assert not preview.current.error
    qtbot.keyClick(preview, Qt.Key.Key_Return)
    settle(window)
    wait_for(lambda: window.documents.rowCount() == 1)
    assert window.workspace is not None
    assert [d.title for d in window.workspace.project.documents()] == ["framework"]
