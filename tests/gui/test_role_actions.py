"""The window offers a team-server login only what its role may do, and says why.

A coder's window has Blind mode, Codebook, Import, Merge and Plan properties disabled, each with a
tooltip naming who can; a clause edit the server refuses (a colleague's clause) shows a message
and changes nothing. The owner's window has everything enabled.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from annotator.gui.main_window import MainWindow
from annotator.services.project import Project
from annotator.storage.server import add_coder_role, open_server_engine, set_blind
from tests.gui.conftest import activate, settle, wait_for
from tests.server.conftest import Team, pg_url, team  # noqa: F401 - fixtures for server tests

pytestmark = pytest.mark.gui

LEAD_ONLY = ("blind", "codebook", "import", "properties", "merge")


def _window(qtbot: QtBot, project: Project, coder: str) -> MainWindow:
    window = MainWindow(ask_name=lambda *_a: coder)
    qtbot.addWidget(window)
    activate(window)  # the test presses window shortcuts
    assert window.projects.use_project(project, coder_name=coder)
    return window


def test_a_coders_window_disables_what_the_role_cannot_do(
    qtbot: QtBot,
    team: Team,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    role = team.role("taras")
    olena = add_coder_role(team.owner, team.role("olena"), "pw-o", display_name="Olena")
    add_coder_role(team.owner, role, "pw-t", display_name="Taras")
    engine = open_server_engine(team.url(role, "pw-t"))
    team.disposables.append(engine)
    window = _window(qtbot, Project(engine), "Taras")
    acts = window.actions_
    for name in LEAD_ONLY:
        assert not acts[name].isEnabled(), name
        assert "only the team owner" in acts[name].toolTip(), name
    for name in ("split", "merge_next", "move_boundary", "flag", "key1"):
        assert acts[name].isEnabled(), name

    # Olena has coded the first point; Taras's split of it is refused with a message (naming
    # her: the team is open here, blind mode would hide who).
    set_blind(team.owner, False)
    first = Project(team.owner).clauses(team.document_key)[1]
    Project(team.owner).toggle_tag(olena, first.id, "economic")
    shown: list[str] = []
    monkeypatch.setattr(window.ops, "report", lambda _title, text: shown.append(text))
    window.open_document(team.document_key)
    settle(window)  # on a server the plan is read in the background
    window.clause_view.go_to_row(1)
    window.clause_view.setFocus()
    before = Project(team.owner).clauses(team.document_key)
    monkeypatch.setattr(window.detail, "cursor_offset", lambda: first.start + 5)
    qtbot.keyClick(
        window.clause_view,
        Qt.Key.Key_S,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    # On the server the split is a background write: the refusal comes when it ends.
    wait_for(lambda: bool(shown) and not window.ops.writes_pending())
    assert len(shown) == 1 and "carries work by Olena" in shown[0]
    assert Project(team.owner).clauses(team.document_key) == before


def test_the_owners_window_enables_everything(
    qtbot: QtBot,
    team: Team,  # noqa: F811
) -> None:
    window = _window(qtbot, Project(team.owner), "Lead")
    for name in LEAD_ONLY:
        assert window.actions_[name].isEnabled(), name


def test_the_code_menu_disables_clause_edits_on_a_colleagues_clause(
    qtbot: QtBot, tmp_path: Path
) -> None:
    from tests.gui.conftest import PLAN

    project = Project.open(tmp_path / "p.sqlite", seed_samples=False)
    key = project.import_text("Framework", PLAN).document_key
    olena = project.add_coder("Olena")
    project.add_coder("Taras")
    first = project.clauses(key)[1]
    project.toggle_tag(olena.id, first.id, "economic")
    window = _window(qtbot, project, "Taras")
    window.open_document(key)
    acts, menu = window.actions_, window.code_menu  # type: ignore[attr-defined]

    window.clause_view.go_to_row(1)  # Olena's clause
    menu.aboutToShow.emit()
    for name in ("split", "merge_next", "move_boundary"):
        assert not acts[name].isEnabled(), name
        assert "carries work by Olena" in acts[name].toolTip(), name
    menu.aboutToHide.emit()
    assert all(acts[n].isEnabled() for n in ("split", "merge_next", "move_boundary"))

    window.clause_view.go_to_row(3)  # nobody's, nor is the next
    menu.aboutToShow.emit()
    assert all(acts[n].isEnabled() for n in ("split", "merge_next", "move_boundary"))
    menu.aboutToHide.emit()
    window.clause_view.go_to_row(0)  # the heading: next is Olena's
    menu.aboutToShow.emit()
    assert acts["split"].isEnabled() and not acts["merge_next"].isEnabled()
    menu.aboutToHide.emit()
