"""Memos and "uncertain" flags, on clauses and on annotations; each change one undoable Edit."""

from __future__ import annotations

from annotator.core import clock
from annotator.core.edits import Edit
from annotator.core.errors import EditError
from annotator.services.project import Project
from annotator.services.unit_of_work import unit_of_work
from annotator.storage import queries
from annotator.storage.rows import Recorder, read_row


@unit_of_work
def _note_edit(
    project: Project, coder_id: str, clause_id: int, *, memo: str | None, flagged: bool | None
) -> Edit:
    with project.engine.begin() as conn:
        clause = queries.clause_row(conn, clause_id)
        rec = Recorder(conn)
        before = read_row(conn, "clause_note", (coder_id, clause_id)) or {
            "coder_id": coder_id,
            "clause_id": clause_id,
            "memo": "",
            "flagged": False,
            "updated": "",
        }
        after = dict(before)
        if memo is not None:
            after["memo"] = memo
        if flagged is not None:
            after["flagged"] = flagged
        if (after["memo"], bool(after["flagged"])) == (before["memo"], bool(before["flagged"])):
            return Edit("No change", (), clause["document_key"], (clause_id,))
        after["updated"] = clock.now()
        rec.put("clause_note", (coder_id, clause_id), after)
        if memo is not None:
            label = f"Edit memo of {clause['label']}"
        else:
            label = f"{'Flag' if flagged else 'Unflag'} {clause['label']} as uncertain"
        return Edit(label, tuple(rec.changes), clause["document_key"], (clause_id,))


def set_clause_memo(project: Project, coder_id: str, clause_id: int, memo: str) -> Edit:
    """The coder's memo on a whole clause (empty text clears it)."""
    return _note_edit(project, coder_id, clause_id, memo=memo, flagged=None)


def set_clause_flag(project: Project, coder_id: str, clause_id: int, flagged: bool) -> Edit:
    """Flag a clause as uncertain (a coder's note to self or to the reviewer)."""
    return _note_edit(project, coder_id, clause_id, memo=None, flagged=flagged)


def toggle_clause_flag(project: Project, coder_id: str, clause_id: int) -> Edit:
    current = project.clause_coding(clause_id, coder_id).flagged
    return set_clause_flag(project, coder_id, clause_id, not current)


@unit_of_work
def set_annotation_memo(
    project: Project, annotation_id: str, memo: str, *, uncertain: bool | None = None
) -> Edit:
    """The memo (and optionally the uncertain flag) of one annotation."""
    with project.engine.begin() as conn:
        row = read_row(conn, "annotation", (annotation_id,))
        if row is None or row["deleted"]:
            raise EditError(f"no annotation {annotation_id}")
        clause = queries.clause_row(conn, row["clause_id"])
        after = {**row, "memo": memo}
        if uncertain is not None:
            after["uncertain"] = uncertain
        if after == row:
            return Edit("No change", (), clause["document_key"], (row["clause_id"],))
        after["updated"] = clock.now()
        rec = Recorder(conn)
        rec.put("annotation", (annotation_id,), after)
        return Edit(
            f"Edit memo on {clause['label']}",
            tuple(rec.changes),
            clause["document_key"],
            (row["clause_id"],),
        )
