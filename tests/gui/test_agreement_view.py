"""The agreement window shows what agreement_report computes, warns when coding was not blind,
and exports CSV and a self-contained HTML page."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, Qt
from pytestqt.qtbot import QtBot

from annotator.core.agreement import agreement_report
from annotator.core.agreement.confusion import confusion_table
from annotator.core.agreement.render import DASH, alpha_svg, fmt
from annotator.gui.agreement_view import AgreementView
from annotator.gui.workspace import Workspace
from annotator.services.exchange import export_exchange_dict
from annotator.services.project import Project
from annotator.services.review import set_blind_mode
from tests.gui.conftest import PLAN, SECOND, wait_for

pytestmark = pytest.mark.gui

# Clause index (0 = heading) -> categories for each coder.
OLENA = {1: {"security_guarantee"}, 2: {"economic"}, 3: {"military_cap"}, 4: {"economic"}}
TARAS = {1: {"security_guarantee"}, 2: {"economic", "territorial"}, 3: set(), 4: {"territorial"}}


@pytest.fixture
def workspace(project_path: Path) -> Iterator[Workspace]:
    project = Project.open(project_path, seed_samples=False)
    key = project.import_text("Framework", PLAN).document_key
    project.import_text("Counter-proposal", SECOND)
    olena, taras = project.add_coder("Olena").id, project.add_coder("Taras").id
    clauses = project.clauses(key)
    for coder, plan in ((olena, OLENA), (taras, TARAS)):
        for index, cats in plan.items():
            for cat in sorted(cats):
                project.toggle_tag(coder, clauses[index].id, cat)
            if not cats:
                project.mark_none(coder, clauses[index].id)
    yield Workspace(project, olena)
    project.close()


def opened(qtbot: QtBot, ws: Workspace) -> AgreementView:
    view = AgreementView(ws, bootstrap=200)
    qtbot.addWidget(view)
    wait_for(lambda: view.report is not None)
    return view


def row_of(view: AgreementView, key: str) -> int:
    for row in range(view.table.rowCount()):
        if view.table.item(row, 0).data(Qt.ItemDataRole.UserRole) == key:
            return row
    raise AssertionError(key)


def test_table_shows_the_reports_alpha(qtbot: QtBot, workspace: Workspace) -> None:
    view = opened(qtbot, workspace)
    expected = agreement_report(export_exchange_dict(workspace.project), bootstrap=200)
    assert view.report == expected
    assert view.table.rowCount() == len(expected["per_category"])
    for key, rep in expected["per_category"].items():
        row = row_of(view, key)
        alpha = view.table.item(row, 3)
        assert alpha.data(Qt.ItemDataRole.UserRole) == rep["krippendorff_alpha"]
        assert alpha.text() == fmt(rep["krippendorff_alpha"])
        assert view.table.item(row, 1).text() == f"{rep['pairable_units']} of {rep['units']}"
    # An undefined coefficient is a dash with its reason as tooltip: military_cap has one "yes".
    masi = expected["overall"]["krippendorff_alpha_masi"]
    assert fmt(masi) in view.overall.text()
    ci = expected["overall"]["krippendorff_alpha_masi_ci"]
    assert fmt(ci["low"]) in view.overall.text() and fmt(ci["high"]) in view.overall.text()


def test_undefined_values_are_dashes_with_reasons(qtbot: QtBot, workspace: Workspace) -> None:
    project = workspace.project
    view = opened(qtbot, workspace)
    second = view.document_combo.findText("Counter-proposal")
    view.document_combo.setCurrentIndex(second)  # nobody coded it: every unit is missing
    units = len(project.clauses(view.document_combo.currentData()))
    wait_for(lambda: view.report is not None and view.report["units"] == units)
    item = view.table.item(0, 3)
    assert item.text() == DASH
    assert item.toolTip()  # the reason
    assert project.documents()  # the project is untouched


def test_not_blind_warning(qtbot: QtBot, workspace: Workspace) -> None:
    set_blind_mode(workspace.project, False)
    view = opened(qtbot, workspace)
    assert view.banner.isVisibleTo(view)
    assert "could see each other's work" in view.banner.text()
    set_blind_mode(workspace.project, True)
    blind = opened(qtbot, workspace)
    assert not blind.banner.isVisibleTo(blind)


def test_coder_filter_recomputes(qtbot: QtBot, workspace: Workspace) -> None:
    view = opened(qtbot, workspace)
    assert view.coder_button.text() == "All coders"
    view.report = None
    view.coder_actions[1].setChecked(False)  # leave Taras out
    wait_for(lambda: view.report is not None)
    assert view.report["coders"] == ["Olena"]
    assert view.coder_button.text() == "Olena"


def test_pair_matrix(qtbot: QtBot, workspace: Workspace) -> None:
    view = opened(qtbot, workspace)
    view.pair_combo.setCurrentIndex(view.pair_combo.findData("territorial"))
    rep = view.report["per_category"]["territorial"]
    assert view.pairs.rowCount() == 2
    kappa = rep["pairs"][0]["cohen_kappa"]
    assert view.pairs.item(0, 1).data(Qt.ItemDataRole.UserRole) == kappa
    assert view.pairs.item(1, 0).text() == fmt(kappa)


def test_exports(qtbot: QtBot, workspace: Workspace, tmp_path: Path) -> None:
    set_blind_mode(workspace.project, False)
    view = opened(qtbot, workspace)
    view.export_csv(tmp_path / "a.csv")
    view.export_html(tmp_path / "a.html")
    rows = list(csv.DictReader(io.StringIO((tmp_path / "a.csv").read_text(encoding="utf-8"))))
    per = view.report["per_category"]
    assert [r["category_key"] for r in rows] == ["(overall)", *per]
    for r in rows[1:]:
        alpha = per[r["category_key"]]["krippendorff_alpha"]
        assert (float(r["krippendorff_alpha"]) if r["krippendorff_alpha"] else None) == alpha
    page = (tmp_path / "a.html").read_text(encoding="utf-8")
    assert "<svg" in page and "<table" in page
    assert "Security guarantee" in page
    assert fmt(view.report["overall"]["krippendorff_alpha_masi"]) in page
    assert "could see each other's work" in page
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_svg_chart_has_one_bar_per_defined_alpha() -> None:
    svg = alpha_svg([("A", 0.5), ("B", None), ("C", -0.25)])
    assert svg.startswith("<svg") and svg.count("<rect") == 2


def grid_counts(view: AgreementView) -> list[list[int]]:
    grid = view.confusion_grid
    return [[int(grid.item(r, c).text()) for c in range(2)] for r in range(2)]


def test_confusion_table(qtbot: QtBot, workspace: Workspace) -> None:
    view = opened(qtbot, workspace)
    assert (view.coder_a_combo.currentText(), view.coder_b_combo.currentText()) == (
        "Olena",
        "Taras",
    )
    view.pair_combo.setCurrentIndex(view.pair_combo.findData("territorial"))
    # By hand: clauses 1-4 coded by both; Taras alone has territorial on 2 and 4.
    assert grid_counts(view) == [[0, 0], [2, 2]]
    exchange = export_exchange_dict(workspace.project)
    olena, taras = view.coder_a_combo.currentData(), view.coder_b_combo.currentData()
    conf = confusion_table(exchange, "territorial", olena, taras)
    assert grid_counts(view) == [list(row) for row in conf.matrix()]
    grid = view.confusion_grid
    assert grid.verticalHeaderItem(0).text() == "Olena: present"
    assert grid.horizontalHeaderItem(1).text() == "Taras: absent"
    assert "4 clauses coded by both" in view.confusion_note.text()
    rows = [view.disagreement_list.item(i).text() for i in range(view.disagreement_list.count())]
    assert len(rows) == 2
    assert (
        rows[0].startswith("Framework [2]  2. A fund of 2.5 billion") and "(only Taras)" in rows[0]
    )
    assert rows[1].startswith("Framework [4]  4. Sanctions are lifted in stages.")

    # Another category updates the table: economic is on 2 for both, on 4 for Olena only.
    view.pair_combo.setCurrentIndex(view.pair_combo.findData("economic"))
    assert grid_counts(view) == [[1, 1], [0, 2]]
    # Swapping the coders transposes it, headers included.
    view.coder_a_combo.setCurrentIndex(view.coder_a_combo.findText("Taras"))
    assert "Choose two different coders" in view.confusion_note.text()
    view.coder_b_combo.setCurrentIndex(view.coder_b_combo.findText("Olena"))
    assert grid_counts(view) == [[1, 0], [1, 2]]
    assert grid.verticalHeaderItem(1).text() == "Taras: absent"
    assert "(only Olena)" in view.disagreement_list.item(0).text()


@pytest.mark.parametrize("width", [900, 700])
def test_every_column_fits_with_room_around_its_figures(
    qtbot: QtBot, workspace: Workspace, width: int
) -> None:
    """Below ~1000 px the last column used to sit on the frame's edge (and scroll at 700)."""
    view = opened(qtbot, workspace)
    view.resize(width, 640)
    view.show()
    wait_for(lambda: view.width() == width, 30)
    table, header = view.table, view.table.horizontalHeader()
    QCoreApplication.processEvents()  # the header's ResizeToContents runs on a posted event
    assert not table.horizontalScrollBar().isVisible()
    assert header.length() <= table.viewport().width()
    metrics = table.fontMetrics()
    for col in range(table.columnCount()):
        texts = [table.item(r, col).text() for r in range(table.rowCount())]
        widest = max(metrics.horizontalAdvance(t) for t in texts)
        assert table.columnWidth(col) - widest >= 12, (col, texts)
    name = max((table.item(r, 0).text() for r in range(table.rowCount())), key=len)
    assert table.columnWidth(0) >= metrics.horizontalAdvance(name)  # categories readable


def test_the_coder_filter_arrow_stays_clear_of_its_text(
    qtbot: QtBot, workspace: Workspace, tmp_path: Path
) -> None:
    """At 900 px the "All coders" menu arrow was drawn over the end of its text."""
    from PySide6.QtWidgets import QPushButton, QStyle

    view = opened(qtbot, workspace)
    view.resize(900, 640)
    view.show()
    wait_for(lambda: view.width() == 900, 30)
    button = view.coder_button
    assert isinstance(button, QPushButton) and button.menu() is not None
    assert not button.autoDefault()
    indicator = button.style().pixelMetric(QStyle.PixelMetric.PM_MenuButtonIndicator, None, button)
    text = button.fontMetrics().horizontalAdvance(button.text())
    assert button.width() >= text + indicator + 8  # the text, the arrow, and room between
    view.grab().save(str(tmp_path / "agreement-900.png"))
