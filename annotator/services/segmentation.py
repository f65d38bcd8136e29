"""Segmentation use cases: preview a plan before import, the notes of a plan, re-segmenting it.

The notes the segmenter made when a plan was cut into clauses (points missing from the source,
repeated numbers, changes of delimiter ...) are kept in the project's ``setting`` table under
``segment/<document key>`` as JSON ``{"mode": "auto", "notes": [{"kind", "message"}]}``: no schema
change, and an undo of a re-segmentation restores them with the clauses.

Re-segmenting (:func:`resegment`) cuts the plan's text again, with the current rules or another
mode (``"paragraphs"``), as one undoable :class:`Edit`:

* a clause whose span is unchanged keeps its row, so everything on it stays (its label may change);
* a span annotation moves, with its text, to the new clause that holds it (clipped to the clause
  that holds most of it if it now crosses a boundary);
* a whole-clause tag, a review, a memo or a link on a clause that changed goes to the new clause
  that shares the most text with it, and is reported;
* the report says how many were kept, moved, re-attached or clipped.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any

from annotator.core import clock
from annotator.core.edits import Edit
from annotator.core.errors import InputError
from annotator.core.segment_result import MODES, Clause, Note, parse_notes
from annotator.services.clauses import insert_clause, repoint_links
from annotator.services.project import Project
from annotator.services.unit_of_work import unit_of_work
from annotator.storage import coding_rows, plan_rows
from annotator.storage.coding_rows import rows_on_clause
from annotator.storage.connection import Connection
from annotator.storage.rows import Recorder, read_row

PREFIX = "segment/"


@dataclass(frozen=True)
class PlanPreview:
    """A plan file read and segmented, not yet written anywhere."""

    path: str
    title: str
    text: str
    key: str
    clauses: list[Clause]
    notes: list[Note]
    mode: str


def preview_plan(path: str | os.PathLike[str], mode: str = "auto") -> PlanPreview:
    """Read and segment a plan file as an import would, without touching a project."""
    from annotator.core.readers import read_plan
    from annotator.core.segment import segment_plan

    plan = read_plan(path)
    result = segment_plan(plan.text, _check_mode(mode))
    return PlanPreview(
        str(path), plan.title, plan.text, plan.key, result.clauses, result.notes, mode
    )


def _check_mode(mode: str) -> str:
    if mode not in MODES:
        raise InputError(f"unknown segmentation mode {mode!r} (choose {', '.join(MODES)})")
    return mode


def notes_row(document_key: str, mode: str, notes: list[Note]) -> dict[str, str]:
    """The setting row that keeps a plan's segmentation notes."""
    value = json.dumps(
        {"mode": mode, "notes": [{"kind": n.kind, "message": n.message} for n in notes]},
        ensure_ascii=False,
    )
    return {"key": PREFIX + document_key, "value": value}


def segment_notes(project: Project, document_key: str) -> list[Note]:
    """The notes the segmenter made on a plan.

    A plan that came without them (from an exchange file, a .qdpx, or a project older than the
    notes) gets the notes its text gives now: they describe the source, whoever cut the clauses.
    """
    stored = project.setting(PREFIX + document_key)
    if stored is not None:
        return parse_notes(stored)[1]
    with project.engine.connect() as conn:
        text = plan_rows.document_text(conn, document_key)
    if text is None:
        return []
    from annotator.core.segment import segment_plan  # the segmenter, only for unstored notes

    return segment_plan(text).notes


def segment_mode(project: Project, document_key: str) -> str:
    """The mode the plan's clauses were last cut with ("auto" unless re-segmented)."""
    return parse_notes(project.setting(PREFIX + document_key))[0]


