"""A big plan is kept out of the cyclic garbage collector's walks while it is shown.

With 10,000 clauses shown a full collection took ~50 ms, and Python ran one every few hundred
coding keys: a key that missed its frame. After a big plan loads, what is alive is frozen; opening
a small plan gives it back to the collector.
"""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from annotator.gui.plan_loading import FREEZE_ABOVE
from annotator.services.project import Project
from tests.gui.test_main_window import make_window
from tests.helpers.bench import numbered_plan

pytestmark = pytest.mark.gui


def test_a_big_plan_is_frozen_and_a_small_one_thaws_it(qtbot: QtBot, project_path: Path) -> None:
    with Project.open(project_path, seed_samples=False) as project:
        small = project.import_text("Small", numbered_plan(5, "Small")).document_key
        big = project.import_text("Big", numbered_plan(FREEZE_ABOVE + 1, "Big")).document_key
    window = make_window(qtbot)
    try:
        assert window.open_project(project_path)
        window.open_document(big)
        assert window.clauses.rowCount() > FREEZE_ABOVE
        assert gc.get_freeze_count() > 0
        window.open_document(small)
        assert gc.get_freeze_count() == 0
    finally:
        gc.unfreeze()  # never leave other tests' objects frozen
