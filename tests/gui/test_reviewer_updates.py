"""Reviewer mode on a coding key: the edited clause's row changes, in every coder's column, and
nothing else is reloaded (a reload of the whole plan per key cost half a second on 10,000 clauses).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from annotator.gui.main_window import MainWindow
from annotator.gui.models import Role
from annotator.services.project import Project
from annotator.services.review import set_blind_mode
from tests.gui.test_main_window import KEY1, make_window, row_of_label
from tests.gui.test_review_numbers import code

pytestmark = pytest.mark.gui


def columns(window: MainWindow, label: str) -> dict[str, list[str] | None]:
    """Each coder's categories on the clause as the reviewer's row shows them (None: uncoded)."""
    index = window.clauses.index(row_of_label(window, label))
    return {
        name: (None if coding is None else sorted(c.key for c in cats))
        for name, cats, coding in index.data(Role.CODERS)
    }


def test_a_key_in_reviewer_mode_updates_the_rows_edited_and_reloads_nothing(
    qtbot: QtBot, project_path: Path
) -> None:
    with Project.open(project_path, seed_samples=False) as project:
        code(project)  # Olena and Taras; Taras alone coded point 4
        set_blind_mode(project, False)
    window: MainWindow = make_window(qtbot)
    window.ask_name = lambda *_: "Olena"  # type: ignore[method-assign]
    assert window.open_project(project_path)
    window.open_document(KEY1)
    assert window.navigator.set_reviewer_mode(True)
    before_2 = columns(window, "2")
    resets: list[int] = []
    window.clauses.modelReset.connect(lambda: resets.append(1))
    changed: list[int] = []
    window.clauses.dataChanged.connect(lambda first, _last: changed.append(first.row()))

    window.clause_view.go_to_row(row_of_label(window, "4"))
    window.clause_view.setFocus()
    qtbot.keyClick(window.clause_view, Qt.Key.Key_1)  # Olena: security guarantee on point 4
    assert columns(window, "4") == {"Olena": ["security_guarantee"], "Taras": ["territorial"]}
    qtbot.keyClick(window.clause_view, Qt.Key.Key_1)  # and off again: uncoded in her column
    assert columns(window, "4") == {"Olena": None, "Taras": ["territorial"]}
    assert columns(window, "2") == before_2
    assert resets == []  # no reload of the plan
    assert set(changed) == {row_of_label(window, "4")}

    with Project.open(project_path) as fresh:  # and it is what the database says
        clause = next(c for c in fresh.clauses(KEY1) if c.label == "4")
        olena = next(c.id for c in fresh.coders() if c.name == "Olena")
        assert not fresh.clause_coding(clause.id, olena).coded