@dataclass
class ResegmentReport:
    """What a re-segmentation did, for the user and for tests."""

    clauses_before: int = 0
    clauses_after: int = 0
    unchanged: int = 0  # clauses whose span did not change (everything on them stays)
    annotations_kept: int = 0
    spans_moved: int = 0  # span annotations now on another clause, text unchanged
    spans_clipped: int = 0  # spans that crossed a new boundary, clipped to one clause
    tags_reattached: int = 0  # whole-clause tags of a changed clause, put on its successor
    reviews_moved: int = 0
    reviews_dropped: int = 0  # the successor already had that coder's review
    memos_moved: int = 0
    links_moved: int = 0
    notes: list[Note] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [
            f"{self.clauses_before} clauses before, {self.clauses_after} after; "
            f"{self.unchanged} unchanged",
            f"{self.annotations_kept} annotations stay on unchanged clauses",
        ]
        for count, what in (
            (self.spans_moved, "span annotations moved with their text"),
            (self.spans_clipped, "span annotations clipped at a new clause boundary"),
            (self.tags_reattached, "whole-clause tags put on the clause that holds most of "
             "their old clause's text"),
            (self.reviews_moved, "reviews moved likewise"),
            (self.reviews_dropped, "reviews dropped (the new clause had one already)"),
            (self.memos_moved, "memos or flags moved likewise"),
            (self.links_moved, "clause links moved likewise"),
        ):  # fmt: skip
            if count:
                out.append(f"{count} {what}")
        return out


@dataclass(frozen=True)
class ResegmentResult:
    edit: Edit
    report: ResegmentReport


class _Successors:
    """The new clause that holds a span of the old text, or most of it (the same rule a file cut
    before a re-segmentation is rebased by: :class:`annotator.core.rebase.Cut`)."""

    def __init__(self, spans: list[tuple[int, int, int]]):  # (start, end, id)
        from annotator.core.rebase import Cut  # only when a plan is cut again, not at start-up

        self.cut = Cut([(start, end) for start, end, _ in spans])
        self.ids = {(start, end): cid for start, end, cid in spans}

    def best(self, start: int, end: int) -> tuple[int, int, int] | None:
        span = self.cut.best(start, end)
        return None if span is None else (span[0], span[1], self.ids[span])


@unit_of_work
def resegment(project: Project, document_key: str, mode: str = "auto") -> ResegmentResult:
    """Cut a plan's text into clauses again; one undoable edit (see the module docstring)."""
    _check_mode(mode)
    with project.engine.begin() as conn:
        text = plan_rows.document_text(conn, document_key)
        if text is None:
            raise InputError(f"no document {document_key[:12]}… in this project")
        from annotator.core.segment import segment_plan

        result = segment_plan(text, mode)
        old = plan_rows.clause_rows(conn, document_key)
        rec = Recorder(conn)
        stamp = clock.now()
        report = ResegmentReport(len(old), len(result.clauses), notes=list(result.notes))
        by_span = {(c["start"], c["end"]): c for c in old}
        new_ids: list[tuple[int, int, int]] = []
        fresh: set[int] = set()
        for c in result.clauses:
            row = by_span.get((c.start, c.end))
            if row is None:
                continue
            report.unchanged += 1
            new_ids.append((c.start, c.end, row["id"]))
            if (row["label"], row["kind"]) != (c.label, c.kind):
                rec.put("clause", (row["id"],), {**row, "label": c.label, "kind": c.kind})
        for c in result.clauses:
            if (c.start, c.end) in by_span:
                continue
            values = {
                "document_key": document_key,
                "start": c.start,
                "end": c.end,
                "label": c.label,
                "kind": c.kind,
            }
            cid = insert_clause(conn, rec, values)
            new_ids.append((c.start, c.end, cid))
            fresh.add(cid)
        new_ids.sort()
        successors = _Successors(new_ids)
        kept_ids = {cid for _, _, cid in new_ids if cid not in fresh}
        changed = [c for c in old if c["id"] not in kept_ids]
        report.annotations_kept = coding_rows.live_annotation_count(conn, kept_ids)
        for clause in changed:
            _move_from(conn, rec, clause, successors, stamp, report)
        for clause in changed:
            rec.put("clause", (clause["id"],), None)
        rec.put("setting", (PREFIX + document_key,), notes_row(document_key, mode, result.notes))
        _retire(conn, rec, document_key, changed, new_ids)
        label = "Re-segment plan" + (" into paragraphs" if mode == "paragraphs" else "")
        edit = Edit(label, tuple(rec.changes), document_key, tuple(sorted(fresh)))
        return ResegmentResult(edit, report)


