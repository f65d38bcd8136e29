"""coding_after: a clause's coding from the one before and an edit's rows, or None to read it."""

from __future__ import annotations

from annotator.core.edits import RowChange
from annotator.services.coding_delta import coding_after
from annotator.services.project import Project, new_annotation
from annotator.services.types import ClauseCoding, SpanTag

STAMP = "2026-01-01T00:00:00Z"


def tag(category: str, start: int | None = None, end: int | None = None) -> dict[str, object]:
    return new_annotation("c1", 7, category, start, end, STAMP)


def test_the_service_edits_followed_match_a_fresh_read(
    project: Project, plan: str, coder: str
) -> None:
    clause = project.clauses(plan)[1]
    shown = project.clause_coding(clause.id, coder)
    edits = [
        lambda: project.toggle_tag(coder, clause.id, "economic"),
        lambda: project.toggle_span(
            coder, clause.id, "territorial", clause.start, clause.start + 3
        ),
        lambda: project.mark_none(coder, clause.id),
        lambda: project.toggle_tag(coder, clause.id, "territorial"),
        lambda: project.toggle_tag(coder, clause.id, "territorial"),
    ]
    for make in edits:
        edit = make()
        followed = coding_after(shown, edit.changes, coder, clause.id)
        assert followed == project.clause_coding(clause.id, coder)
        undone = project.undo(edit)
        back = coding_after(followed, undone.changes, coder, clause.id)
        assert back == shown
        project.redo(edit)
        assert followed is not None
        shown = followed


def test_what_it_cannot_follow_is_read_instead() -> None:
    row = tag("economic")
    added = RowChange("annotation", (row["id"],), None, row)
    assert coding_after(ClauseCoding(), [added], "c1", 7) == ClauseCoding(frozenset({"economic"}))
    assert coding_after(ClauseCoding(), [added], "c2", 7) is None  # another coder's row
    assert coding_after(ClauseCoding(), [added], "c1", 8) is None  # another clause's
    # The set already has the tag: a second live row of it (a merge) cannot be followed by key.
    assert coding_after(ClauseCoding(frozenset({"economic"})), [added], "c1", 7) is None
    link = RowChange("clause_link", ("x",), None, {"coder_id": "c1", "clause_id": 7})
    assert coding_after(ClauseCoding(), [link], "c1", 7) is None


def test_a_memo_on_a_tag_or_span_changes_only_the_memo() -> None:
    whole, span = tag("economic"), tag("territorial", 3, 9)
    before = ClauseCoding(
        frozenset({"economic"}), (SpanTag(str(span["id"]), "territorial", 3, 9, ""),)
    )
    changes = [
        RowChange("annotation", (whole["id"],), whole, {**whole, "memo": "why"}),
        RowChange("annotation", (span["id"],), span, {**span, "memo": "see 4"}),
    ]
    after = coding_after(before, changes, "c1", 7)
    assert after is not None and after.tags == before.tags
    assert after.spans == (SpanTag(str(span["id"]), "territorial", 3, 9, "see 4"),)
