"""File menu jobs and the menus' wiring: merge with preview and undo, export, backup, drops,
import with Cancel, and every colleague's window reachable from its menu and shortcut."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from annotator.gui import file_actions
from annotator.gui.main_window import MainWindow
from annotator.gui.merge_preview import MergePreviewDialog
from annotator.gui.models import Role
from annotator.services.exchange import write_exchange_file
from annotator.services.merge import preview_merge
from annotator.services.project import Project
from tests.gui.conftest import PLAN, finish, settle, wait_for
from tests.gui.test_main_window import KEY1, make_window, row_of_label

pytestmark = pytest.mark.gui


@pytest.fixture
def window(qtbot: QtBot, project_path: Path, plan_files: tuple[Path, Path]) -> MainWindow:
    w = make_window(qtbot)
    assert w.open_project(project_path, [str(plan_files[0])])
    settle(w)
    return w


def taras_file(tmp_path: Path, plan: Path) -> Path:
    """Another coder's exchange file: clause 1 tagged territorial."""
    other = tmp_path / "taras.sqlite"
    out = tmp_path / "Taras.plan-annotations.json"
    with Project.open(other) as p:
        p.import_plan(plan)
        coder = p.add_coder("Taras")
        clause = next(c for c in p.clauses(KEY1) if c.label == "1")
        p.toggle_tag(coder.id, clause.id, "territorial")
        write_exchange_file(p, out, coder.id)
    return out


def all_tags(path: Path) -> dict[str, set[str]]:
    with Project.open(path) as p:
        clause = next(c for c in p.clauses(KEY1) if c.label == "1")
        return {c.name: set(p.clause_coding(clause.id, c.id).tags) for c in p.coders()}


def test_merge_preview_apply_and_undo(
    qtbot: QtBot,
    window: MainWindow,
    tmp_path: Path,
    project_path: Path,
    plan_files: tuple[Path, Path],
) -> None:
    source = taras_file(tmp_path, plan_files[0])
    seen: list[MergePreviewDialog] = []

    def preview(merged, parent, answer):  # type: ignore[no-untyped-def]
        dialog = MergePreviewDialog(merged, parent)
        qtbot.addWidget(dialog)
        seen.append(dialog)
        answer(True)

    window.show_merge_preview = preview
    assert finish(file_actions.merge_files(window, [str(source)])).state == "done"
    dialog = seen[0]
    assert "Taras.plan-annotations.json" in dialog.summary.text()
    assert "1 coder," in dialog.summary.text() and "1 annotation added" in dialog.summary.text()
    counts = {
        dialog.counts.item(r, 0).text(): dialog.counts.item(r, 1).text()
        for r in range(dialog.counts.rowCount())
    }
    assert counts["Annotations added"] == "1" and counts["Coders added"] == "1"
    assert dialog.conflicts.item(0).text() == "No conflicts."
    assert all_tags(project_path)["Taras"] == {"territorial"}
    assert window.actions_["undo"].text() == "Undo Merge Taras.plan-annotations.json"
    row = row_of_label(window, "1")
    assert window.clauses.index(row).data(Role.CATEGORIES) == []  # Olena's view: not Taras's


def test_merge_undo_and_redo(
    window: MainWindow, tmp_path: Path, project_path: Path, plan_files: tuple[Path, Path]
) -> None:
    source = taras_file(tmp_path, plan_files[0])
    window.show_merge_preview = lambda merged, parent, answer: answer(True)
    errors: list[str] = []
    window.show_error = lambda title, msg: errors.append(msg)  # type: ignore[method-assign]
    finish(file_actions.merge_files(window, [str(source)]))
    window.workspace.undo_stack.undo()  # type: ignore[union-attr]
    assert errors == []
    assert "Taras" not in all_tags(project_path)
    window.workspace.undo_stack.redo()  # type: ignore[union-attr]
    assert all_tags(project_path)["Taras"] == {"territorial"}


def test_merge_declined_changes_nothing(
    window: MainWindow, tmp_path: Path, project_path: Path, plan_files: tuple[Path, Path]
) -> None:
    source = taras_file(tmp_path, plan_files[0])
    assert window.workspace is not None
    steps = window.workspace.undo_stack.count()  # importing the plans is one
    window.show_merge_preview = lambda merged, parent, answer: answer(False)
    finish(file_actions.merge_files(window, [str(source)]))
    assert "not applied" in window.statusBar().currentMessage()
    assert "Taras" not in all_tags(project_path)
    assert window.workspace.undo_stack.count() == steps


