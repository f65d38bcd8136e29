"""Team dialogs and the progress dock: validation, error paths, sync, polling (server optional)."""

from __future__ import annotations

import socket
import sys
import types
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from annotator.gui.ops import Operations
from annotator.gui.team_dialog import (
    ConnectDialog,
    keyring_key,
    sync_dialog,
    take_offline_copy_dialog,
)
from annotator.gui.team_progress import CELL_ROLE, TeamProgressPanel
from annotator.gui.workspace import Workspace
from annotator.services.merge import MergePreview
from annotator.services.project import Project
from annotator.storage.db import open_engine
from tests.gui.conftest import PLAN, emitted, finish, wait_for
from tests.server.conftest import Team, pg_url, team  # noqa: F401 - fixtures for server tests

pytestmark = pytest.mark.gui


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _fill(dialog: ConnectDialog, qtbot: QtBot, **fields: str | int) -> None:
    for name in ("host", "database", "user", "password_edit"):
        if name in fields:
            edit = getattr(dialog, name)
            edit.clear()
            qtbot.keyClicks(edit, str(fields[name]))
    if "port" in fields:
        dialog.port.setValue(int(fields["port"]))


@pytest.fixture
def fake_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[tuple[str, str], str]]:
    store: dict[tuple[str, str], str] = {}
    module = types.ModuleType("keyring")
    module.get_password = lambda service, key: store.get((service, key))  # type: ignore[attr-defined]
    module.set_password = lambda service, key, value: store.__setitem__((service, key), value)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "keyring", module)
    yield store


# -- ConnectDialog, no server needed -----------------------------------------------------------


def test_connect_needs_valid_fields_and_builds_a_url_without_password(qtbot: QtBot) -> None:
    dialog = ConnectDialog(use_keyring=False)
    qtbot.addWidget(dialog)
    assert dialog.error.text() == ""  # nothing typed yet: no complaint, Connect disabled
    height = dialog.database.height()
    _fill(dialog, qtbot, host="localhost", database="", user="")
    assert dialog.database.height() == height  # the message has its room: no squeezed field
    assert not dialog.connect_button.isEnabled()
    assert "database" in dialog.error.text()
    _fill(dialog, qtbot, database="Peace 2026", user="olena")
    assert not dialog.connect_button.isEnabled()
    _fill(dialog, qtbot, database="peace2026", user="")
    assert "user" in dialog.error.text()
    _fill(dialog, qtbot, user="peace2026_olena", password_edit="s3cret!", port=6543)
    assert dialog.connect_button.isEnabled() and dialog.error.text() == ""
    address = dialog.url()
    assert not hasattr(address, "password") and dialog.password() == "s3cret!"
    url = address.url()
    assert url.password is None
    assert url.render_as_string(hide_password=False) == (
        "postgresql+psycopg://peace2026_olena@localhost:6543/peace2026"
    )
    assert not dialog.remember.isVisibleTo(dialog)  # no keyring: no promise to remember


def test_unreachable_port_is_one_line_in_the_dialog_and_nothing_secret_is_saved(
    qtbot: QtBot, isolated_settings: Path
) -> None:
    dialog = ConnectDialog(use_keyring=False)
    qtbot.addWidget(dialog)
    port = _free_port()
    _fill(dialog, qtbot, host="127.0.0.1", port=port, database="peace", user="olena")
    _fill(dialog, qtbot, password_edit="hunter2-secret")
    qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)
    finish(dialog.job)
    assert dialog.result() != ConnectDialog.DialogCode.Accepted and dialog.project is None
    message = dialog.error.text()
    assert f"cannot reach the server at 127.0.0.1:{port}" in message
    assert "\n" not in message and "Traceback" not in message
    assert dialog.connect_button.isEnabled()  # the user may fix the port and try again
    saved = "".join(p.read_text() for p in isolated_settings.rglob("*") if p.is_file())
    assert "hunter2" not in saved


def test_keyring_checkbox_appears_only_with_keyring(
    qtbot: QtBot, fake_keyring: dict[tuple[str, str], str]
) -> None:
    dialog = ConnectDialog()
    qtbot.addWidget(dialog)
    assert dialog.remember.isVisibleTo(dialog)
    assert "keyring" in dialog.password_edit.placeholderText()


