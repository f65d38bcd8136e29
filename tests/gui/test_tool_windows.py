"""The base of the windows opened from menus: geometry remembered, files written atomically."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from annotator.gui.tool_windows import ToolWindow, save_file

pytestmark = pytest.mark.gui


class Probe(ToolWindow):
    pass


def test_geometry_is_remembered_between_windows(qtbot: QtBot) -> None:
    first = Probe()
    qtbot.addWidget(first)
    first.open_view()
    first.setGeometry(120, 140, 520, 330)
    first.close()
    second = Probe()
    qtbot.addWidget(second)
    second.open_view()
    assert (second.width(), second.height()) == (520, 330)


def test_save_file_replaces_whole_or_not_at_all(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    save_file(target, "first ✓")
    assert target.read_text(encoding="utf-8") == "first ✓"
    save_file(target, b"second")
    assert target.read_bytes() == b"second"
    with pytest.raises(OSError) as caught:
        save_file(tmp_path / "missing-folder" / "report.html", "x")
    assert "report.html" in str(caught.value.filename)
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]  # no temporary file left