def test_bad_merge_file_reports_and_changes_nothing(
    window: MainWindow, tmp_path: Path, project_path: Path
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "plan-annotations", "version": 9}', encoding="utf-8")
    errors: list[str] = []
    window.show_error = lambda title, msg: errors.append(msg)  # type: ignore[method-assign]
    assert finish(file_actions.merge_files(window, [str(bad)])).state == "failed"
    assert errors and "bad.json" in errors[0]


def test_merge_preview_lists_conflicts(qtbot: QtBot, tmp_path: Path, project_path: Path) -> None:
    with Project.open(project_path) as p:
        p.import_text("Framework for peace", PLAN)
        data = json.loads((Path(__file__).parent / "conftest.py").read_text() and "{}")
        assert data == {}
        mine = tmp_path / "mine.json"
        write_exchange_file(p, mine)
        doc = json.loads(mine.read_text(encoding="utf-8"))
        doc["codebook"]["categories"][0]["name"] = "Renamed elsewhere"
        theirs = tmp_path / "theirs.json"
        theirs.write_text(json.dumps(doc), encoding="utf-8")
        preview = preview_merge(p, [theirs])
    dialog = MergePreviewDialog(preview)
    qtbot.addWidget(dialog)
    assert preview.conflicts and dialog.conflicts.count() == len(preview.conflicts)
    assert "theirs.json" in dialog.conflicts.item(0).text()


