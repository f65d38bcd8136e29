"""Issue 15: the disagreements window reads its list off the UI thread on a team server.

The project is a local file made to behave like a slow server (``Project.on_server`` forced on,
the disagreements read slowed on the runner's thread). The window opens at once saying
"Loading…" and answers keys; the list appears when the read returns; a plan or category chosen
meanwhile wins over the older read; moving through the list reads nothing (each coder's memos
came with it); a failed read says why in the window, with no message box and no traceback.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from annotator.core.errors import ProjectError
from annotator.gui import review_reads
from annotator.gui.review_view import ReviewView
from annotator.gui.workspace import Workspace
from annotator.services.notes import set_clause_memo
from annotator.services.project import Project
from tests.gui.test_saving import screenshots
from tests.server.test_saving_server import pump_until

pytestmark = pytest.mark.gui

AT_ONCE = 0.25


@pytest.fixture
def team(project_path: Path, plan_files: tuple[Path, Path]) -> Iterator[tuple[Workspace, str]]:
    """Two coders disagreeing on two clauses (Olena's memo on the first); the reviewer's desk."""
    project = Project.open(project_path, seed_samples=False)
    key = project.import_plan(str(plan_files[0])).document_key
    ids = [c.id for c in project.clauses(key)]
    olena, taras = project.add_coder("Olena").id, project.add_coder("Taras").id
    for cid in ids[1:3]:
        project.toggle_tag(olena, cid, "economic")
        project.toggle_tag(taras, cid, "territorial")
    set_clause_memo(project, olena, ids[1], "the fund is economic")
    ws = Workspace(project, project.add_coder("Rev").id)
    errors: list[str] = []
    ws.ops.report = lambda _title, text: errors.append(text)
    ws.errors = errors  # type: ignore[attr-defined]
    yield ws, key
    ws.ops.shutdown()
    project.close()


def slow_list(
    monkeypatch: pytest.MonkeyPatch,
    seconds: Callable[[str | None], float],
    error: Exception | None = None,
) -> None:
    """A 'server' whose disagreements read takes ``seconds(category)`` (then fails)."""
    monkeypatch.setattr(Project, "on_server", property(lambda self: True))
    original: Callable[..., Any] = review_reads.disagreements

    def read(project: Project, key: str, *, category: str | None = None) -> Any:
        time.sleep(seconds(category))
        if error is not None:
            raise error
        return original(project, key, category=category)

    monkeypatch.setattr(review_reads, "disagreements", read)


def opened(qtbot: QtBot, ws: Workspace, key: str) -> tuple[ReviewView, float]:
    started = time.monotonic()
    view = ReviewView(ws, document_key=key, plans=[(key, "Framework for peace")])
    took = time.monotonic() - started
    qtbot.addWidget(view)
    view.show()
    return view, took


def test_the_window_opens_at_once_and_lists_when_the_read_returns(
    qtbot: QtBot, team: tuple[Workspace, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    ws, key = team
    slow_list(monkeypatch, lambda _category: 0.6)
    view, took = opened(qtbot, ws, key)
    assert took < AT_ONCE
    assert view.counter.text() == "Loading…" and view.list.count() == 0
    assert view.clause_text.toPlainText() == "Loading the disagreements…"
    assert not view.settle_button.isEnabled()  # nothing to settle yet
    shot = screenshots() / "15-disagreements-loading.png"
    assert view.grab().save(str(shot))
    ticks = pump_until(lambda: view.list.count() == 2, 10)
    assert ticks >= 20  # the timers kept firing while the list was read
    assert view.counter.text() == "2 disagreements, 0 settled"
    # Moving through the list reads nothing: the coders' sets and memos came with it.
    threads: list[str] = []
    for name in ("clause_coding", "coders", "coding"):
        original: Callable[..., Any] = getattr(Project, name)

        def watched(self: Project, *args: Any, _o: Callable[..., Any] = original) -> Any:
            threads.append(threading.current_thread().name)
            return _o(self, *args)

        monkeypatch.setattr(Project, name, watched)
    assert "the fund is economic" in view.coders_box.findChildren(type(view.counter))[2].text()
    qtbot.keyClick(view.list, Qt.Key.Key_Down)
    assert view.list.currentRow() == 1 and len(view.accept_buttons) == 2
    qtbot.keyClick(view.list, Qt.Key.Key_Up)
    assert threads == []
    assert ws.errors == []  # type: ignore[attr-defined]


def test_a_category_chosen_while_the_list_loads_wins(
    qtbot: QtBot, team: tuple[Workspace, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    ws, key = team
    # The first read (any category) returns last: it must be dropped.
    slow_list(monkeypatch, lambda category: 1.0 if category is None else 0.2)
    view, _took = opened(qtbot, ws, key)
    view.category_combo.setFocus()
    started = time.monotonic()
    row = view.category_combo.findData("economic")
    view.category_combo.setCurrentIndex(row)  # the reviewer narrows it meanwhile
    assert time.monotonic() - started < AT_ONCE
    pump_until(lambda: not ws.ops.running(), 10)
    assert view.category_combo.currentData() == "economic"
    assert view.counter.text() == "2 disagreements, 0 settled"
    other = next(c.key for c in ws.categories if c.key not in {"economic", "territorial"})
    view.category_combo.setCurrentIndex(view.category_combo.findData(other))
    pump_until(lambda: not ws.ops.running(), 10)
    assert view.counter.text() == "0 disagreements, 0 settled"
    assert view.clause_text.toPlainText() == "No disagreement on this plan."


def test_a_failed_list_read_says_why_in_the_window(
    qtbot: QtBot,
    team: tuple[Workspace, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    ws, key = team
    why = ProjectError("the team server did not answer within 15 s (statement timeout)")
    slow_list(monkeypatch, lambda _category: 0.2, why)
    view, _took = opened(qtbot, ws, key)
    pump_until(lambda: not ws.ops.running(), 10)
    assert view.clause_text.toPlainText() == f"Cannot read the disagreements: {why}"
    assert view.list.count() == 0 and not view.settle_button.isEnabled()
    shot = screenshots() / "15-disagreements-not-read.png"
    assert view.grab().save(str(shot))
    assert ws.errors == []  # type: ignore[attr-defined]
    assert "Traceback" not in capsys.readouterr().err


def test_locally_the_list_is_read_as_the_window_opens(
    qtbot: QtBot, team: tuple[Workspace, str]
) -> None:
    ws, key = team
    view, _took = opened(qtbot, ws, key)
    assert view.list.count() == 2 and not ws.ops.running()
