"""The reading position is remembered at once and written to the settings file a moment later."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from annotator.gui.settings import ProjectSettings, flush_settings
from tests.gui.conftest import wait_for


def test_position_reads_back_at_once_and_reaches_the_file_soon(
    qtbot: QtBot, tmp_path: Path
) -> None:
    first = ProjectSettings(tmp_path / "p.sqlite")
    first.set_clause_id("doc", 42)
    # Another window (a new ProjectSettings) sees it before it is written.
    assert ProjectSettings(tmp_path / "p.sqlite").clause_id("doc") == 42
    key = f"{first.group}/clause/doc"
    wait_for(lambda: QSettings().value(key) == "42")
    first.set_clause_id("doc", None)
    assert first.clause_id("doc") is None
    flush_settings()
    assert QSettings().value(key) is None
    assert QSettings().value(f"{first.group}/path") == str(tmp_path / "p.sqlite")
