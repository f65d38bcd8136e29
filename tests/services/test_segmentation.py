"""Segmentation services: notes kept with a plan, preview before import, undoable re-segmenting."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.errors import InputError
from annotator.services import clauses as clause_service
from annotator.services.exchange import export_exchange_dict
from annotator.services.project import Project
from annotator.services.segmentation import (
    preview_plan,
    resegment,
    segment_mode,
    segment_notes,
)

GAPPY = "Leaked draft\n\n1. Ceasefire.\n2. Withdrawal.\n4. Elections.\n5. Sanctions.\n"
LAYERED = (
    "Outline\n\n"
    "1. The parties agree to a ceasefire.\n\n"
    "2. Exchanges:\na) all prisoners of war;\nb) all civilians.\n\n"
    "3. Talks begin within 30 days.\n"
)


def by_label(project: Project, key: str) -> dict[str, int]:
    return {c.label: c.id for c in project.clauses(key)}


def test_import_keeps_notes_and_reports_them(project: Project) -> None:
    result = project.import_text("Gappy", GAPPY, source_name="gappy.txt")
    assert result.notes == ("point 3 is not in the text",)
    assert [n.message for n in segment_notes(project, result.document_key)] == list(result.notes)
    assert segment_mode(project, result.document_key) == "auto"
    again = project.import_text("Gappy", GAPPY)
    assert again.already_present and again.notes == result.notes


def test_plans_without_stored_notes_have_none(project: Project) -> None:
    assert segment_notes(project, "0" * 64) == []  # no such plan
    project.set_setting("segment/" + "1" * 64, "{not json")
    assert segment_notes(project, "1" * 64) == []  # a damaged row hides notes, not the plan


def test_preview_reads_without_writing(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "gappy.txt"
    path.write_text(GAPPY, encoding="utf-8")
    preview = preview_plan(path)
    assert [c.label for c in preview.clauses if c.kind == "point"] == ["1", "2", "4", "5"]
    assert [n.kind for n in preview.notes] == ["gap"]
    assert preview_plan(path, "paragraphs").clauses[1].label == "¶2"
    assert project.documents() == []
    with pytest.raises(InputError, match="unknown segmentation mode"):
        preview_plan(path, "sentences")


def test_resegment_into_paragraphs_keeps_moves_reports_and_undoes(
    project: Project, coder: str
) -> None:
    key = project.import_text("Layered", LAYERED).document_key
    text = project.document(key).text
    ids = by_label(project, key)
    assert list(ids) == ["H1", "1", "2", "2.a", "2.b", "3"]
    project.toggle_tag(coder, ids["1"], "security_guarantee")
    word = text.index("prisoners")
    project.toggle_span(coder, ids["2.a"], "territorial", word, word + len("prisoners"))
    project.toggle_tag(coder, ids["2.b"], "economic")
    project.mark_none(coder, ids["2"])
    before = export_exchange_dict(project)

    result = resegment(project, key, "paragraphs")
    after = by_label(project, key)
    assert list(after) == ["¶1", "¶2", "¶3", "¶4"]
    assert after["¶2"] == ids["1"]  # unchanged text: the same clause row, its tag untouched
    assert project.clause_coding(ids["1"], coder).tags == {"security_guarantee"}
    merged = project.clause_coding(after["¶3"], coder)
    assert [text[s.start : s.end] for s in merged.spans] == ["prisoners"]  # moved with its text
    assert merged.tags == {"economic"}
    report = result.report
    assert (report.clauses_before, report.clauses_after, report.unchanged) == (6, 4, 3)
    assert (report.spans_moved, report.tags_reattached) == (1, 1)
    assert (report.reviews_moved, report.reviews_dropped) == (1, 0)
    assert report.annotations_kept == 1
    assert any("moved with their text" in line for line in report.lines())
    assert segment_mode(project, key) == "paragraphs"

    project.undo(result.edit)
    assert by_label(project, key) == ids
    assert project.clause_coding(ids["2.a"], coder).spans[0].category == "territorial"
    assert project.clause_coding(ids["2.b"], coder).tags == {"economic"}
    assert project.clause_coding(ids["2"], coder).review == "none"
    assert segment_mode(project, key) == "auto"
    restored = export_exchange_dict(project)
    live = sorted(
        (a["clause"], a["category"], a["span"]) for a in restored["annotations"] if not a["deleted"]
    )
    assert live == sorted(
        (a["clause"], a["category"], a["span"]) for a in before["annotations"] if not a["deleted"]
    )
    project.redo(result.edit)
    assert list(by_label(project, key)) == ["¶1", "¶2", "¶3", "¶4"]


def test_resegment_with_the_rules_restores_a_cut_and_moves_spans(
    project: Project, coder: str
) -> None:
    key = project.import_text("Gappy", GAPPY).document_key
    text = project.document(key).text
    ids = by_label(project, key)
    at = text.index("2. Withdrawal")
    # A coder cut clause 1 badly: merged 1 and 2, then tagged a word of point 2.
    clause_service.merge_with_next(project, ids["1"])
    word = text.index("Withdrawal")
    project.toggle_span(coder, ids["1"], "military_cap", word, word + len("Withdrawal"))
    result = resegment(project, key)
    now = by_label(project, key)
    assert list(now) == ["H1", "1", "2", "4", "5"]
    spans = project.clause_coding(now["2"], coder).spans
    assert [text[s.start : s.end] for s in spans] == ["Withdrawal"] and spans[0].start > at
    assert result.report.spans_moved == 1


def test_resegment_unchanged_plan_changes_nothing(project: Project, coder: str) -> None:
    key = project.import_text("Gappy", GAPPY).document_key
    ids = by_label(project, key)
    project.toggle_tag(coder, ids["4"], "economic")
    result = resegment(project, key)
    assert result.edit.empty
    assert result.report.unchanged == 5 and result.report.annotations_kept == 1


def test_resegment_errors(project: Project) -> None:
    with pytest.raises(InputError, match="no document"):
        resegment(project, "f" * 64)
    key = project.import_text("Gappy", GAPPY).document_key
    with pytest.raises(InputError, match="unknown segmentation mode"):
        resegment(project, key, "words")


def test_plans_that_came_without_notes_get_them_from_their_text(project: Project) -> None:
    key = project.import_text("Gappy", GAPPY).document_key
    with project.engine.begin() as conn:  # as a plan merged in from an exchange file
        from annotator.storage.tables import T_SETTING

        conn.execute(T_SETTING.delete().where(T_SETTING.c.key == "segment/" + key))
    assert [n.message for n in segment_notes(project, key)] == ["point 3 is not in the text"]


def test_reviews_joined_by_resegmenting_keep_done_over_none(project: Project, coder: str) -> None:
    key = project.import_text("Layered", LAYERED).document_key
    ids = by_label(project, key)
    project.mark_none(coder, ids["2"])  # "nothing applies" to the lead-in ...
    project.mark_none(coder, ids["2.a"])
    project.toggle_tag(coder, ids["2.a"], "territorial")  # ... but 2.a is tagged: "done"
    result = resegment(project, key, "paragraphs")
    joined = by_label(project, key)["¶3"]
    assert project.clause_coding(joined, coder).review == "done"
    assert (result.report.reviews_moved, result.report.reviews_dropped) == (2, 0)
    project.undo(result.edit)
    assert project.clause_coding(ids["2"], coder).review == "none"
    assert project.clause_coding(ids["2.a"], coder).review == "done"
