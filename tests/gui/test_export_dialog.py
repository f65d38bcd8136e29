"""The export dialog: the preview shows what will be written; the file is written, or nothing."""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from annotator.core.datasets import LONG_COLUMNS, WIDE_FIXED
from annotator.gui.export_dialog import FORMATS, PREVIEW_ROWS, ExportDialog
from annotator.gui.workspace import Workspace
from annotator.services.project import Project
from tests.gui.conftest import PLAN, SECOND, wait_for

pytestmark = pytest.mark.gui

CATS = ("security_guarantee", "territorial", "economic", "military_cap")


@pytest.fixture
def workspace(project_path: Path) -> Iterator[Workspace]:
    """Olena tags every numbered point with all four categories; Ivan tags one point."""
    project = Project.open(project_path, seed_samples=False)
    project.import_text("Framework", PLAN)
    project.import_text("Counter-proposal", SECOND)
    olena, ivan = project.add_coder("Olena"), project.add_coder("Ivan")
    for doc in project.documents():
        for clause in project.clauses(doc.key):
            if clause.kind == "point":
                for cat in CATS:
                    project.toggle_tag(olena.id, clause.id, cat)
    framework = next(d.key for d in project.documents() if d.title == "Framework")
    first = next(c for c in project.clauses(framework) if c.label == "1")
    project.toggle_tag(ivan.id, first.id, "territorial")
    yield Workspace(project, olena.id)
    project.close()


POINTS = 4 + 2  # numbered points in PLAN and SECOND
CLAUSES = POINTS + 2  # and a heading each
OLENA_TAGS = POINTS * len(CATS)


@pytest.fixture
def dialog(qtbot: QtBot, workspace: Workspace) -> ExportDialog:
    d = ExportDialog(workspace)
    qtbot.addWidget(d)
    d.show()
    previewed(d)
    return d


def previewed(d: ExportDialog) -> None:
    """Wait for the preview, read on the runner's thread."""
    wait_for(lambda: not d.preview_pending, 60)


def choose(d: ExportDialog, fmt: str, scope: str = "all") -> None:
    d.format.setCurrentIndex([f.key for f in FORMATS].index(fmt))
    d.scope.setCurrentIndex(d.scope.findData(scope))
    previewed(d)


def header(d: ExportDialog) -> list[str]:
    m = d.model
    return [m.headerData(c, Qt.Orientation.Horizontal) for c in range(m.columnCount())]


def column(d: ExportDialog, name: str) -> list[str]:
    c = header(d).index(name)
    return [d.model.index(r, c).data() for r in range(d.model.rowCount())]


def test_long_preview_shows_first_rows_and_full_count(dialog: ExportDialog) -> None:
    choose(dialog, "long")
    assert header(dialog) == list(LONG_COLUMNS)
    assert dialog.model.rowCount() == PREVIEW_ROWS
    total = OLENA_TAGS + 1
    assert f"{total} tag rows (showing the first {PREVIEW_ROWS})" in dialog.summary.text()
    assert set(column(dialog, "category_key")) <= set(CATS)


def test_scope_narrows_the_preview(dialog: ExportDialog) -> None:
    choose(dialog, "long", "coder")
    assert set(column(dialog, "coder_name")) == {"Olena"}
    assert f"{OLENA_TAGS} tag rows" in dialog.summary.text()


def test_wide_and_plans_previews(dialog: ExportDialog) -> None:
    choose(dialog, "wide")
    assert header(dialog) == [*WIDE_FIXED, *sorted(CATS)]  # the exchange lists keys sorted
    assert dialog.model.rowCount() == CLAUSES
    assert f"{CLAUSES} clause rows (all shown)" in dialog.summary.text()
    # Framework point 1: territorial applied by both coders, the others by Olena only.
    cells = list(zip(column(dialog, "document_title"), column(dialog, "clause_label"), strict=True))
    row = cells.index(("Framework", "1"))
    values = {h: dialog.model.index(row, c).data() for c, h in enumerate(header(dialog))}
    assert (values["territorial"], values["economic"], values["coders_reviewed"]) == ("2", "1", "2")
    choose(dialog, "plans")
    assert sorted(column(dialog, "title")) == ["Counter-proposal", "Framework"]
    assert "2 plan rows" in dialog.summary.text()


def test_missing_consensus_is_explained_and_blocks_export(dialog: ExportDialog) -> None:
    choose(dialog, "wide", "consensus")
    assert "consensus" in dialog.summary.text().lower()
    assert not dialog.export_button.isEnabled()
    assert dialog.model.rowCount() == 0
    choose(dialog, "wide", "all")
    assert dialog.export_button.isEnabled()


def export_to(qtbot: QtBot, d: ExportDialog, path: Path) -> tuple[str, str]:
    d.ask_path = lambda *_args: str(path)
    done: list[tuple[str, str]] = []
    d.exported.connect(lambda p, s: done.append((p, s)))
    d.export_button.click()
    wait_for(lambda: bool(done))
    assert not d.busy.isVisible()
    return done[0]