# -- against a real server ---------------------------------------------------------------------


def _coder_workspace(team: Team, short: str) -> Workspace:  # noqa: F811 - Team is a type
    from annotator.storage.server import add_coder_role, open_server_engine

    role = team.role(short)
    coder_id = add_coder_role(team.owner, role, f"pw-{short}")
    engine = open_server_engine(team.url(role, f"pw-{short}"))
    team.disposables.append(engine)
    errors: list[str] = []
    ops = Operations(report=lambda _title, text: errors.append(text))
    ops.errors = errors  # type: ignore[attr-defined]
    return Workspace(Project(engine), coder_id, ops=ops)


def _connect(dialog: ConnectDialog, qtbot: QtBot, team: Team, role: str, pw: str) -> None:  # noqa: F811
    from sqlalchemy.engine import make_url

    admin = make_url(team.admin_url)
    _fill(dialog, qtbot, host=str(admin.host), port=int(admin.port or 5432))
    _fill(dialog, qtbot, database=team.database, user=role, password_edit=pw)
    qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)
    finish(dialog.job)


def test_wrong_password_then_right_one_with_keyring(
    qtbot: QtBot,
    team: Team,  # noqa: F811
    fake_keyring: dict[tuple[str, str], str],
    isolated_settings: Path,
) -> None:
    from annotator.storage.server import _keyring_password, add_coder_role

    role = team.role("olena")
    olena = add_coder_role(team.owner, role, "right-pw")
    dialog = ConnectDialog()
    qtbot.addWidget(dialog)
    _connect(dialog, qtbot, team, role, "wrong-pw")
    assert dialog.project is None
    assert f"wrong user name or password for '{role}'" in dialog.error.text()

    dialog.remember.setChecked(True)
    _connect(dialog, qtbot, team, role, "right-pw")
    assert dialog.result() == ConnectDialog.DialogCode.Accepted, dialog.error.text()
    assert dialog.project is not None and dialog.coder_id == olena
    team.disposables.append(dialog.project.engine)
    # Stored where storage.server looks for it, and nowhere on disk.
    assert list(fake_keyring.values()) == ["right-pw"]
    assert _keyring_password(dialog.url().url()) == "right-pw"
    assert keyring_key(dialog.url()).startswith(f"{role}@")
    saved = "".join(p.read_text() for p in isolated_settings.rglob("*") if p.is_file())
    assert "right-pw" not in saved and team.database in saved


def test_offline_copy_and_sync_through_the_dialogs_are_undoable(
    qtbot: QtBot,
    team: Team,  # noqa: F811
    tmp_path: Path,
) -> None:
    workspace = _coder_workspace(team, "olena")
    project, me = workspace.project, workspace.coder_id
    ids = [c.id for c in project.clauses(team.document_key)]
    project.toggle_tag(me, ids[0], "economic")
    copy = tmp_path / "olena-offline.sqlite"
    assert (
        finish(take_offline_copy_dialog(workspace, None, ask_path=lambda _p: str(copy))).value
        == copy
    )

    with Project(open_engine(copy, create=False), copy) as local:
        by_span = {(c.start, c.end): c.id for c in local.clauses(team.document_key)}
        span = {c.id: (c.start, c.end) for c in project.clauses(team.document_key)}
        local.toggle_tag(me, by_span[span[ids[1]]], "military_cap")
        local.toggle_tag(me, by_span[span[ids[0]]], "economic")  # taken back offline

    seen: list[MergePreview] = []
    errors: list[str] = workspace.ops.errors  # type: ignore[attr-defined]

    def preview(merged: MergePreview, _parent: object, answer: Callable[[bool], None]) -> None:
        seen.append(merged)
        answer(True)

    finish(sync_dialog(workspace, None, ask_path=lambda _p: str(copy), preview=preview))
    # The apply is a background write on a server: the window answers while it saves.
    wait_for(lambda: not workspace.ops.writes_pending())
    assert errors == []
    assert seen[0].counts["annotations_added"] == 1
    assert seen[0].counts["annotations_deleted"] == 1
    tags = {cid: c.tags for cid, c in project.coding(team.document_key, me).items() if c.tags}
    assert tags == {ids[1]: {"military_cap"}}
    assert workspace.undo_stack.count() == 1
    workspace.undo_stack.undo()  # on a server a background write: the stack moves on commit
    wait_for(lambda: workspace.undo_stack.index() == 0)
    tags = {cid: c.tags for cid, c in project.coding(team.document_key, me).items() if c.tags}
    assert tags == {ids[0]: {"economic"}}

    # A second copy to the same file is refused with a message, not a traceback.
    assert (
        finish(take_offline_copy_dialog(workspace, None, ask_path=lambda _p: str(copy))).value
        is None
    )
    assert "new file" in errors[-1]