RETIRED = "segment-retired/"  # + document key: the spans of clauses re-segmenting removed


def retired_spans(value: str | None) -> set[tuple[int, int]]:
    """The spans a ``segment-retired/<key>`` setting holds (none when absent or damaged)."""
    try:
        return {(int(s), int(e)) for s, e in json.loads(value or "[]")}
    except (ValueError, TypeError):
        return set()


def _retire(
    conn: Connection,
    rec: Recorder,
    document_key: str,
    changed: list[dict[str, Any]],
    new_ids: list[tuple[int, int, int]],
) -> None:
    """Remember the cuts re-segmenting removed, in the same undoable edit: a file exported before
    still names them, and its merge carries its work onto the new clauses
    (:mod:`annotator.core.rebase`)."""
    before = read_row(conn, "setting", (RETIRED + document_key,))
    spans = retired_spans(before["value"] if before else None)
    spans |= {(c["start"], c["end"]) for c in changed}
    spans -= {(s, e) for s, e, _ in new_ids}
    value = json.dumps(sorted(spans), separators=(",", ":"))
    if (before["value"] if before else "[]") != value:
        rec.put(
            "setting", (RETIRED + document_key,), {"key": RETIRED + document_key, "value": value}
        )


def _move_from(
    conn: Connection,
    rec: Recorder,
    clause: dict[str, Any],
    successors: _Successors,
    stamp: str,
    report: ResegmentReport,
) -> None:
    """Move everything on an old clause to the new clauses that hold its text."""
    whole = successors.best(clause["start"], clause["end"])
    assert whole is not None  # a text with an old clause has at least one new clause
    for ann in rows_on_clause(conn, "annotation", clause["id"]):
        s, e = ann["span_start"], ann["span_end"]
        if s is None:
            target = whole[2]
            image = {**ann, "clause_id": target}
            if not ann["deleted"]:
                report.tags_reattached += 1
        else:
            span = successors.best(s, e)
            assert span is not None
            ns, ne = max(s, span[0]), min(e, span[1])
            image = {**ann, "clause_id": span[2], "span_start": ns, "span_end": ne}
            if not ann["deleted"]:
                if (ns, ne) == (s, e):
                    report.spans_moved += 1
                else:
                    report.spans_clipped += 1
        rec.put("annotation", (ann["id"],), {**image, "updated": stamp})
    target = whole[2]
    for review in rows_on_clause(conn, "review", clause["id"]):
        rec.put("review", (review["coder_id"], clause["id"]), None)
        there = coding_rows.review_status(conn, review["coder_id"], target)
        # "done" (tags complete) outranks "none" (nothing applies) once the texts are one clause.
        if there is not None and not (there == "none" and review["status"] == "done"):
            report.reviews_dropped += 1
            continue
        rec.put(
            "review",
            (review["coder_id"], target),
            {**review, "clause_id": target, "updated": stamp},
        )
        report.reviews_moved += 1
    for note in rows_on_clause(conn, "clause_note", clause["id"]):
        rec.put("clause_note", (note["coder_id"], clause["id"]), None)
        mine: dict[str, Any] = read_row(conn, "clause_note", (note["coder_id"], target)) or {}
        memo = "\n".join(m for m in (mine.get("memo", ""), note["memo"]) if m)
        flagged = bool(note["flagged"] or mine.get("flagged"))
        image = {**note, "clause_id": target, "memo": memo, "flagged": flagged, "updated": stamp}
        rec.put("clause_note", (note["coder_id"], target), image)
        report.memos_moved += 1
    report.links_moved += repoint_links(conn, rec, clause["id"], target, stamp)
