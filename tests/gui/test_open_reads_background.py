"""Issue 15 follow-up: what a window reads as it opens is read off the UI thread on a team server.

The project is a local file made to behave like a slow server (``Project.on_server`` forced on,
the read slowed or failing). Opening the codebook editor, the plan's properties, the agreement
and export windows (after the blind-mode check) and a plan opened from code must return at once;
the main window keeps answering keys (J moves the clause cursor) while the read waits, or the
window shows "Loading…" and answers its own; then the data arrives and is right. A failure is
one line, no traceback.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from annotator.core.errors import ProjectError
from annotator.gui.agreement_view import AgreementView
from annotator.gui.codebook_editor import CodebookEditor
from annotator.gui.document_dialog import DocumentDialog
from annotator.gui.export_dialog import ExportDialog
from annotator.gui.main_window import MainWindow
from annotator.services import review
from annotator.services.project import Project
from tests.gui.conftest import settle, wait_for
from tests.gui.test_main_window import KEY1, KEY2
from tests.gui.test_saving import screenshots, slowed
from tests.gui.test_saving import window as window  # the fixture

pytestmark = pytest.mark.gui

AT_ONCE = 0.25  # every read here is slowed by 0.6 s
WHY = "the team server did not answer within 15 s (statement timeout)"


@pytest.fixture
def server(window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> MainWindow:
    """The window's project behaves as a team server from now on; errors are recorded."""
    monkeypatch.setattr(Project, "on_server", property(lambda self: True))
    shown: list[tuple[str, str]] = []
    window.ops.report = lambda title, text: shown.append((title, text))
    window.errors = shown  # type: ignore[attr-defined]
    window.confirm = lambda *_args: True  # type: ignore[method-assign]
    return window


def opens_at_once(window: MainWindow, action: str) -> None:
    started = time.monotonic()
    window.actions_[action].trigger()
    assert time.monotonic() - started < AT_ONCE


def answers_j(qtbot: QtBot, window: MainWindow) -> None:
    """The main window answers a key while the read waits: J moves to the next clause."""
    view = window.clause_view
    view.setFocus()
    row = view.current_row()
    qtbot.keyClick(view, Qt.Key.Key_J)
    assert view.current_row() == row + 1


def modal_of(kind: type[QDialog]) -> Callable[[], bool]:
    return lambda: isinstance(QApplication.activeModalWidget(), kind)