def test_progress_panel_shows_another_blind_coders_work_after_a_poll(
    qtbot: QtBot,
    team: Team,  # noqa: F811
) -> None:
    from annotator.storage.server import set_blind

    mine = _coder_workspace(team, "olena")
    other = _coder_workspace(team, "taras")
    set_blind(team.owner, True)
    panel = TeamProgressPanel(mine, None, interval_ms=60_000)
    qtbot.addWidget(panel)
    with emitted(panel.refreshed):
        panel.refresh()
    model = panel.model
    row = {name: r for r, (_id, name) in enumerate(model.coders)}
    total = len(mine.project.clauses(team.document_key))
    assert model.data(model.index(row[team.role("taras")], 0)) == f"0/{total}"
    ids = [c.id for c in other.project.clauses(team.document_key)]
    other.project.toggle_tag(other.coder_id, ids[0], "economic")
    other.project.mark_none(other.coder_id, ids[1])
    with emitted(panel.refreshed):
        panel.refresh()
    cell = model.index(row[team.role("taras")], 0)
    assert model.data(cell, CELL_ROLE) == (2, len(ids))
    assert mine.project.coding(team.document_key, other.coder_id) == {}  # still blind


# -- the progress panel on a local project -----------------------------------------------------


def test_progress_panel_polls_only_while_visible_and_follows_own_edits(
    qtbot: QtBot, tmp_path: Path
) -> None:
    project = Project.open(tmp_path / "p.sqlite", seed_samples=False)
    key = project.import_text("Framework", PLAN).document_key
    olena, taras = project.add_coder("Olena"), project.add_coder("Taras")
    workspace = Workspace(project, olena.id)
    panel = TeamProgressPanel(workspace, None, interval_ms=1234)
    qtbot.addWidget(panel)
    assert not panel.timer.isActive()
    with emitted(panel.refreshed):
        panel.show()
    assert panel.timer.isActive() and panel.timer.interval() == 1234
    clauses = project.clauses(key)
    model = panel.model
    assert [name for _id, name in model.coders] == ["Olena", "Taras"]
    assert model.headerData(0, Qt.Orientation.Vertical) == "Olena (you)"
    assert model.headerData(0, Qt.Orientation.Horizontal) == "Framework"
    with emitted(panel.refreshed):
        workspace.toggle_tag(clauses[0].id, "economic")  # own edit: refreshed at once
    assert model.data(model.index(0, 0)) == f"1/{len(clauses)}"
    project.toggle_tag(taras.id, clauses[2].id, "economic")  # someone else, outside the window
    with emitted(panel.refreshed):
        panel.refresh()
    assert model.data(model.index(1, 0), CELL_ROLE) == (1, len(clauses))
    assert "Taras — Framework: 1 of" in model.data(model.index(1, 0), Qt.ItemDataRole.ToolTipRole)
    panel.hide()
    assert not panel.timer.isActive()
    project.close()


def test_offline_dialogs_refuse_a_local_project(qtbot: QtBot, tmp_path: Path) -> None:
    project = Project.open(tmp_path / "p.sqlite", seed_samples=False)
    errors: list[str] = []
    ops = Operations(report=lambda _title, text: errors.append(text))
    workspace = Workspace(project, project.add_coder("Olena").id, ops=ops)
    asked: list[object] = []
    assert take_offline_copy_dialog(workspace, None, ask_path=asked.append) is None
    assert sync_dialog(workspace, None, ask_path=asked.append) is None
    assert asked == [] and len(errors) == 2 and "team server" in errors[0]
    project.close()
