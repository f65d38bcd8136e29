"""Review and analysis screens against a project whose answer is known by hand.

Framework (5 clauses: a heading and points 1–4) and Counter-proposal (3 clauses): 8 in all.
Olena codes points 1–3, Taras points 2–4, so only points 2 and 3 are coded by both coders:

    point   Olena          Taras
    1       security       —
    2       economic       economic
    3       military cap   none applies
    4       —              territorial

Every coefficient is over 2 of 8 clauses. Economic: both agree on both clauses (100 %).
Military cap: agree on point 2 (both absent), differ on 3: 50 %. Identical sets: 1 of 2, 50 %.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from annotator.core.datasets import write_plans_csv
from annotator.gui.agreement_view import AgreementView
from annotator.gui.compare_view import COUNT_ROLE, CompareView, GroupedBarChart, nice_ticks
from annotator.gui.main_window import MainWindow
from annotator.gui.models import Role
from annotator.gui.review_view import ReviewView
from annotator.gui.workspace import Workspace
from annotator.services.exchange import export_exchange_dict
from annotator.services.project import Project
from annotator.services.review import set_blind_mode
from tests.gui.conftest import PLAN, SECOND, wait_for
from tests.gui.test_main_window import KEY1, make_window, row_of_label

pytestmark = pytest.mark.gui

S, E, M, T = "security_guarantee", "economic", "military_cap", "territorial"
OLENA = {"1": {S}, "2": {E}, "3": {M}}
TARAS = {"2": {E}, "3": set(), "4": {T}}


def code(project: Project) -> tuple[str, str]:
    key = project.import_text("Framework", PLAN).document_key
    project.import_text("Counter-proposal", SECOND)
    olena, taras = project.add_coder("Olena").id, project.add_coder("Taras").id
    by_label = {c.label: c.id for c in project.clauses(key)}
    for coder, plan in ((olena, OLENA), (taras, TARAS)):
        for label, cats in plan.items():
            for cat in sorted(cats):
                project.toggle_tag(coder, by_label[label], cat)
            if not cats:
                project.mark_none(coder, by_label[label])
    return olena, taras


@pytest.fixture
def workspace(project_path: Path) -> Iterator[Workspace]:
    project = Project.open(project_path, seed_samples=False)
    olena, _ = code(project)
    set_blind_mode(project, False)
    yield Workspace(project, olena)
    project.close()


def cell(view: AgreementView, key: str, title: str) -> str:
    headers = [
        view.table.horizontalHeaderItem(c).text().replace("\n", " ")  # two-line headings
        for c in range(view.table.columnCount())
    ]
    for row in range(view.table.rowCount()):
        if view.table.item(row, 0).data(Qt.ItemDataRole.UserRole) == key:
            return view.table.item(row, headers.index(title)).text()
    raise AssertionError(key)


def test_agreement_numbers_state_their_base(qtbot: QtBot, workspace: Workspace) -> None:
    view = AgreementView(workspace, bootstrap=0)
    qtbot.addWidget(view)
    wait_for(lambda: view.report is not None)
    assert "2 of 8 clauses coded by two or more coders" in view.overall.text()
    assert "2 coders" in view.overall.text() and "identical sets 50.0% of those 2" in (
        view.overall.text()
    )
    for key in (S, E, M, T):
        assert cell(view, key, "Coded by ≥2") == "2 of 8"
    assert cell(view, E, "% agreement") == "100.0%"
    assert cell(view, M, "% agreement") == "50.0%"
    view.pair_combo.setCurrentIndex(view.pair_combo.findData(M))
    assert view.confusion_note.text().startswith("2 clauses coded by both · 1 disagree")
    # One plan: the base follows the filter (5 clauses of the Framework).
    view.document_combo.setCurrentIndex(view.document_combo.findData(KEY1))
    wait_for(lambda: view.report is not None and view.report["units"] == 5)
    assert cell(view, E, "Coded by ≥2") == "2 of 5"


def plan_row(text: str, title: str) -> dict[str, str]:
    return next(r for r in csv.DictReader(io.StringIO(text)) if r["title"] == title)


def test_compare_and_plans_csv_count_as_the_gui(qtbot: QtBot, workspace: Workspace) -> None:
    view = CompareView(workspace)
    qtbot.addWidget(view)
    col = next(
        c
        for c in range(view.table.columnCount())
        if view.table.horizontalHeaderItem(c).text() == "Framework"
    )
    rows = {view.table.verticalHeaderItem(r).text(): r for r in range(view.table.rowCount())}
    assert view.table.item(rows["Clauses in the plan"], col).data(COUNT_ROLE) == 5
    assert view.table.item(rows["Economic"], col).text() == "1  (20%)"
    assert view.table.item(rows["Military cap"], col).text() == "1  (20%)"
    header = view.table.horizontalHeaderItem(col)
    assert "5 clauses" in header.toolTip() and KEY1 in header.toolTip()
    # plans.csv for one coder counts what the window's progress shows for her: 3 of 5.
    exchange = export_exchange_dict(workspace.project)
    out = io.StringIO()
    write_plans_csv(exchange, out, coder=workspace.coder_id)
    framework = plan_row(out.getvalue(), "Framework")
    gui = next(d for d in workspace.project.documents(workspace.coder_id) if d.key == KEY1)
    assert int(framework["coded_clauses"]) == gui.coded == 3
    taras = next(c.id for c in workspace.project.coders() if c.name == "Taras")
    out = io.StringIO()
    write_plans_csv(exchange, out, coder=taras)  # her "none applies" on point 3 is coded
    framework = plan_row(out.getvalue(), "Framework")
    assert int(framework["coded_clauses"]) == 3


@pytest.mark.parametrize(
    ("peak", "whole", "labels"),
    [
        (0.0167, False, ["0.0%", "0.5%", "1.0%", "1.5%", "2.0%"]),
        (3, True, ["0", "1", "2", "3"]),
        (1, True, ["0", "1"]),
        (47, True, ["0", "10", "20", "30", "40", "50"]),
        (0.62, False, ["0%", "20%", "40%", "60%", "80%"]),
    ],
)
def test_chart_ticks_are_nice(qtbot: QtBot, peak: float, whole: bool, labels: list[str]) -> None:
    chart = GroupedBarChart()
    qtbot.addWidget(chart)
    chart.set_data(["A"], ["p"], [[peak]], percent=not whole)
    assert chart.tick_labels() == labels
    steps = {round(b - a, 9) for a, b in zip(chart.ticks, chart.ticks[1:], strict=False)}
    assert len(steps) == 1
    (step,) = steps
    mantissa = step / 10 ** len(str(int(1 / step))) if step < 1 else step
    assert str(step).rstrip("0").rstrip(".")[-1] in "125" or mantissa
    if whole:
        assert all(float(t).is_integer() for t in chart.ticks)  # no fractions of a clause


def test_nice_ticks_cover_the_peak() -> None:
    for peak in (0.003, 0.7, 1, 7, 13, 99, 250, 1234):
        ticks = nice_ticks(peak, whole=False)
        assert ticks[0] == 0 and ticks[-1] >= peak and len(ticks) <= 7


def test_settled_none_applies_shows_in_reviewer_mode_at_once(
    qtbot: QtBot, project_path: Path
) -> None:
    with Project.open(project_path, seed_samples=False) as project:
        code(project)
    window: MainWindow = make_window(qtbot, active=False)
    window.ask_name = lambda *_: "Olena"  # type: ignore[method-assign]
    assert window.open_project(project_path)
    window.open_document(KEY1)
    window.confirm = lambda *_: True  # type: ignore[method-assign]  # blind mode: asked, yes
    assert window.navigator.set_reviewer_mode(True)
    review = window.tools.open_disagreements()
    assert isinstance(review, ReviewView)
    row = next(i for i, d in enumerate(review.items) if d.clause.label == "3")
    review.list.setCurrentRow(row)
    review.press_digit("0")  # consensus: none applies (its keys: tests/gui/test_review_view.py)
    assert review.settle_current() is not None
    point3 = window.clauses.index(row_of_label(window, "3"))
    coders = {name: (cats, coding) for name, cats, coding in point3.data(Role.CODERS)}
    assert "Consensus" in coders  # the reviewer's rows refreshed without reopening the plan
    cats, coding = coders["Consensus"]
    assert cats == [] and coding.review == "none"
    review.close()


@pytest.mark.parametrize("opener", ["open_agreement", "open_disagreements", "open_compare"])
def test_blind_mode_asks_before_showing_other_coders(
    qtbot: QtBot, project_path: Path, opener: str
) -> None:
    with Project.open(project_path, seed_samples=False) as project:
        code(project)  # two coders, blind mode not set: on by default
    window: MainWindow = make_window(qtbot, active=False)
    window.ask_name = lambda *_: "Olena"  # type: ignore[method-assign]
    assert window.open_project(project_path)
    asked: list[str] = []
    window.confirm = lambda _p, title, _t: asked.append(title) or False  # type: ignore[method-assign]
    assert getattr(window.tools, opener)() is None and asked == ["Blind mode is on"]
    window.confirm = lambda *_: True  # type: ignore[method-assign]
    view = getattr(window.tools, opener)()
    assert view is not None
    view.close()


def test_blind_mode_asks_before_the_export_preview(qtbot: QtBot, project_path: Path) -> None:
    with Project.open(project_path, seed_samples=False) as project:
        code(project)
    window: MainWindow = make_window(qtbot, active=False)
    window.ask_name = lambda *_: "Olena"  # type: ignore[method-assign]
    assert window.open_project(project_path)
    asked: list[str] = []
    window.confirm = lambda _p, title, _t: asked.append(title) or False  # type: ignore[method-assign]
    window.actions_["export"].trigger()  # declined: no dialog opens (it would block here)
    assert asked == ["Blind mode is on"]
