"""The export dialog's preview: read on the runner's thread, only its head kept, and it is the
head of the file the dialog writes."""

from __future__ import annotations

import csv
import threading
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from pytestqt.qtbot import QtBot

from annotator.gui import export_dialog
from annotator.gui.export_dialog import PREVIEW_ROWS, ExportDialog
from annotator.gui.workspace import Workspace
from annotator.services.exports import write_export
from annotator.services.project import Project
from tests.gui.test_export_dialog import (  # noqa: F401  (fixtures)
    choose,
    dialog,
    previewed,
    wait_for,
    workspace,
)
from tests.helpers.bench import seed_project

pytestmark = pytest.mark.gui


def shown(d: ExportDialog) -> list[list[str]]:
    """The preview's header and rows, as text."""
    m = d.model
    head = [m.headerData(c, Qt.Orientation.Horizontal) for c in range(m.columnCount())]
    rows = [[m.index(r, c).data() for c in range(m.columnCount())] for r in range(m.rowCount())]
    return [head, *[[v.replace(" ⏎ ", "\n") for v in row] for row in rows]]


def file_head(path: Path, rows: int) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        return [row for row, _ in zip(reader, range(rows + 1), strict=False)]


@pytest.mark.parametrize(
    ("fmt", "scope", "as_csv"),
    [
        ("long", "all", "long"),
        ("long", "coder", "long"),
        ("wide", "all", "wide"),
        ("plans", "coder", "plans"),
        ("exchange", "coder", "long"),  # the tags the file holds, as the long table
        ("xlsx", "all", "long"),  # the workbook's first sheet
    ],
)
def test_the_preview_is_the_head_of_the_file_written(
    dialog: ExportDialog,  # noqa: F811
    workspace: Workspace,  # noqa: F811
    tmp_path: Path,
    fmt: str,
    scope: str,
    as_csv: str,
) -> None:
    choose(dialog, fmt, scope)
    coder = workspace.coder_id if scope == "coder" else None
    out = tmp_path / "written.csv"
    write_export(workspace.project, as_csv, out, coder=coder)
    assert shown(dialog) == file_head(out, PREVIEW_ROWS)


def test_a_big_preview_is_read_off_the_ui_thread_and_a_newer_one_supersedes_it(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "big.sqlite"
    seeded = seed_project(path, documents=1, clauses_per_doc=5000, coders=10, per_coder_clause=1)
    project = Project.open(path, seed_samples=False)
    ws = Workspace(project, seeded["coders"][0])
    gate = threading.Event()
    threads: list[threading.Thread] = []
    real = export_dialog.export_preview

    def slowed(*args, **kwargs):  # type: ignore[no-untyped-def]
        threads.append(threading.current_thread())
        gate.wait(60)  # the service is slow: held until the UI has shown it stays live
        return real(*args, **kwargs)

    monkeypatch.setattr(export_dialog, "export_preview", slowed)
    d = ExportDialog(ws)
    qtbot.addWidget(d)
    d.show()
    assert d.summary.text() == "Preparing preview…" and d.preview_pending
    ticks: list[float] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start(10)
    start = time.monotonic()
    wait_for(lambda: time.monotonic() - start > 0.5)
    assert len(ticks) >= 10  # the UI thread kept turning while the preview was read
    choose_later = [f.key for f in export_dialog.FORMATS].index("wide")
    d.format.setCurrentIndex(choose_later)  # a newer request, while the first is still held
    assert d.summary.text() == "Preparing preview…"
    gate.set()
    previewed(d)
    timer.stop()
    wait_for(lambda: not ws.ops.running(), 60)
    assert len(threads) == 2 and all(t is not threading.main_thread() for t in threads)
    assert shown(d)[0][:2] == ["document_key", "document_title"]  # the wide table, not the long
    assert d.summary.text() == f"5000 clause rows (showing the first {PREVIEW_ROWS})"
    choose(d, "long")
    assert d.summary.text() == f"50000 tag rows (showing the first {PREVIEW_ROWS})"
    out = tmp_path / "long.csv"
    write_export(project, "long", out)
    assert shown(d) == file_head(out, PREVIEW_ROWS)
    project.close()


def test_closing_the_dialog_cancels_its_preview(
    qtbot: QtBot,
    workspace: Workspace,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    gate = threading.Event()
    real = export_dialog.export_preview

    def slowed(*args, **kwargs):  # type: ignore[no-untyped-def]
        gate.wait(60)
        return real(*args, **kwargs)

    monkeypatch.setattr(export_dialog, "export_preview", slowed)
    d = ExportDialog(workspace)
    qtbot.addWidget(d)
    d.show()
    job = d._preview_job
    assert job is not None
    d.reject()  # Close, while the preview is still being read
    assert job.cancel_requested and not d.preview_pending
    gate.set()
    wait_for(lambda: job.done)
    assert job.state == "cancelled"
