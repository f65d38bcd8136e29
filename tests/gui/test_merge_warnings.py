"""The merge preview shows an import's warnings (stamps from a fast clock) above the counts."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from annotator.gui.merge_preview import MergePreviewDialog
from annotator.services.exchange import MergePlan

pytestmark = pytest.mark.gui


def test_preview_shows_future_stamp_warning(qtbot: QtBot) -> None:
    warning = "fast.json: 2 timestamps more than 5 minutes in the future (latest 2031-01-01)"
    plan = MergePlan(["fast.json"], {}, {}, warnings=[warning + " <&>"])
    dialog = MergePreviewDialog(plan)
    qtbot.addWidget(dialog)
    assert warning in dialog.summary.text()
    assert "&lt;&amp;&gt;" in dialog.summary.text()  # shown as text, not markup
