"""Start-up's first screen (gui/first_screen.py): the last plan, shown from a quick sqlite3 read,
then handed over to the project opened the normal way.

Each test launches run_gui in a child process (see test_app.py) and records the window at two
moments: the first paint of the clause list with clauses in it (the snapshot, before SQLAlchemy
loads), and ``on_shown`` (the live project, ready for keys).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.services.project import Project
from tests.gui.test_app import run_child

pytestmark = pytest.mark.gui

LAUNCH = """
    import json, sys
    from PySide6.QtCore import QEvent, QObject, Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QMessageBox
    from annotator.gui.app import APP_NAME, ORG_NAME, run_gui
    from annotator.gui.settings import ProjectSettings, flush_settings

    mode, project, key, clause = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    app = QApplication(sys.argv[:1])
    app.setOrganizationName(ORG_NAME)
    app.setApplicationName(APP_NAME)
    remembered = ProjectSettings(project)  # where the coder left off last time
    remembered.document_key = key
    remembered.set_clause_id(key, clause)
    flush_settings()
    if mode == "fails":  # the quick read works, then opening the project fails
        from annotator.core.errors import ProjectError
        from annotator.services import project as service

        def refuse(*args, **kwargs):
            raise ProjectError("simulated: cannot open", source=project)

        service.Project.open = refuse
    seen = {}

    def moment(window):
        view = window.clause_view
        return {
            "live": window.workspace is not None,
            "sqlalchemy": "sqlalchemy" in sys.modules,
            "plans": window.documents.rowCount(),
            "clauses": window.clauses.rowCount(),
            "plan": window.clauses.document_key,
            "first_plan": window.documents.summary(0).key if window.documents.rowCount() else "",
            "clause": view.current_row(),
            "scroll": view.verticalScrollBar().value(),
            "heading": window.heading.text(),
            "title": window.windowTitle(),
            "detail": window.detail.clause.id if window.detail.clause else None,
        }

    class Watch(QObject):
        def eventFilter(self, obj, event):
            view = obj.parent() if event.type() == QEvent.Type.Paint else None
            if type(view).__name__ == "ClauseListView" and view.model().rowCount():
                if "first" not in seen:
                    window = view.window()
                    seen["first"] = moment(window)
                    if mode == "key":  # pressed before the hand-over: held, then applied
                        QTimer.singleShot(0, lambda: QTest.keyClick(view, "1"))
                    if mode == "click":  # the first plan clicked before the hand-over
                        plans = window.document_view
                        spot = plans.visualRect(window.documents.index(0)).center()
                        click = lambda: QTest.mouseClick(
                            plans.viewport(), Qt.MouseButton.LeftButton, pos=spot
                        )
                        QTimer.singleShot(0, click)
            return False

    watch = Watch()
    app.installEventFilter(watch)

    def shown(window):
        seen["ready"] = moment(window)
        if window.workspace is not None:
            ws = window.workspace
            clause = window.clauses.clause(window.clause_view.current_row())
            seen["tags_ready"] = sorted(ws.project.clause_coding(clause.id, ws.coder_id).tags)
            if mode == "live":
                QTest.keyClick(window.clause_view, "1")  # a coding key, on the live project
            seen["tags"] = sorted(ws.project.clause_coding(clause.id, ws.coder_id).tags)
        boxes = [w for w in app.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
        seen["errors"] = [b.text() for b in boxes]
        for box in boxes:
            box.close()
        window.close()
        QApplication.quit()

    QTimer.singleShot(30000, app.quit)  # never hang: a missing moment fails the test
    run_gui(["--project", project, "--coder", "Olena"], on_shown=shown)
    print("RESULT " + json.dumps(seen))
"""


def launch(tmp_path: Path, mode: str) -> tuple[dict[str, dict], str, str]:  # type: ignore[type-arg]
    """A sample project where Olena has coded; the second plan, a clause near its end, is where
    she left off. Returns what was seen, the category key "1" codes and the plan's key."""
    path = tmp_path / "samples.sqlite"
    with Project.open(path, seed_samples=True) as project:
        coder = project.add_coder("Olena").id
        key = project.documents()[1].key
        clauses = project.clauses(key)
        project.toggle_tag(coder, clauses[0].id, project.categories()[1].key)
        target = clauses[-3]
        category = next(c.key for c in project.categories() if c.shortcut == "1")
    proc = run_child(tmp_path, LAUNCH, mode, str(path), key, str(target.id))
    line = next((x for x in proc.stdout.splitlines() if x.startswith("RESULT ")), None)
    assert line is not None, proc.stderr[-3000:]
    seen = json.loads(line[len("RESULT ") :])
    assert "first" in seen and "ready" in seen, (sorted(seen), proc.stderr[-3000:])
    seen["target"] = {"id": target.id, "row": len(clauses) - 3}
    return seen, category, key


def test_the_last_plan_shows_before_sqlalchemy_then_the_live_project_takes_a_key(
    tmp_path: Path,
) -> None:
    seen, category, key = launch(tmp_path, "live")
    first, ready = seen["first"], seen["ready"]
    # The snapshot: the remembered plan and clause, from sqlite3, nothing live yet.
    assert not first["live"] and not first["sqlalchemy"]
    assert first["plan"] == key and first["plans"] == 3 and first["clauses"] > 10
    assert first["clause"] == seen["target"]["row"] and first["detail"] == seen["target"]["id"]
    assert "Olena" in first["heading"] and "1/" in first["heading"], first["heading"]
    assert "No project open" not in first["heading"] and " — Plan Annotator" in first["title"]
    # Handed over: the same plan, clause, scroll position and heading, now live.
    assert ready["live"] and not seen["errors"]
    for what in ("plan", "plans", "clauses", "clause", "scroll", "heading", "title", "detail"):
        assert ready[what] == first[what], what
    assert seen["tags_ready"] == [] and seen["tags"] == [category]  # the key coded the clause


def test_a_key_pressed_before_the_hand_over_codes_the_clause_after_it(tmp_path: Path) -> None:
    seen, category, _key = launch(tmp_path, "key")
    assert not seen["first"]["live"] and seen["ready"]["live"]
    assert seen["ready"]["clause"] == seen["target"]["row"]  # the key did not move the row
    assert seen["tags_ready"] == [category]  # held, then applied to the live project


def test_when_opening_fails_the_snapshot_goes_and_the_error_shows(tmp_path: Path) -> None:
    seen, _category, _key = launch(tmp_path, "fails")
    first, ready = seen["first"], seen["ready"]
    assert not first["live"] and first["clauses"] > 10  # the quick read did show the plan
    assert not ready["live"]
    assert (ready["plans"], ready["clauses"], ready["detail"]) == (0, 0, None)  # nothing stale
    assert ready["heading"] == "No project open" and ready["title"] == "Plan Annotator"
    assert any("simulated: cannot open" in text for text in seen["errors"]), seen["errors"]


def test_a_plan_clicked_before_the_hand_over_is_shown_after_it(tmp_path: Path) -> None:
    seen, _category, key = launch(tmp_path, "click")
    first, ready = seen["first"], seen["ready"]
    assert first["plan"] == key != first["first_plan"]
    assert ready["live"] and ready["plan"] == first["first_plan"]  # held, then applied


def test_the_window_arguments_that_skip_the_first_screen(tmp_path: Path) -> None:
    from annotator.gui.app import parse_args
    from annotator.gui.first_screen import read_for
    from annotator.gui.settings import ProjectSettings

    path = tmp_path / "samples.sqlite"
    with Project.open(path, seed_samples=True) as project:
        coder = project.add_coder("Olena").id
        key = project.documents()[2].key
    plan = tmp_path / "plan.txt"
    plan.write_text("1. A clause.\n", encoding="utf-8")
    named = read_for(parse_args(["--project", str(path), "--coder", "Olena"]))
    assert named is not None and named[0].coder.id == coder and named[1] is None
    # Files to import go through the import preview: the normal start-up.
    assert read_for(parse_args(["--project", str(path), "--coder", "Olena", str(plan)])) is None
    assert read_for(parse_args(["--project", str(path)])) is None  # who codes? the name prompt
    remembered = ProjectSettings(path)
    remembered.coder_id = coder
    remembered.document_key = key
    remembered.set_clause_id(key, 7)
    first = read_for(parse_args(["--project", str(path)]))
    assert first is not None and first[0].document.key == key and first[1] == 7


def test_the_models_keep_their_rows_when_read_again_unchanged() -> None:
    """The hand-over re-reads what the snapshot shows: no reset, so the current row, the selection
    and the scroll stay; anything different still resets."""
    from annotator.core.codebook import default_codebook
    from annotator.gui.codebook_panel import CodebookModel
    from annotator.gui.models import ClauseListModel, DocumentListModel
    from annotator.services.types import ClauseCoding, ClauseInfo, DocumentSummary

    def clauses() -> list[ClauseInfo]:
        return [ClauseInfo(i, str(i), i * 10, i * 10 + 9, "point") for i in range(1, 4)]

    def coding() -> dict[int, ClauseCoding]:
        return {2: ClauseCoding(frozenset({"a"}), memo="é")}

    text = "x" * 40
    model, docs, cats = ClauseListModel(), DocumentListModel(), CodebookModel()
    resets: list[str] = []
    for name, m in (("clauses", model), ("plans", docs), ("codebook", cats)):
        m.modelReset.connect(lambda name=name: resets.append(name))
    model.set_document("k", text, clauses(), coding())
    docs.set_documents([DocumentSummary("k", "Plan", 3, 1)])
    cats.set_categories(default_codebook())
    assert resets == ["clauses", "plans", "codebook"]
    model.set_document("k", text, clauses(), coding())  # equal values, new objects
    docs.set_documents([DocumentSummary("k", "Plan", 3, 1)])
    cats.set_categories(default_codebook())
    assert resets == ["clauses", "plans", "codebook"]
    model.set_document("k", text, clauses(), {})  # the coding differs
    docs.set_documents([DocumentSummary("k", "Plan", 3, 0)])
    cats.set_categories(default_codebook()[1:])
    assert resets == ["clauses", "plans", "codebook"] * 2