def test_export_annotations_default_name(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window.clause_view.go_to_row(row_of_label(window, "1"))
    window.commands.apply_shortcut("1")
    asked: list[str] = []

    def save(_parent, _title, suggested, _filter):  # type: ignore[no-untyped-def]
        asked.append(suggested)
        return str(tmp_path / suggested)

    monkeypatch.setattr(file_actions, "ask_save_file", save)
    out = file_actions.export_annotations(window)
    assert asked == ["Olena.plan-annotations.json"]
    assert out is not None
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["format"] == "plan-annotations"
    assert [c["name"] for c in doc["coders"]] == ["Olena"]
    assert [a["category"] for a in doc["annotations"]] == ["security_guarantee"]
    assert "Exported 1 annotations" in window.statusBar().currentMessage()


def test_backup_project(
    window: MainWindow, tmp_path: Path, project_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert file_actions.backup_name(Path("/x/default.annotator.sqlite"), dt.date(2026, 1, 5)) == (
        "default-2026-01-05.annotator.sqlite"
    )
    window.commands.apply_shortcut("2")
    suggested: list[str] = []
    monkeypatch.setattr(
        file_actions, "ask_save_file", lambda _p, _t, s, _f: suggested.append(s) or s
    )
    target = file_actions.backup_project(window)
    today = dt.date.today().isoformat()
    assert target == project_path.with_name(f"project-{today}.annotator.sqlite")
    assert suggested == [str(target)]
    with Project.open(target) as copy:  # a consistent, openable copy with the coding in it
        assert any(c.coded for c in copy.coding(KEY1, window.workspace.coder_id).values())  # type: ignore[union-attr]


def test_open_files_dispatch(
    window: MainWindow,
    tmp_path: Path,
    plan_files: tuple[Path, Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    exchange = taras_file(tmp_path, plan_files[0])
    other_json = tmp_path / "data.json"
    other_json.write_text('{"format": "something-else"}', encoding="utf-8")
    calls: list[tuple[str, list[str]]] = []

    def import_plans(_w: object, f: list[str], preview: bool = False) -> None:
        assert preview  # a plan from a drop or the command line is previewed, as from the menu
        calls.append(("import", list(f)))

    monkeypatch.setattr(file_actions, "import_plans", import_plans)
    monkeypatch.setattr(file_actions, "merge_files", lambda w, f: calls.append(("merge", list(f))))
    monkeypatch.setattr(file_actions, "merge_qdpx", lambda w, f: calls.append(("qdpx", [f])))
    file_actions.open_files(window, [str(plan_files[1]), str(exchange), "x.qdpx", str(other_json)])
    assert calls == [
        ("import", [str(plan_files[1]), str(other_json)]),
        ("merge", [str(exchange)]),
        ("qdpx", ["x.qdpx"]),
    ]


def test_import_several_can_be_cancelled_between_files(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = []
    for i in range(3):
        f = tmp_path / f"plan{i}.txt"
        f.write_text(f"Plan {i}\n\n1. Clause one of plan {i}.\n2. Clause two.\n", encoding="utf-8")
        files.append(str(f))
    project = window.workspace.project  # type: ignore[union-attr]
    real = project.import_plan

    def import_then_cancel(path):  # type: ignore[no-untyped-def]
        result = real(path)
        for job in window.ops.running():
            job.cancel()  # as if Cancel was pressed during the first file
        return result

    monkeypatch.setattr(project, "import_plan", import_then_cancel)
    job = finish(file_actions.import_plans(window, files))
    assert job.state == "cancelled"  # the first file stays; the others were never started
    titles = [
        window.documents.index(r).data(Role.LABEL) for r in range(window.documents.rowCount())
    ]
    assert "Plan 0" in titles and "Plan 1" not in titles
    assert "cancelled" in window.statusBar().currentMessage()
    with Project.open(window.workspace.project.path) as fresh:  # type: ignore[union-attr]
        assert sorted(d.title for d in fresh.documents()) == ["Framework for peace", "Plan 0"]


def test_import_several_without_cancel(window: MainWindow, tmp_path: Path) -> None:
    files = []
    for i in range(3):
        f = tmp_path / f"more{i}.txt"
        f.write_text(f"More {i}\n\n1. Only clause {i}.\n", encoding="utf-8")
        files.append(str(f))
    assert len(finish(file_actions.import_plans(window, files)).value) == 3
    assert window.documents.rowCount() == 4
    assert window.windowTitle() == "More 2 — Plan Annotator"


SHORTCUTS = {
    "export": "Ctrl+E",
    "properties": "Alt+Return",
    "codebook": "Ctrl+Shift+K",
    "agreement": "Ctrl+Shift+A",
    "disagreements": "Ctrl+Shift+D",
    "merge": "Ctrl+Shift+M",
    "find": "Ctrl+F",
    "find_next": "F3",
    "find_prev": "Shift+F3",
    "goto": "Ctrl+G",
    "flag": "F",
    "split": "Ctrl+Shift+S",
    "merge_next": "Ctrl+Shift+J",
    "move_boundary": "Ctrl+Shift+B",
}


def test_shortcuts_and_mnemonics(window: MainWindow) -> None:
    got = {name: window.actions_[name].shortcut().toString() for name in SHORTCUTS}
    assert got == SHORTCUTS
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles == ["&File", "&Edit", "&Navigate", "C&ode", "&Review", "&Analyse", "&Help"]
    for menu_action in window.menuBar().actions():
        texts = [a.text() for a in menu_action.menu().actions() if a.text() and not a.isSeparator()]
        mnemonics = [t[t.index("&") + 1].lower() for t in texts if "&" in t]
        assert len(mnemonics) == len(set(mnemonics)), texts  # no clashes within a menu


def close_modal_soon(seen: list[str]) -> None:
    def close() -> None:
        modal = QApplication.activeModalWidget()
        if modal is None:
            QTimer.singleShot(20, close)
            return
        seen.append(type(modal).__name__)
        assert isinstance(modal, QDialog)
        modal.reject()

    QTimer.singleShot(0, close)


def test_colleague_windows_open_from_menus(qtbot: QtBot, window: MainWindow) -> None:
    seen: list[str] = []
    for n, name in enumerate(("export", "codebook", "properties", "side_by_side"), 1):
        close_modal_soon(seen)
        window.actions_[name].trigger()  # window-modal: returns at once, no nested loop
        wait_for(lambda n=n: len(seen) == n and QApplication.activeModalWidget() is None)
    assert seen == ["ExportDialog", "CodebookEditor", "DocumentDialog", "SideBySideView"]
    for name, cls in (
        ("agreement", "AgreementView"),
        ("disagreements", "ReviewView"),
        ("compare", "CompareView"),
    ):
        window.actions_[name].trigger()
        view = window.tools.views[name]
        assert type(view).__name__ == cls and view.isVisible()
        view.close()
        wait_for(lambda n=name: n not in window.tools.views)
