"""File ▸ Connect to team server: window-modal, no nested loop, the project opened once (issue 16).

The connect job runs on the window's runner while the dialog is open; the caller returned at once
and continues in the dialog's answer. Most tests stand in for the server with a slow or local
``_open``; the last one connects to the real PostgreSQL of the server tests.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from annotator.gui import team_dialog
from annotator.gui.main_window import MainWindow
from annotator.gui.ops import ProgressBox
from annotator.gui.project_controller import ProjectController
from annotator.gui.team_dialog import ConnectDialog
from annotator.services.project import Project
from annotator.storage.db import open_engine
from tests.gui.conftest import finish, settle, wait_for
from tests.gui.test_main_window import make_window
from tests.gui.test_team_dialog import _fill, _free_port
from tests.server.conftest import Team, pg_url, team  # noqa: F401 - fixtures for the server test

pytestmark = pytest.mark.gui


@pytest.fixture
def window(qtbot: QtBot, project_path: Path, plan_files: tuple[Path, Path]) -> MainWindow:
    w = make_window(qtbot)
    assert w.open_project(project_path, [str(p) for p in plan_files])
    settle(w)
    return w


def _ask(window: MainWindow) -> ConnectDialog:
    started = time.monotonic()
    window.actions_["connect"].trigger()  # File ▸ Connect to team server…
    assert time.monotonic() - started < 2  # returned at once: no nested loop held the caller
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, ConnectDialog)
    assert dialog.windowModality() == Qt.WindowModality.WindowModal
    assert dialog.parentWidget() is window
    return dialog


def _fields(dialog: ConnectDialog, qtbot: QtBot, port: int = 5432) -> None:
    _fill(dialog, qtbot, host="127.0.0.1", port=port, database="peace", user="olena")
    _fill(dialog, qtbot, password_edit="pw")


def _server_stand_in(tmp_path: Path) -> tuple[Project, str]:
    """A project opened from an engine with no file path, as a server's is, and its coder."""
    server_file = tmp_path / "server.sqlite"
    with Project.open(server_file, seed_samples=False) as seed:
        seed.import_text("Server plan", "1. A ceasefire.\n2. A fund.\n")
        coder = seed.add_coder("Taras").id
    return Project(open_engine(server_file), None), coder


def test_a_refused_connect_stays_in_the_dialog_as_one_line(
    qtbot: QtBot, window: MainWindow, isolated_settings: Path
) -> None:
    before = window.workspace.project
    dialog = _ask(window)
    port = _free_port()
    _fields(dialog, qtbot, port)
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    job = dialog.job
    assert job is not None and window.ops.blocking_job() is job  # on the window's runner
    finish(job)
    assert job.state == "failed"
    assert QApplication.activeModalWidget() is dialog and dialog.isVisible()
    message = dialog.error.text()
    assert f"cannot reach the server at 127.0.0.1:{port}" in message
    assert "\n" not in message and "Traceback" not in message
    assert dialog.connect_button.isEnabled()
    assert window.workspace.project is before
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    wait_for(lambda: QApplication.activeModalWidget() is None)
    assert window.workspace.project is before


def test_cancel_while_connecting_cancels_the_job_and_closes_a_late_connection(
    qtbot: QtBot, window: MainWindow, isolated_settings: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = window.workspace.project
    release = threading.Event()
    closed: list[bool] = []

    class Late:
        def close(self) -> None:
            closed.append(True)

    def slow_open(_address: object, _password: str) -> tuple[Late, None]:
        assert release.wait(30)
        return Late(), None

    monkeypatch.setattr(team_dialog, "_open", slow_open)
    opened: list[object] = []
    monkeypatch.setattr(ProjectController, "open_server_project", lambda *a: opened.append(a))
    dialog = _ask(window)
    _fields(dialog, qtbot)
    qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)
    job = dialog.job
    assert job is not None and not job.done
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # Cancel while it connects
    assert job.cancel_requested
    wait_for(lambda: QApplication.activeModalWidget() is None)  # the dialog is gone at once
    release.set()  # the connection is made after all ...
    finish(job)
    assert job.state == "cancelled"
    assert closed == [True]  # ... and closed again, not handed on
    assert opened == [] and window.workspace.project is before
    assert window.ops.running() == []


def test_cancel_in_the_progress_box_stops_connecting_and_keeps_the_fields(
    qtbot: QtBot, window: MainWindow, isolated_settings: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    closed: list[bool] = []

    class Late:
        def close(self) -> None:
            closed.append(True)

    def slow_open(_address: object, _password: str) -> tuple[Late, None]:
        assert release.wait(30)
        return Late(), None

    monkeypatch.setattr(team_dialog, "_open", slow_open)
    opened: list[object] = []
    monkeypatch.setattr(ProjectController, "open_server_project", lambda *a: opened.append(a))
    dialog = _ask(window)
    _fields(dialog, qtbot)
    qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)
    wait_for(lambda: isinstance(QApplication.activeModalWidget(), ProgressBox))
    box = QApplication.activeModalWidget()
    assert isinstance(box, ProgressBox) and box.parentWidget() is dialog
    assert box.label.text() == "Connecting to 127.0.0.1…"
    qtbot.keyClick(box, Qt.Key.Key_Escape)
    wait_for(lambda: QApplication.activeModalWidget() is dialog)  # back to the fields
    release.set()
    job = finish(dialog.job)
    assert job.state == "cancelled" and closed == [True] and opened == []
    assert dialog.isVisible() and dialog.connect_button.isEnabled()
    assert dialog.database.text() == "peace"
    dialog.reject()
    wait_for(lambda: QApplication.activeModalWidget() is None)


def test_a_connect_opens_the_server_project_once(
    qtbot: QtBot,
    window: MainWindow,
    tmp_path: Path,
    isolated_settings: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    server, coder = _server_stand_in(tmp_path)
    monkeypatch.setattr(team_dialog, "_open", lambda _address, _password: (server, coder))
    switches: list[Project] = []
    real = ProjectController.open_server_project

    def counted(self: ProjectController, project: Project, coder_id: str | None) -> bool:
        switches.append(project)
        return real(self, project, coder_id)

    monkeypatch.setattr(ProjectController, "open_server_project", counted)
    dialog = _ask(window)
    _fields(dialog, qtbot)
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)  # a double Enter: still one connect
    settle(window)
    wait_for(lambda: QApplication.activeModalWidget() is None)
    assert switches == [server]
    assert window.workspace.project is server and window.workspace.coder_id == coder
    assert window.workspace.coder_name == "Taras"
    assert "team" in window.docks


def test_a_connect_to_the_real_server_opens_its_project_in_the_window(
    qtbot: QtBot,
    window: MainWindow,
    team: Team,  # noqa: F811
    isolated_settings: Path,
) -> None:
    from sqlalchemy.engine import make_url

    from annotator.storage.server import add_coder_role

    role = team.role("olena")
    olena = add_coder_role(team.owner, role, "pw-olena")
    dialog = _ask(window)
    admin = make_url(team.admin_url)
    _fill(dialog, qtbot, host=str(admin.host), port=int(admin.port or 5432))
    _fill(dialog, qtbot, database=team.database, user=role, password_edit="pw-olena")
    qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)
    finish(dialog.job)
    settle(window)
    wait_for(lambda: QApplication.activeModalWidget() is None)
    ws = window.workspace
    team.disposables.append(ws.project.engine)
    assert ws.project.on_server and ws.coder_id == olena
    assert [d.key for d in ws.project.documents()] == [team.document_key]
    assert "team" in window.docks