def test_long_csv_is_written_and_parses(qtbot: QtBot, dialog: ExportDialog, tmp_path: Path) -> None:
    choose(dialog, "long")
    out = tmp_path / "tags.csv"
    path, summary = export_to(qtbot, dialog, out)
    assert (path, summary) == (str(out), f"{OLENA_TAGS + 1} rows")
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == list(LONG_COLUMNS)
    assert len(rows) == OLENA_TAGS + 1
    by_coder = Counter(r["coder_name"] for r in rows)
    assert by_coder == {"Olena": OLENA_TAGS, "Ivan": 1}
    assert Counter(r["category_key"] for r in rows)["territorial"] == POINTS + 1
    assert "Wrote tags.csv" in dialog.summary.text()


def test_bom_and_suffix_are_added(qtbot: QtBot, dialog: ExportDialog, tmp_path: Path) -> None:
    choose(dialog, "plans", "coder")
    dialog.bom.setChecked(True)
    export_to(qtbot, dialog, tmp_path / "plans")
    data = (tmp_path / "plans.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(data.decode("utf-8-sig").splitlines()))
    assert {r["title"]: r["territorial_n"] for r in rows} == {
        "Framework": "4",
        "Counter-proposal": "2",
    }


def test_exchange_of_one_coder(qtbot: QtBot, dialog: ExportDialog, tmp_path: Path) -> None:
    choose(dialog, "exchange", "coder")
    out = tmp_path / "olena.json"
    export_to(qtbot, dialog, out)
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["format"] == "plan-annotations"
    assert [c["name"] for c in doc["coders"]] == ["Olena"]
    assert len(doc["annotations"]) == OLENA_TAGS


def test_xlsx_has_every_sheet(qtbot: QtBot, dialog: ExportDialog, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    choose(dialog, "xlsx")
    out = tmp_path / "data.xlsx"
    export_to(qtbot, dialog, out)
    book = load_workbook(out, read_only=True)
    assert book.sheetnames == ["long", "wide", "plans", "codebook", "provenance"]
    assert sum(1 for _ in book["long"].iter_rows()) == OLENA_TAGS + 2  # header included


def test_unwritable_path_warns_and_writes_nothing(
    qtbot: QtBot, dialog: ExportDialog, tmp_path: Path
) -> None:
    warned: list[str] = []
    dialog.warn = lambda _parent, _title, message: warned.append(message)
    choose(dialog, "long")
    out = tmp_path / "no such folder" / "tags.csv"
    dialog.ask_path = lambda *_args: str(out)
    failed: list[str] = []
    dialog.export_failed.connect(lambda _path, message: failed.append(message))
    dialog.export_button.click()
    wait_for(lambda: bool(failed))
    assert len(warned) == 1 and "cannot write" in warned[0] and "tags.csv" in warned[0]
    assert "cannot write" in dialog.summary.text()
    assert not out.exists() and not out.parent.exists()
    assert dialog.export_button.isEnabled()


def test_preview_follows_edits(dialog: ExportDialog, workspace: Workspace) -> None:
    choose(dialog, "long", "coder")
    clause = workspace.project.clauses(workspace.project.documents()[0].key)[1]
    workspace.toggle_tag(clause.id, "economic")  # removes one of Olena's tags
    previewed(dialog)
    assert f"{OLENA_TAGS - 1} tag rows" in dialog.summary.text()


def test_streaming_formats_go_from_the_tables_to_the_file_off_the_ui_thread(
    qtbot: QtBot, dialog: ExportDialog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The exchange file and the long CSV are written by the CLI's streaming service, on the
    runner's thread; nothing builds the whole document or the whole file in memory."""
    import threading

    from annotator.services import export_stream, exports

    def whole(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the export was built in memory")

    threads: list[threading.Thread] = []
    real = export_stream.write_export_file

    def streaming(*args: object, **kwargs: object) -> object:
        threads.append(threading.current_thread())
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(exports, "export_bytes", whole)
    monkeypatch.setattr("annotator.services.exchange.export_exchange_dict", whole)
    monkeypatch.setattr(export_stream, "write_export_file", streaming)
    for fmt, name in (("long", "tags.csv"), ("exchange", "all.json")):
        choose(dialog, fmt)
        export_to(qtbot, dialog, tmp_path / name)
    assert len(threads) == 2
    assert all(t is not threading.main_thread() for t in threads)
    assert len(json.loads((tmp_path / "all.json").read_text("utf-8"))["annotations"]) == (
        OLENA_TAGS + 1
    )


@pytest.mark.parametrize(
    ("fmt", "scope", "options"),
    [
        ("long", "coder", ["--coder", "Olena", "--bom"]),
        ("wide", "all", []),
        ("plans", "all", []),
        ("exchange", "coder", ["--coder", "Olena"]),
        ("exchange", "all", []),
    ],
)
def test_the_dialog_writes_what_the_cli_writes(
    qtbot: QtBot,
    dialog: ExportDialog,
    workspace: Workspace,
    tmp_path: Path,
    fmt: str,
    scope: str,
    options: list[str],
) -> None:
    from annotator.cli.main import run

    choose(dialog, fmt, scope)
    dialog.bom.setChecked("--bom" in options)
    ours = tmp_path / f"gui-{fmt}"
    export_to(qtbot, dialog, ours)
    theirs = tmp_path / f"cli-{fmt}"
    path = str(workspace.project.path)
    assert run(["export", "--project", path, "--format", fmt, "-o", str(theirs), *options]) == 0
    written = ours.with_suffix(FORMATS[[f.key for f in FORMATS].index(fmt)].suffix)
    assert written.read_bytes() == theirs.read_bytes()
