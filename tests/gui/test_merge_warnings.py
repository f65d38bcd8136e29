"""The merge preview lists an import's warnings (stamps from a fast clock) before applying."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from annotator.gui.merge_preview import MergePreviewDialog
from annotator.services.merge import MergePreview

pytestmark = pytest.mark.gui


def test_preview_shows_future_stamp_warning(qtbot: QtBot) -> None:
    warning = "fast.json: 2 timestamps more than 5 minutes in the future (latest 2031-01-01)"
    preview = MergePreview(["fast.json"], {}, {}, warnings=[warning + " <&>"])
    dialog = MergePreviewDialog(preview)
    qtbot.addWidget(dialog)
    shown = [dialog.warnings.item(i).text() for i in range(dialog.warnings.count())]
    assert shown == [warning + " <&>"]  # as text, not markup
    assert not dialog.warnings.isHidden()
