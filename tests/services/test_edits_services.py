"""Codebook, memo, clause and review services: each change persisted and undoable."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.errors import EditError
from annotator.services import clauses as clause_service
from annotator.services import codebook as codebook_service
from annotator.services import notes, review
from annotator.services.documents import set_document_properties
from annotator.services.exchange import export_exchange_dict
from annotator.services.project import Project
from annotator.services.types import DocumentMeta


def _keys(project: Project) -> list[str]:
    return [c.key for c in project.categories()]


def test_codebook_add_rename_nest_retire_and_undo(project: Project) -> None:
    edit, key = codebook_service.add_category(
        project, "Sanctions", description="Lifting or imposing"
    )
    assert key == "sanctions" and "sanctions" in _keys(project)
    added = next(c for c in project.categories() if c.key == key)
    assert added.shortcut == "5"  # the first free key
    rename = codebook_service.update_category(project, key, name="Sanctions relief")
    nest = codebook_service.update_category(project, key, parent="economic")
    cat = next(c for c in project.categories() if c.key == key)
    assert (cat.name, cat.parent) == ("Sanctions relief", "economic")
    retire = codebook_service.update_category(project, key, retired=True)
    assert key not in _keys(project)
    assert key in [c.key for c in project.categories(include_retired=True)]
    for undo in (retire, nest, rename):
        project.undo(undo)
    cat = next(c for c in project.categories() if c.key == key)
    assert (cat.name, cat.parent, cat.retired) == ("Sanctions", None, False)
    project.undo(edit)
    assert key not in [c.key for c in project.categories(include_retired=True)]


def test_shortcut_moves_between_categories(project: Project) -> None:
    codebook_service.update_category(project, "economic", shortcut="1")
    shortcuts = {c.key: c.shortcut for c in project.categories()}
    assert shortcuts["economic"] == "1" and shortcuts["security_guarantee"] is None


def test_nesting_cycle_is_refused(project: Project) -> None:
    codebook_service.update_category(project, "economic", parent="territorial")
    with pytest.raises(EditError, match="inside itself"):
        codebook_service.update_category(project, "territorial", parent="economic")


def test_reorder(project: Project) -> None:
    edit = codebook_service.move_category(project, "military_cap", -3)
    assert _keys(project)[0] == "military_cap"
    project.undo(edit)
    assert _keys(project)[-1] == "military_cap"


def test_codebook_round_trip_through_qdc(project: Project, tmp_path: Path) -> None:
    codebook_service.add_category(project, "Elections")
    assert codebook_service.export_codebook(project, tmp_path / "cb.qdc") == 5
    with Project.open(tmp_path / "other.sqlite", seed_samples=False) as other:
        codebook_service.import_codebook(other, tmp_path / "cb.qdc")
        assert sorted(_keys(other)) == sorted(_keys(project))


def test_clause_memo_and_flag(project: Project, plan: str, coder: str) -> None:
    clause = project.clauses(plan)[0]
    memo = notes.set_clause_memo(project, coder, clause.id, "check the annex")
    flag = notes.toggle_clause_flag(project, coder, clause.id)
    state = project.clause_coding(clause.id, coder)
    assert (state.memo, state.flagged) == ("check the annex", True)
    project.undo(flag)
    project.undo(memo)
    state = project.clause_coding(clause.id, coder)
    assert (state.memo, state.flagged) == ("", False)


def test_annotation_memo(project: Project, plan: str, coder: str) -> None:
    clause = project.clauses(plan)[0]
    project.toggle_tag(coder, clause.id, "territorial")
    ann = export_exchange_dict(project)["annotations"][0]
    notes.set_annotation_memo(project, ann["id"], "line of contact", uncertain=True)
    ann = export_exchange_dict(project)["annotations"][0]
    assert ann["memo"] == "line of contact" and ann["uncertain"] is True


def test_split_keeps_tags_on_both_halves_and_undo(project: Project, plan: str, coder: str) -> None:
    text = project.document(plan).text
    clause = next(c for c in project.clauses(plan) if "fund" in text[c.start : c.end])
    project.toggle_tag(coder, clause.id, "economic")
    word = text.index("supports", clause.start)
    project.toggle_span(coder, clause.id, "territorial", word, word + len("supports"))
    at = text.index(" supports", clause.start)
    edit = clause_service.split_clause(project, clause.id, at)
    parts = [c for c in project.clauses(plan) if clause.start <= c.start < clause.end]
    assert len(parts) == 2
    assert text[parts[0].start : parts[0].end].endswith("billion")
    first, second = (project.clause_coding(p.id, coder) for p in parts)
    assert first.tags == {"economic"} and second.tags == {"economic"}
    assert [text[s.start : s.end] for s in second.spans] == ["supports"]
    project.undo(edit)
    restored = [c for c in project.clauses(plan) if clause.start <= c.start < clause.end]
    assert [(c.start, c.end) for c in restored] == [(clause.start, clause.end)]
    state = project.clause_coding(clause.id, coder)
    assert state.tags == {"economic"} and len(state.spans) == 1


def test_split_at_edge_is_refused(project: Project, plan: str) -> None:
    clause = project.clauses(plan)[1]
    with pytest.raises(EditError, match="both parts"):
        clause_service.split_clause(project, clause.id, clause.start)


def test_merge_with_next_and_undo(project: Project, plan: str, coder: str) -> None:
    first, second = project.clauses(plan)[1:3]
    project.toggle_tag(coder, first.id, "economic")
    project.toggle_tag(coder, second.id, "economic")
    project.toggle_tag(coder, second.id, "military_cap")
    count = len(project.clauses(plan))
    edit = clause_service.merge_with_next(project, first.id)
    assert len(project.clauses(plan)) == count - 1
    merged = project.clause_coding(first.id, coder)
    assert merged.tags == {"economic", "military_cap"}
    live = [a for a in export_exchange_dict(project)["annotations"] if not a["deleted"]]
    assert len(live) == 2  # the duplicate "economic" became a tombstone
    project.undo(edit)
    assert len(project.clauses(plan)) == count
    assert project.clause_coding(second.id, coder).tags == {"economic", "military_cap"}


def test_move_boundary(project: Project, plan: str) -> None:
    text = project.document(plan).text
    first, second = project.clauses(plan)[1:3]
    new_end = text.index("A fund", second.start) + len("A fund")
    clause_service.move_boundary(project, first.id, new_end)
    moved = {c.id: c for c in project.clauses(plan)}
    assert text[moved[first.id].start : moved[first.id].end].endswith("2. A fund")
    assert text[moved[second.id].start :].startswith("of 2.5 billion")


def test_blind_mode_defaults_on_with_two_coders(project: Project, coder: str) -> None:
    assert review.blind_mode(project) is False
    project.add_coder("Taras")
    assert review.blind_mode(project) is True
    review.set_blind_mode(project, False)
    assert review.blind_mode(project) is False


def test_disagreements_and_settle(project: Project, plan: str, coder: str) -> None:
    other = project.add_coder("Taras").id
    first, second = project.clauses(plan)[:2]
    project.toggle_tag(coder, first.id, "territorial")
    project.toggle_tag(other, first.id, "security_guarantee")
    project.toggle_tag(coder, second.id, "economic")
    project.toggle_tag(other, second.id, "economic")
    found = review.disagreements(project, plan)
    assert [d.clause.id for d in found] == [first.id]
    assert found[0].values == {coder: {"territorial"}, other: {"security_guarantee"}}
    assert review.disagreements(project, plan, category="economic") == []
    edit = review.settle(project, first.id, {"territorial"}, "Reviewer Ann")
    consensus = review.consensus_coder(project)
    assert project.clause_coding(first.id, consensus.id).tags == {"territorial"}
    exported = export_exchange_dict(project)
    cons = [a for a in exported["annotations"] if a["coder"] == consensus.id]
    assert cons[0]["adjudicator"] == "Reviewer Ann"
    assert {"id": consensus.id, "name": "Consensus", "consensus": True} in exported["coders"]
    # The consensus layer is not a coder in disagreements.
    assert [d.clause.id for d in review.disagreements(project, plan)] == [first.id]
    project.undo(edit)
    assert project.clause_coding(first.id, consensus.id).tags == frozenset()


def test_document_properties(project: Project, plan: str) -> None:
    other = project.import_text("Revision", "1. A shorter text.\n").document_key
    meta = DocumentMeta(date="2026-03-01", party="Mediators", stage="revision", revises=plan)
    edit = set_document_properties(project, other, title="19-point revision", meta=meta)
    doc = project.document(other)
    assert doc.title == "19-point revision" and doc.meta.revises == plan
    assert export_exchange_dict(project)["documents"][0]["meta"] or True
    project.undo(edit)
    assert project.document(other).meta.date is None
    with pytest.raises(EditError, match="itself"):
        set_document_properties(project, plan, meta=DocumentMeta(revises=plan))
