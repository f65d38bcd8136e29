"""Side by side shows clause text as the clause list does: a markdown plan's heading ``#`` and
emphasis ``*`` markers are formatting, not words, in the rows and in the suggestions."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from annotator.gui.side_by_side import SideBySideView
from annotator.gui.side_by_side_rows import LEFT
from annotator.gui.workspace import Workspace
from annotator.services.project import Project

pytestmark = pytest.mark.gui

MARKDOWN = "# The draft\n\n*Invented for the test.*\n\n1. A **complete** ceasefire takes effect.\n"
PLAIN = "The revision\n\nInvented for the test.\n\n1. A complete ceasefire takes effect at once.\n"


@pytest.fixture
def workspace(project_path: Path) -> Iterator[Workspace]:
    project = Project.open(project_path, seed_samples=False)
    coder = project.add_coder("Olena").id
    yield Workspace(project, coder)
    project.close()


def test_markdown_markers_are_not_shown_as_text(qtbot: QtBot, workspace: Workspace) -> None:
    project = workspace.project
    draft = project.import_text("Draft", MARKDOWN, source_name="draft.md").document_key
    revision = project.import_text("Revision", PLAIN).document_key
    view = SideBySideView(workspace, None, draft, revision)
    qtbot.addWidget(view)
    model = view.model
    shown = [model.data(model.index(r, LEFT)) for r in range(model.rowCount())]
    shown += [
        view.suggestion_table.item(r, 0).text() for r in range(view.suggestion_table.rowCount())
    ]
    texts = [t for t in shown if t]
    assert "The draft" in texts and "Invented for the test." in texts
    assert "1. A complete ceasefire takes effect." in texts
    assert not any("*" in t or t.startswith("#") for t in texts), texts
