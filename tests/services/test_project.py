"""The project service: imports, tagging, reviews, undo and redo, persisted at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.errors import EditError, InputError
from annotator.core.text import document_key, normalise
from annotator.services.project import Project
from tests.services.conftest import PLAN


def test_new_project_has_default_codebook(project: Project) -> None:
    keys = [c.key for c in project.categories()]
    assert keys == ["security_guarantee", "territorial", "economic", "military_cap"]
    assert [c.shortcut for c in project.categories()] == ["1", "2", "3", "4"]


def test_import_is_keyed_by_normalised_text(project: Project, plan: str) -> None:
    assert plan == document_key(normalise(PLAN))
    again = project.import_text("Other title", PLAN.replace("\n", "\r\n"))
    assert again.already_present and again.document_key == plan
    assert len(project.documents()) == 1
    doc = project.document(plan)
    assert doc.text == normalise(PLAN)
    clauses = project.clauses(plan)
    assert clauses and all(doc.text[c.start : c.end].strip() for c in clauses)


def test_empty_plan_is_refused(project: Project) -> None:
    with pytest.raises(InputError, match="empty"):
        project.import_text("Empty", " \n\n ")
    assert project.documents() == []


def test_toggle_tag_persists_and_counts_as_coded(
    project: Project, plan: str, coder: str, tmp_path: Path
) -> None:
    first, second = project.clauses(plan)[:2]
    project.toggle_tag(coder, first.id, "territorial")
    project.toggle_tag(coder, first.id, "economic")
    project.toggle_tag(coder, second.id, "economic")
    with Project.open(tmp_path / "p.sqlite") as reopened:
        coding = reopened.coding(plan, coder)
        assert coding[first.id].tags == {"territorial", "economic"}
        assert coding[second.id].tags == {"economic"}
        assert reopened.documents(coder)[0].coded == 2


def test_toggle_twice_removes_with_tombstone(project: Project, plan: str, coder: str) -> None:
    clause = project.clauses(plan)[0]
    on = project.toggle_tag(coder, clause.id, "territorial")
    off = project.toggle_tag(coder, clause.id, "territorial")
    assert on.label.startswith("Tag") and off.label.startswith("Untag")
    assert project.coding(plan, coder).get(clause.id) is None
    # The removal is kept as a tombstone so that it survives merging.
    before = off.changes[0].after
    assert before is not None and before["deleted"] is True


def test_mark_none_clears_tags_and_undo_restores_them(
    project: Project, plan: str, coder: str
) -> None:
    clause = project.clauses(plan)[1]
    project.toggle_tag(coder, clause.id, "economic")
    none = project.mark_none(coder, clause.id)
    state = project.clause_coding(clause.id, coder)
    assert state.tags == frozenset() and state.review == "none" and state.coded
    project.undo(none)
    state = project.clause_coding(clause.id, coder)
    assert state.tags == {"economic"} and state.review is None
    project.redo(none)
    assert project.clause_coding(clause.id, coder).review == "none"


def test_tag_after_none_makes_review_done(project: Project, plan: str, coder: str) -> None:
    clause = project.clauses(plan)[0]
    project.mark_none(coder, clause.id)
    project.toggle_tag(coder, clause.id, "territorial")
    state = project.clause_coding(clause.id, coder)
    assert state.review == "done" and state.tags == {"territorial"}


def test_undo_and_redo_of_tag(project: Project, plan: str, coder: str) -> None:
    clause = project.clauses(plan)[0]
    edit = project.toggle_tag(coder, clause.id, "territorial")
    project.undo(edit)
    assert project.clause_coding(clause.id, coder).tags == frozenset()
    project.redo(edit)
    assert project.clause_coding(clause.id, coder).tags == {"territorial"}


def test_span_tag_inside_clause_with_astral_text(project: Project, plan: str, coder: str) -> None:
    text = project.document(plan).text
    clause = next(c for c in project.clauses(plan) if "🕊" in text[c.start : c.end])
    start = text.index("reconstruction", clause.start)
    end = start + len("reconstruction")
    project.toggle_span(coder, clause.id, "economic", start, end)
    spans = project.clause_coding(clause.id, coder).spans
    assert [(s.category, text[s.start : s.end]) for s in spans] == [("economic", "reconstruction")]
    assert project.clause_coding(clause.id, coder).categories == {"economic"}
    with pytest.raises(EditError, match="not inside"):
        project.toggle_span(coder, clause.id, "economic", clause.start, clause.end + 5)


def test_unknown_category_and_clause_are_refused(project: Project, plan: str, coder: str) -> None:
    clause = project.clauses(plan)[0]
    with pytest.raises(EditError, match="no category"):
        project.toggle_tag(coder, clause.id, "nope")
    with pytest.raises(EditError, match="no clause"):
        project.toggle_tag(coder, 99999, "economic")


def test_coders_do_not_see_each_others_tags(project: Project, plan: str, coder: str) -> None:
    other = project.add_coder("Taras").id
    clause = project.clauses(plan)[0]
    project.toggle_tag(coder, clause.id, "territorial")
    assert project.coding(plan, other) == {}
    assert project.documents(other)[0].coded == 0


def test_settings_round_trip(project: Project) -> None:
    assert project.setting("blind", "auto") == "auto"
    project.set_setting("blind", "on")
    assert project.setting("blind") == "on"


def test_untag_takes_off_a_duplicate_a_merge_brought(
    project: Project, plan: str, coder: str
) -> None:
    """Two live whole-clause rows of one category (two files merged): the key removes the tag,
    both rows, in one undoable edit."""
    from annotator.services.project import new_annotation
    from annotator.storage.rows import write_row

    clause = project.clauses(plan)[0]
    project.toggle_tag(coder, clause.id, "territorial")
    twin = new_annotation(coder, clause.id, "territorial", None, None, "2020-01-01T00:00:00Z")
    with project.engine.begin() as conn:
        write_row(conn, "annotation", (twin["id"],), twin)
    off = project.toggle_tag(coder, clause.id, "territorial")
    assert off.label.startswith("Untag") and len(off.changes) == 2
    assert project.clause_coding(clause.id, coder).tags == frozenset()
    project.undo(off)
    assert project.clause_coding(clause.id, coder).tags == {"territorial"}
