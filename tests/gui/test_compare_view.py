"""The plan comparison window shows compare_plans' table and saves its chart as PNG and SVG."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from annotator.core.compare import compare_plans
from annotator.gui.compare_view import COUNT_ROLE, SHARE_ROLE, CompareView
from annotator.gui.workspace import Workspace
from annotator.services.exchange import export_exchange_dict
from annotator.services.project import Project
from tests.gui.conftest import PLAN, SECOND

pytestmark = pytest.mark.gui


@pytest.fixture
def workspace(project_path: Path) -> Iterator[Workspace]:
    project = Project.open(project_path, seed_samples=False)
    first = project.import_text("Framework", PLAN).document_key
    second = project.import_text("Counter-proposal", SECOND).document_key
    a, b = project.add_coder("Olena").id, project.add_coder("Taras").id
    one, two = project.clauses(first), project.clauses(second)
    project.toggle_tag(a, one[1].id, "security_guarantee")
    project.toggle_tag(a, one[2].id, "economic")
    project.toggle_tag(b, one[2].id, "economic")
    project.toggle_tag(b, one[3].id, "military_cap")
    project.toggle_tag(a, two[1].id, "territorial")
    project.toggle_tag(b, two[2].id, "security_guarantee")
    yield Workspace(project, a)
    project.close()


def test_table_matches_compare_plans(qtbot: QtBot, workspace: Workspace) -> None:
    view = CompareView(workspace)
    qtbot.addWidget(view)
    expected = compare_plans(export_exchange_dict(workspace.project))
    assert view.table.rowCount() == len(expected.categories) + 1  # the base row first
    assert view.table.columnCount() == len(expected.plans) == 2
    assert view.table.verticalHeaderItem(0).text() == "Clauses in the plan"
    assert [view.table.item(0, c).data(COUNT_ROLE) for c in range(2)] == [
        p["clauses"] for p in expected.plans
    ]
    seen = 0
    for row, (key, name) in enumerate(expected.categories, start=1):
        assert view.table.verticalHeaderItem(row).text() == name
        for col, plan in enumerate(expected.plans):
            item = view.table.item(row, col)
            assert item.data(COUNT_ROLE) == expected.counts[(key, plan["key"])]
            assert item.data(SHARE_ROLE) == expected.share(key, plan["key"])
            seen += item.data(COUNT_ROLE)
    assert seen == 5  # clauses with a category, counted once per category (rule "any")
    # Framework has 5 clauses (a heading and four points): economic in one of them.
    framework = next(c for c, p in enumerate(expected.plans) if p["title"] == "Framework")
    economic = [k for k, _ in expected.categories].index("economic")
    assert view.table.item(economic + 1, framework).text() == "1  (20%)"
    # The chart shows the same shares.
    assert view.chart.values[economic][framework] == pytest.approx(0.2)


def test_majority_rule_changes_counts(qtbot: QtBot, workspace: Workspace) -> None:
    view = CompareView(workspace)
    qtbot.addWidget(view)
    view.rule_combo.setCurrentIndex(view.rule_combo.findData("majority"))
    expected = compare_plans(export_exchange_dict(workspace.project), rule="majority")
    total = sum(
        view.table.item(r, c).data(COUNT_ROLE)
        for r in range(1, view.table.rowCount())
        for c in range(view.table.columnCount())
    )
    assert total == sum(expected.counts.values())


def test_save_png_and_svg(qtbot: QtBot, workspace: Workspace, tmp_path: Path) -> None:
    view = CompareView(workspace)
    qtbot.addWidget(view)
    view.show()
    png, svg = tmp_path / "chart.png", tmp_path / "chart.svg"
    assert view.chart.save_png(png)
    assert view.chart.save_svg(svg)
    # A folder that does not exist: refused, and nothing half-written anywhere.
    assert not view.chart.save_png(tmp_path / "missing" / "chart.png")
    assert not view.chart.save_svg(tmp_path / "missing" / "chart.svg")
    assert sorted(p.name for p in tmp_path.glob("chart*")) == ["chart.png", "chart.svg"]
    assert not (tmp_path / "missing").exists()
    image = QImage(str(png))
    assert not image.isNull() and image.width() >= 720
    # Something other than the white background was drawn (bars in the plan colours).
    colours = {
        image.pixelColor(x, y).name()
        for x in range(0, image.width(), 7)
        for y in range(0, image.height(), 7)
    }
    assert "#0072b2" in colours and "#e69f00" in colours
    text = svg.read_text(encoding="utf-8")
    assert "<svg" in text and "Counter-proposal" in text
