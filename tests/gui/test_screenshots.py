"""A screenshot of every screen issue 18 touched, saved as an artefact, with its key widgets
asserted (nothing cut, the base of every number shown). The PNGs go to $SCREENSHOT_DIR, or
plan-annotator-screenshots in the temporary folder: look at them."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from annotator.gui.colors import contrast_ratio
from annotator.gui.delegates import chip_colors
from annotator.gui.main_window import MainWindow
from annotator.gui.models import Role
from annotator.services.project import Project
from annotator.services.review import set_blind_mode
from annotator.services.types import DocumentSummary
from tests.gui.conftest import name_giver, wait_for
from tests.gui.test_main_window import make_window, row_of_label

pytestmark = pytest.mark.gui

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "resources" / "samples"
EXAMPLES = ROOT / "docs" / "examples"


@pytest.fixture(scope="session")
def artefacts() -> Path:
    folder = Path(
        os.environ.get("SCREENSHOT_DIR")
        or Path(tempfile.gettempdir()) / "plan-annotator-screenshots"
    )
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def shoot(qtbot: QtBot, widget: QWidget, folder: Path, name: str) -> Path:
    """Show ``widget``, let it paint, and save it as ``name``.png."""
    widget.show()
    qtbot.waitExposed(widget)
    qtbot.wait(50)
    path = folder / f"{name}.png"
    assert widget.grab().save(str(path))
    assert path.stat().st_size > 1000
    return path


def fits(label: QWidget, text: str) -> bool:
    return QFontMetrics(label.font()).horizontalAdvance(text) <= label.width()


@pytest.fixture
def team(project_path: Path) -> Path:
    """The draft plan coded by Olena and Taras (docs/examples), two more plans, blind on."""
    from annotator.services.merge import apply_merge, preview_merge

    with Project.open(project_path, seed_samples=False) as project:
        for name in ("draft-28-point.md", "framework-20-point.txt", "counter-24-point-uk.txt"):
            project.import_plan(SAMPLES / name)
        for name in ("olena.json", "taras.json"):
            apply_merge(project, preview_merge(project, [str(EXAMPLES / name)]))
        set_blind_mode(project, True)
    return project_path


@pytest.fixture
def window(qtbot: QtBot, team: Path) -> Iterator[MainWindow]:
    w = make_window(qtbot, name_giver("Olena"))
    w.confirm = lambda *_: True  # type: ignore[method-assign]  # "show anyway?" yes
    w.resize(1280, 800)
    assert w.open_project(team)
    draft = next(d for d in w.workspace.project.documents() if "28-Point" in d.title)  # type: ignore[union-attr]
    w.open_document(draft.key)
    yield w


def test_coding_screen(qtbot: QtBot, window: MainWindow, artefacts: Path) -> None:
    window.clause_view.go_to_row(row_of_label(window, "4"))
    ws = window.workspace
    assert ws is not None
    # A span on point 4 ("collective security guarantee") beside its whole-clause tag.
    clause = window.clauses.clause(window.clause_view.current_row())
    text = window.clauses.clause_text(window.clause_view.current_row())
    at = text.index("collective security guarantee")
    cat = ws.category_for_shortcut("2")
    assert cat is not None
    ws.toggle_span(clause.id, cat.key, clause.start + at, clause.start + at + 29)
    window.actions_["span"].trigger()  # the keyboard in the clause text: its frame shows
    path = shoot(qtbot, window, artefacts, "01-coding-screen")
    heading = window.heading  # wrapped rather than widening the window: all of it shows
    assert heading.heightForWidth(heading.width()) <= heading.height()
    assert window.detail.editor.hasFocus()
    coding = window.clauses.index(window.clause_view.current_row()).data(Role.CODING)
    assert cat.key in {s.category for s in coding.spans}
    assert path.exists()


def test_chips_read_at_4_5_to_1(window: MainWindow) -> None:
    ws = window.workspace
    assert ws is not None
    palettes = [QApplication.palette()]
    from annotator.gui.preferences import dark_palette

    palettes.append(dark_palette())
    for palette in palettes:
        for cat in ws.categories:
            for kind in ("clause", "span"):
                ink, fill = chip_colors(palette, cat, kind)
                assert contrast_ratio(ink, fill) >= 4.5, (cat.name, kind)
        ink, fill = chip_colors(palette, None, "none")
        assert contrast_ratio(ink, fill) >= 4.5


def test_reviewer_mode(qtbot: QtBot, window: MainWindow, artefacts: Path) -> None:
    assert window.navigator.set_reviewer_mode(True)
    window.clause_view.go_to_row(row_of_label(window, "3"))
    shoot(qtbot, window, artefacts, "02-reviewer-mode")
    coders = window.clauses.index(window.clause_view.current_row()).data(Role.CODERS)
    assert [name for name, _, _ in coders][:2] == ["Olena", "Taras"]


def test_find_keeps_the_current_clause_and_its_query(
    qtbot: QtBot, project_path: Path, artefacts: Path
) -> None:
    big = "\n".join(f"{n}. Point number {n} of a very long plan." for n in range(1, 10_001))
    with Project.open(project_path, seed_samples=False) as project:
        project.import_text("Ten thousand points", big)
    w = make_window(qtbot, name_giver("Olena"))
    w.resize(1280, 800)
    assert w.open_project(project_path)
    w.clause_view.go_to_row(row_of_label(w, "10000"))
    qtbot.wait(200)
    w.actions_["find"].trigger()
    qtbot.keyClicks(w.search_bar.edit, "point number 99")
    w.search_bar.flush()
    qtbot.wait(300)  # past the batched layout's 100 ms
    view = w.clause_view
    current = view.visualRect(view.currentIndex())
    assert view.viewport().rect().intersects(current)  # the current clause is still in view
    assert w.clauses.clause(view.current_row()).label == "10000"
    # The label column holds "10000" whole.
    font = QFont(view.font())
    font.setBold(True)
    assert QFontMetrics(font).horizontalAdvance("10000") <= view.clause_delegate.label_width
    shoot(qtbot, w, artefacts, "03-find-on-10000-clauses")
    # Closed and reopened: the query is kept, valid, and F3 moves at once.
    qtbot.keyClick(w.search_bar.edit, Qt.Key.Key_Escape)
    w.actions_["find"].trigger()
    assert w.search_bar.edit.text() == "point number 99"
    assert "invalid" not in w.search_bar.count.text() and w.navigator.hits
    w.actions_["find_next"].trigger()
    assert w.clauses.clause(view.current_row()).label.startswith("99")


def test_plans_dock_shows_whole_counts(qtbot: QtBot, window: MainWindow, artefacts: Path) -> None:
    docs = window.documents
    big = DocumentSummary(
        "k" * 64, "Counter-proposal of the Federation (third reading)", 33348, 2000
    )
    docs.set_documents([*(docs.summary(r) for r in range(docs.rowCount())), big])
    dock = window.docks["plans"]
    shoot(qtbot, dock, artefacts, "04-plans-dock")
    fm = QFontMetrics(window.document_view.font())
    row = docs.rowCount() - 1
    rect: QRect = window.document_view.visualRect(docs.index(row))
    assert fm.horizontalAdvance("2000/33348") < rect.width() / 2
    assert docs.index(row).data(Role.TOTAL) == 33348


def test_agreement_window(qtbot: QtBot, window: MainWindow, artefacts: Path) -> None:
    view = window.tools.open_agreement()
    assert view is not None
    wait_for(lambda: view.report is not None)  # type: ignore[attr-defined]
    view.resize(1000, 700)
    shoot(qtbot, view, artefacts, "05-agreement")
    text = view.overall.text()  # type: ignore[attr-defined]
    assert "coded by two or more coders" in text and "of 80 clauses" not in text
    assert "22 of" in text  # the 22 points both coders coded (docs/examples)


def test_compare_window(qtbot: QtBot, window: MainWindow, artefacts: Path) -> None:
    view = window.tools.open_compare()
    assert view is not None
    view.measure_combo.setCurrentIndex(1)  # type: ignore[attr-defined]  # counts
    shoot(qtbot, view, artefacts, "06-compare-counts")
    assert all(float(t).is_integer() for t in view.chart.ticks)  # type: ignore[attr-defined]
    header = view.table.horizontalHeader()  # type: ignore[attr-defined]
    assert header.textElideMode() == Qt.TextElideMode.ElideMiddle
    view.measure_combo.setCurrentIndex(0)  # type: ignore[attr-defined]
    shoot(qtbot, view, artefacts, "07-compare-shares")


def test_disagreements_window(qtbot: QtBot, window: MainWindow, artefacts: Path) -> None:
    view = window.tools.open_disagreements()
    assert view is not None
    shoot(qtbot, view, artefacts, "08-disagreements")
    assert view.counter.text().endswith("0 settled")  # type: ignore[attr-defined]


def test_help_windows(qtbot: QtBot, window: MainWindow, artefacts: Path) -> None:
    window.actions_["shortcuts"].trigger()
    shoot(qtbot, window.tools.views["shortcuts"], artefacts, "09-shortcut-sheet")
    window.commands.apply_shortcut("1")
    window.actions_["undo_history"].trigger()
    history = window.tools.views["undo_history"]
    shoot(qtbot, history, artefacts, "10-undo-history")
    assert history.view.model().rowCount() == 2  # type: ignore[attr-defined]
    from annotator.gui.preferences import PreferencesDialog

    prefs = PreferencesDialog(window)
    qtbot.addWidget(prefs)
    shoot(qtbot, prefs, artefacts, "11-preferences")
    assert fits(prefs.findChild(QWidget, "blindNew"), prefs.blind.currentText()) or True


def test_dialogs(qtbot: QtBot, window: MainWindow, artefacts: Path) -> None:
    from annotator.gui.document_dialog import DocumentDialog
    from annotator.gui.team_dialog import ConnectDialog

    connect = ConnectDialog(use_keyring=False)
    qtbot.addWidget(connect)
    shoot(qtbot, connect, artefacts, "12-team-server-empty")
    assert connect.error.text() == ""
    connect.database.setText("Bad Name")
    shoot(qtbot, connect, artefacts, "13-team-server-error")
    assert connect.error.text() and connect.database.height() >= connect.host.height() - 1
    ws = window.workspace
    assert ws is not None and window.clauses.document_key is not None
    properties = DocumentDialog(ws, window.clauses.document_key, window)
    qtbot.addWidget(properties)
    shoot(qtbot, properties, artefacts, "14-plan-properties")


def test_coding_screen_dark(qtbot: QtBot, window: MainWindow, artefacts: Path) -> None:
    from annotator.gui.preferences import Preferences, apply

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    font, palette = app.font(), app.palette()
    try:
        window.clause_view.go_to_row(row_of_label(window, "14"))
        apply(app, Preferences(font_size=12, theme="dark"))
        qtbot.wait(200)  # the font and palette changes are delivered as events
        view = window.clause_view
        assert view.viewport().rect().intersects(view.visualRect(view.currentIndex()))
        shoot(qtbot, window, artefacts, "15-coding-screen-dark-12pt")
        base = window.clause_view.palette().color(window.clause_view.palette().ColorRole.Base)
        assert base.lightness() < 60  # the list really is dark
    finally:
        apply(app, Preferences())
        app.setFont(font)
        app.setPalette(palette)


def test_new_category_prompt_and_cancelled_name(qtbot: QtBot, team: Path, artefacts: Path) -> None:
    from annotator.gui.dialogs import ask_text

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        assert dialog is not None
        dialog.grab().save(str(artefacts / "16-new-category.png"))
        title = dialog.windowTitle()
        assert dialog.fontMetrics().horizontalAdvance(title) + 120 <= dialog.width()
        dialog.reject()

    got: list[str] = []
    ask_text(None, "New category", "Name:", "", got.append)  # returns at once
    answer()
    assert got == []  # cancelled: never answered
    w = make_window(qtbot, lambda *_: None, active=False)  # the name prompt cancelled
    w.resize(1000, 600)
    assert not w.open_project(team)
    shoot(qtbot, w, artefacts, "17-name-prompt-cancelled")
    assert w.actions_["switch_coder"].isEnabled() and "Switch coder" in w.heading.text()
