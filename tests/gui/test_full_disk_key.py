"""A coding key on a disk another program has just filled: one clear message, nothing lost.

The project lives on a small tmpfs; the disk is filled from outside the window's code (a filler
file written to the last byte) after the project is open. The key must say why it did not save,
show no chip for a tag that is not in the file, keep the work saved before, and work again once
space is freed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from annotator.services.project import Project
from tests.gui.conftest import settle
from tests.gui.test_coding_features import go
from tests.gui.test_main_window import KEY1, chips, make_window
from tests.storage.test_disk_errors import _fill, _tmpfs, needs_tmpfs

pytestmark = pytest.mark.gui


def _tags(path: Path, label: str) -> set[str]:
    with Project.open(path, create=False, seed_samples=False) as project:
        (coder,) = [c.id for c in project.coders()]
        clause = next(c for c in project.clauses(KEY1) if c.label == label)
        return set(project.clause_coding(clause.id, coder).tags)


@needs_tmpfs
def test_a_key_on_a_full_disk_says_so_and_loses_nothing(
    qtbot: QtBot, tmp_path: Path, plan_files: tuple[Path, Path]
) -> None:
    with _tmpfs(tmp_path / "disk", "8m") as disk:
        path = disk / "project.sqlite"
        window = make_window(qtbot)
        assert window.open_project(path, [str(p) for p in plan_files])
        settle(window)
        window.open_document(KEY1)
        window.clause_view.setFocus()
        view = window.clause_view
        go(window, "1")
        qtbot.keyClick(view, Qt.Key.Key_1)
        settle(window)
        shown: list[str] = []
        window.ops.report = lambda _title, text: shown.append(text)  # the box it would show
        filler = _fill(disk)
        for label in ("2", "3"):  # a second key on the full disk must not make it worse
            go(window, label)
            qtbot.keyClick(view, Qt.Key.Key_1)
            settle(window)
        assert len(shown) == 2, shown  # one box per key, each saying why
        assert all("full" in m and "nothing was changed" in m for m in shown), shown
        assert chips(window, "2") == chips(window, "3") == []  # no chip for what is not saved
        filler.unlink()
        qtbot.keyClick(view, Qt.Key.Key_1)
        settle(window)
        assert chips(window, "3") == ["Security guarantee"] and len(shown) == 2
        window.close()
        assert _tags(path, "1") == {"security_guarantee"}
        assert _tags(path, "2") == set()
        assert _tags(path, "3") == {"security_guarantee"}