def test_the_codebook_editor_opens_loading_then_shows_the_codebook(
    qtbot: QtBot, server: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    slowed(Project, "categories", 0.6, monkeypatch)
    opens_at_once(server, "codebook")
    editor = QApplication.activeModalWidget()
    assert isinstance(editor, CodebookEditor)
    assert editor.heading.text() == "Loading the codebook…" and editor.tree.topLevelItemCount() == 0
    assert not editor.buttons["add"].isEnabled()
    editor.grab().save(str(screenshots() / "codebook-loading.png"))
    qtbot.keyClick(editor.show_retired, Qt.Key.Key_Space)  # the editor answers keys meanwhile
    assert editor.show_retired.isChecked()
    wait_for(lambda: editor.tree.topLevelItemCount() > 0)
    assert editor.item("economic") is not None and editor.item("territorial") is not None
    assert (
        editor.heading.text().startswith("Security guarantee") and editor.buttons["add"].isEnabled()
    )
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    settle(server)
    assert server.errors == []  # type: ignore[attr-defined]


def test_a_failed_codebook_read_is_one_line_in_the_editor(
    qtbot: QtBot,
    server: MainWindow,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    slowed(Project, "categories", 0.6, monkeypatch, ProjectError(WHY))
    opens_at_once(server, "codebook")
    editor = QApplication.activeModalWidget()
    assert isinstance(editor, CodebookEditor)
    wait_for(lambda: editor.heading.text().startswith("Cannot"))
    assert editor.heading.text() == f"Cannot open the codebook: {WHY}"
    assert server.errors == [] and "Traceback" not in capsys.readouterr().err  # type: ignore[attr-defined]
    QApplication.processEvents()  # the layout makes room for the wrapped line
    editor.grab().save(str(screenshots() / "codebook-load-failed.png"))
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert QApplication.activeModalWidget() is None


def test_plan_properties_are_read_while_the_window_answers(
    qtbot: QtBot, server: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    slowed(Project, "document", 0.6, monkeypatch)
    opens_at_once(server, "properties")
    assert QApplication.activeModalWidget() is None  # not before its data
    assert server.statusBar().currentMessage() == "Reading the plan's properties…"
    answers_j(qtbot, server)
    wait_for(modal_of(DocumentDialog))
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, DocumentDialog) and dialog.document_key == KEY1
    assert dialog.title.text() == "Framework for peace"
    assert [dialog.revises.itemData(i) for i in range(dialog.revises.count())] == [None, KEY2]
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    settle(server)


def test_a_failed_properties_read_is_one_message(
    qtbot: QtBot,
    server: MainWindow,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    slowed(Project, "document", 0.3, monkeypatch, ProjectError(WHY))
    opens_at_once(server, "properties")
    settle(server)
    assert server.errors == [("Cannot open the plan's properties", WHY)]  # type: ignore[attr-defined]
    assert "Traceback" not in capsys.readouterr().err
    assert QApplication.activeModalWidget() is None


def test_the_agreement_window_checks_blind_mode_then_loads_while_the_window_answers(
    qtbot: QtBot, server: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []
    server.confirm = lambda *args: asked.append(args[2]) or True  # type: ignore[method-assign]
    real_blind = review.blind_mode
    monkeypatch.setattr(review, "blind_mode", lambda project: (time.sleep(0.6), True)[1])
    opens_at_once(server, "agreement")
    assert "agreement" not in server.tools.views  # not before blind mode is known
    answers_j(qtbot, server)
    wait_for(lambda: "agreement" in server.tools.views)
    assert asked and "agreement between coders" in asked[0]  # blind mode on: asked once
    view = server.tools.views["agreement"]
    assert isinstance(view, AgreementView)
    assert view.overall.text() == "Loading the plans and coders…"  # its own read, slowed too
    view.grab().save(str(screenshots() / "agreement-loading.png"))
    monkeypatch.setattr(review, "blind_mode", real_blind)
    wait_for(lambda: view.report is not None)
    assert view.document_combo.count() == 3  # all plans, and the two plans
    assert not view.banner.isVisible()  # blind mode is on: no warning
    view.close()
    settle(server)
    assert server.errors == []  # type: ignore[attr-defined]


def test_a_failed_read_in_the_agreement_window_is_one_line(
    qtbot: QtBot,
    server: MainWindow,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    slowed(Project, "documents", 0.3, monkeypatch, ProjectError(WHY))
    opens_at_once(server, "agreement")
    wait_for(lambda: "agreement" in server.tools.views)
    view = server.tools.views["agreement"]
    assert isinstance(view, AgreementView)
    wait_for(lambda: view.overall.text().startswith("Cannot"))
    assert view.overall.text() == f"Cannot read the plans and coders: {WHY}"
    assert server.errors == [] and "Traceback" not in capsys.readouterr().err  # type: ignore[attr-defined]
    view.close()


def test_the_export_dialog_opens_after_the_blind_check_while_the_window_answers(
    qtbot: QtBot, server: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(review, "blind_mode", lambda project: (time.sleep(0.6), False)[1])
    opens_at_once(server, "export")
    assert QApplication.activeModalWidget() is None
    answers_j(qtbot, server)
    wait_for(modal_of(ExportDialog))
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, ExportDialog)
    settle(server)
    assert not dialog.preview_pending and "row" in dialog.summary.text()  # its preview
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    settle(server)
    assert server.errors == []  # type: ignore[attr-defined]


def test_a_failed_blind_mode_check_is_one_message_and_opens_nothing(
    qtbot: QtBot,
    server: MainWindow,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def fails(_project: Any) -> bool:
        time.sleep(0.3)
        raise ProjectError(WHY)

    monkeypatch.setattr(review, "blind_mode", fails)
    opens_at_once(server, "export")
    settle(server)
    assert server.errors == [("Cannot open the export", WHY)]  # type: ignore[attr-defined]
    assert QApplication.activeModalWidget() is None
    assert "Traceback" not in capsys.readouterr().err


def test_a_plan_opened_from_code_is_read_in_the_background(
    qtbot: QtBot, server: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    slowed(Project, "clauses", 0.6, monkeypatch)
    started = time.monotonic()
    server.open_document(KEY2)  # as after an import
    assert time.monotonic() - started < AT_ONCE
    assert server.clauses.rowCount() == 0
    assert server.navigator.loader.note.text().startswith("Loading “")
    plans = server.document_view
    plans.setFocus()
    qtbot.keyClick(plans, Qt.Key.Key_Home)  # the window answers keys meanwhile: the latest
    assert server.navigator.loader.pending == KEY1  # choice wins
    qtbot.keyClick(plans, Qt.Key.Key_End)
    assert server.navigator.loader.pending == KEY2
    wait_for(lambda: server.clauses.document_key == KEY2)
    assert server.clauses.rowCount() > 0 and not server.navigator.loader.note.isVisible()
    settle(server)
    assert server.errors == []  # type: ignore[attr-defined]


def test_the_agreement_window_reads_nothing_on_the_ui_thread(
    qtbot: QtBot, server: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from annotator.services import exchange

    threads: list[tuple[str, str]] = []

    def watched(target: Any, name: str) -> None:
        original: Callable[..., Any] = getattr(target, name)

        def call(*args: Any, **kwargs: Any) -> Any:
            threads.append((name, threading.current_thread().name))
            return original(*args, **kwargs)

        monkeypatch.setattr(target, name, call)

    for name in ("documents", "coders", "categories", "setting"):
        watched(Project, name)
    watched(exchange, "export_exchange_dict")
    server.actions_["agreement"].trigger()
    wait_for(lambda: "agreement" in server.tools.views)
    view = server.tools.views["agreement"]
    assert isinstance(view, AgreementView)
    wait_for(lambda: view.report is not None)
    assert {name for name, _ in threads} >= {"documents", "coders", "export_exchange_dict"}
    assert [name for name, thread in threads if thread == "MainThread"] == []
    shown = {view.table.item(r, 0).text() for r in range(view.table.rowCount())}  # type: ignore[union-attr]
    assert "Territorial" in shown  # the names come with the computation's codebook
    view.close()
    settle(server)


def test_the_comparison_is_read_and_computed_off_the_ui_thread_and_the_latest_rule_wins(
    qtbot: QtBot, server: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    from annotator.gui.compare_view import CompareView
    from annotator.services import exchange

    slowed(exchange, "export_exchange_dict", 0.6, monkeypatch)
    opens_at_once(server, "compare")
    wait_for(lambda: "compare" in server.tools.views)
    view = server.tools.views["compare"]
    assert isinstance(view, CompareView)
    assert view.message.text() == "Comparing…" and view.comparison is None
    view.grab().save(str(screenshots() / "compare-comparing.png"))
    qtbot.keyClick(view.rule_combo, Qt.Key.Key_Down)  # the window answers: another rule
    assert view.rule_combo.currentData() == "majority"
    wait_for(lambda: view.comparison is not None)
    settle(server)
    assert view.comparison is not None and view.comparison.rule == "majority"
    assert view.message.isHidden() and view.table.rowCount() > 1
    view.close()


def test_a_failed_comparison_is_one_line_in_the_window(
    qtbot: QtBot,
    server: MainWindow,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from annotator.gui.compare_view import CompareView
    from annotator.services import exchange

    slowed(exchange, "export_exchange_dict", 0.3, monkeypatch, ProjectError(WHY))
    opens_at_once(server, "compare")
    wait_for(lambda: "compare" in server.tools.views)
    view = server.tools.views["compare"]
    assert isinstance(view, CompareView)
    wait_for(lambda: view.message.text() != "Comparing…")
    assert view.message.text() == f"Cannot compare: {WHY}"
    assert server.errors == [] and "Traceback" not in capsys.readouterr().err  # type: ignore[attr-defined]
    view.close()
