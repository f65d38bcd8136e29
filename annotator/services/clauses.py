"""Clause editing: split at a position, merge with the next clause, move a boundary.

A clause's identity is (document, start, end), so an edit here changes identities. Who may do it
(docs/team-server.md): a coder (``coder_id``) changes only clauses that carry no one else's work —
annotations (tombstones too), reviews, notes or links of another coder — so nobody's unit moves
under them and nobody's rows are rewritten or re-stamped by a colleague. Otherwise the edit is
refused with the colleagues' names; on a team server PostgreSQL refuses it too (revision 0008).
Without ``coder_id`` the edit is the project owner's, on any clause. The annotations, reviews and
notes on the clause follow their text: a clause-level tag on a split clause stays on
both halves (it applied to the whole text), a span goes to the half that holds it (cut in two if it
crosses the split). All of it is one Edit, so one undo restores the clause and everything on it.
"""

from __future__ import annotations

import uuid
from typing import Any

from annotator.core import clock
from annotator.core.edits import Edit, RowChange
from annotator.core.errors import EditError
from annotator.core.labels import join_label, split_label
from annotator.services.project import Project
from annotator.services.unit_of_work import unit_of_work
from annotator.storage import clause_rows, coder_rows, plan_rows, queries, roles
from annotator.storage.coding_rows import rows_on_clause
from annotator.storage.connection import Connection
from annotator.storage.rows import Recorder


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink ``[start, end)`` to exclude surrounding whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _text(conn: Connection, doc_key: str) -> str:
    text = plan_rows.document_text(conn, doc_key)
    if text is None:
        raise EditError(f"no document {doc_key[:12]}… in this project")
    return text


def insert_clause(conn: Connection, rec: Recorder, values: dict[str, Any]) -> int:
    """Add a clause row and record it (a new row, so no before-image); returns its id."""
    cid = plan_rows.insert_clause(conn, values)
    rec.changes.append(RowChange("clause", (cid,), None, {"id": cid, **values}))
    return cid


def others_work(conn: Connection, clause_ids: list[int], coder_id: str) -> list[str]:
    """Names of everyone but ``coder_id`` with work on these clauses (links: "project links")."""
    owners = clause_rows.work_owners(conn, clause_ids)
    owners.discard(coder_id)
    names = coder_rows.coder_names(conn)
    return sorted(names.get(o, o) if o is not None else "project links" for o in owners)


def clause_edit_refusal(project: Project, clause_id: int, coder_id: str) -> str | None:
    """Why ``coder_id`` may not split, join or move this clause, or None if they may."""
    with project.engine.connect() as conn:
        clause = queries.clause_row(conn, clause_id)
        return _refusal(conn, [clause], coder_id)


def clause_edit_refusals(project: Project, clause_id: int, coder_id: str) -> dict[str, str | None]:
    """Why each clause edit ("split", "merge_next", "move_boundary") is refused, or None."""
    with project.engine.connect() as conn:
        clause = queries.clause_row(conn, clause_id)
        nxt = _next_clause(conn, clause)
        alone = _refusal(conn, [clause], coder_id)
        if nxt is None:
            last = f"clause {clause['label']} is the last one"
            return {"split": alone, "merge_next": last, "move_boundary": last}
        pair = alone or _refusal(conn, [nxt], coder_id)
        return {"split": alone, "merge_next": pair, "move_boundary": pair}


def _refusal(conn: Connection, clauses: list[dict[str, Any]], coder_id: str) -> str | None:
    others = others_work(conn, [c["id"] for c in clauses], coder_id)
    # On a team server in blind mode a coder cannot see others' rows; the server can (0008).
    if not others and roles.blind_hides_work(conn, [c["id"] for c in clauses]):
        others = ["another coder (hidden by blind mode)"]
    if not others:
        return None
    labels = " and ".join(str(c["label"]) for c in clauses)
    return (
        f"clause {labels} carries work by {', '.join(others)}: only a clause no one else has "
        "coded can be split, joined or moved; ask the team owner to change it"
    )


def _confine(conn: Connection, clauses: list[dict[str, Any]], coder_id: str | None) -> None:
    if coder_id is None:
        return
    why = _refusal(conn, clauses, coder_id)
    if why is not None:
        raise EditError(why)


@unit_of_work
def split_clause(project: Project, clause_id: int, at: int, coder_id: str | None = None) -> Edit:
    """Split a clause at code-point offset ``at`` (document coordinates) into two clauses."""
    with project.engine.begin() as conn:
        clause = queries.clause_row(conn, clause_id)
        _confine(conn, [clause], coder_id)
        text = _text(conn, clause["document_key"])
        first = _trim(text, clause["start"], at)
        second = _trim(text, at, clause["end"])
        if (
            not clause["start"] < at < clause["end"]
            or first[0] >= first[1]
            or second[0] >= second[1]
        ):
            raise EditError(f"cannot split clause {clause['label']} there: both parts need text")
        rec = Recorder(conn)
        stamp = clock.now()
        # Insert the second half before shrinking the first: the text is never without a clause,
        # so undoing (which deletes the second half last) is a join the server allows.
        new_id = insert_clause(
            conn,
            rec,
            {
                "document_key": clause["document_key"],
                "start": second[0],
                "end": second[1],
                "label": split_label(clause["label"], _labels(conn, clause)),
                "kind": clause["kind"],
            },
        )
        rec.put("clause", (clause_id,), {**clause, "start": first[0], "end": first[1]})
        for ann in rows_on_clause(conn, "annotation", clause_id):
            s, e = ann["span_start"], ann["span_end"]
            if s is None:
                # A whole-clause tag covered both halves: it stays on both.
                rec.put("annotation", (ann["id"],), {**ann, "updated": stamp})
                copy = {
                    **ann,
                    "id": str(uuid.uuid4()),
                    "clause_id": new_id,
                    "created": stamp,
                    "updated": stamp,
                }
                rec.put("annotation", (copy["id"],), copy)
            elif e <= second[0]:  # wholly before the second half: stays, clipped
                rec.put(
                    "annotation",
                    (ann["id"],),
                    {**ann, "span_end": min(e, first[1]), "updated": stamp},
                )
            elif s >= first[1]:  # wholly after the first half: moves, clipped
                moved = {
                    **ann,
                    "clause_id": new_id,
                    "span_start": max(s, second[0]),
                    "updated": stamp,
                }
                rec.put("annotation", (ann["id"],), moved)
            else:  # the span crosses the split: cut it in two
                rec.put("annotation", (ann["id"],), {**ann, "span_end": first[1], "updated": stamp})
                copy = {
                    **ann,
                    "id": str(uuid.uuid4()),
                    "clause_id": new_id,
                    "span_start": second[0],
                    "created": stamp,
                    "updated": stamp,
                }
                rec.put("annotation", (copy["id"],), copy)
        for review in rows_on_clause(conn, "review", clause_id):
            rec.put(
                "review",
                (review["coder_id"], new_id),
                {**review, "clause_id": new_id, "updated": stamp},
            )
        for note in rows_on_clause(conn, "clause_note", clause_id):
            if note["flagged"]:
                rec.put(
                    "clause_note",
                    (note["coder_id"], new_id),
                    {**note, "clause_id": new_id, "memo": "", "updated": stamp},
                )
        return Edit(
            f"Split clause {clause['label']}",
            tuple(rec.changes),
            clause["document_key"],
            (clause_id, new_id),
        )


def repoint_links(conn: Connection, rec: Recorder, old_id: int, new_id: int, stamp: str) -> int:
    """Move every link end on clause ``old_id`` to clause ``new_id``; returns how many links."""
    links = queries.links_touching(conn, old_id)
    for link in links:
        moved = {
            **link,
            "source_clause_id": new_id
            if link["source_clause_id"] == old_id
            else link["source_clause_id"],
            "target_clause_id": new_id
            if link["target_clause_id"] == old_id
            else link["target_clause_id"],
            "updated": stamp,
        }
        rec.put("clause_link", (link["id"],), moved)
    return len(links)


def _labels(conn: Connection, clause: dict[str, Any]) -> set[str]:
    """The labels of every clause in the clause's plan (labels are unique per plan)."""
    return {row[1] for row in queries.clause_list(conn, clause["document_key"])}


def _next_clause(conn: Connection, clause: dict[str, Any]) -> dict[str, Any] | None:
    return plan_rows.next_clause_row(conn, clause["document_key"], clause["end"])


@unit_of_work
def merge_with_next(project: Project, clause_id: int, coder_id: str | None = None) -> Edit:
    """Join a clause with the one after it; tags of both stay, duplicates become tombstones."""
    with project.engine.begin() as conn:
        clause = queries.clause_row(conn, clause_id)
        nxt = _next_clause(conn, clause)
        if nxt is None:
            raise EditError(f"clause {clause['label']} is the last one: nothing to merge with")
        _confine(conn, [clause, nxt], coder_id)
        rec = Recorder(conn)
        stamp = clock.now()
        # Grow first, so the next clause's text is covered when it goes (the server allows a
        # coder to remove only a covered clause); then move everything off it.
        others = _labels(conn, clause) - {clause["label"], nxt["label"]}
        label = join_label(clause["label"], nxt["label"], others)
        rec.put("clause", (clause_id,), {**clause, "end": nxt["end"], "label": label})
        live = {
            (a["coder_id"], a["category_key"])
            for a in rows_on_clause(conn, "annotation", clause_id)
            if a["span_start"] is None and not a["deleted"]
        }
        for ann in rows_on_clause(conn, "annotation", nxt["id"]):
            moved = {**ann, "clause_id": clause_id, "updated": stamp}
            if ann["span_start"] is None and (ann["coder_id"], ann["category_key"]) in live:
                moved["deleted"] = True
            rec.put("annotation", (ann["id"],), moved)
        reviews = {r["coder_id"]: r for r in rows_on_clause(conn, "review", clause_id)}
        for review in rows_on_clause(conn, "review", nxt["id"]):
            rec.put("review", (review["coder_id"], nxt["id"]), None)
            mine = reviews.get(review["coder_id"])
            upgrade = not review["deleted"] and (mine or {}).get("status") == "none"
            # A tombstone gives way to a review or a newer tombstone; "none" gives way to "done".
            if mine is None or mine["deleted"] or (upgrade and review["status"] == "done"):
                rec.put(
                    "review",
                    (review["coder_id"], clause_id),
                    {**review, "clause_id": clause_id, "updated": stamp},
                )
        notes = {n["coder_id"]: n for n in rows_on_clause(conn, "clause_note", clause_id)}
        for note in rows_on_clause(conn, "clause_note", nxt["id"]):
            rec.put("clause_note", (note["coder_id"], nxt["id"]), None)
            mine = notes.get(note["coder_id"])
            memo = "\n".join(m for m in ((mine or {}).get("memo", ""), note["memo"]) if m)
            flagged = bool(note["flagged"] or (mine or {}).get("flagged"))
            image = {
                **note,
                "clause_id": clause_id,
                "memo": memo,
                "flagged": flagged,
                "updated": stamp,
            }
            rec.put("clause_note", (note["coder_id"], clause_id), image)
        repoint_links(conn, rec, nxt["id"], clause_id, stamp)
        rec.put("clause", (nxt["id"],), None)
        return Edit(
            f"Merge clauses {clause['label']} and {nxt['label']}",
            tuple(rec.changes),
            clause["document_key"],
            (clause_id, nxt["id"]),
        )


@unit_of_work
def move_boundary(
    project: Project, clause_id: int, new_end: int, coder_id: str | None = None
) -> Edit:
    """Move the boundary between a clause and the next one to ``new_end``.

    Text between the old and new boundary changes clause; spans are clipped to their clause.
    """
    with project.engine.begin() as conn:
        clause = queries.clause_row(conn, clause_id)
        nxt = _next_clause(conn, clause)
        if nxt is None:
            raise EditError(f"clause {clause['label']} is the last one: no boundary to move")
        _confine(conn, [clause, nxt], coder_id)
        text = _text(conn, clause["document_key"])
        first = _trim(text, clause["start"], new_end)
        second = _trim(text, new_end, nxt["end"])
        if first[0] >= first[1] or second[0] >= second[1]:
            raise EditError("both clauses must keep some text")
        rec = Recorder(conn)
        stamp = clock.now()
        for owner in (clause, nxt):
            for ann in rows_on_clause(conn, "annotation", owner["id"]):
                s, e = ann["span_start"], ann["span_end"]
                if s is None:
                    continue
                target, (tlo, thi) = (clause, first) if s < first[1] else (nxt, second)
                ns, ne = max(s, tlo), min(e, thi)
                if ns >= ne:
                    rec.put("annotation", (ann["id"],), {**ann, "deleted": True, "updated": stamp})
                    continue
                image = {**ann, "clause_id": target["id"], "span_start": ns, "span_end": ne}
                if image != ann:
                    rec.put("annotation", (ann["id"],), {**image, "updated": stamp})
        # Shrink first, then grow, so the two clauses never overlap (unique constraint).
        order = (
            [(clause, first), (nxt, second)]
            if first[1] < clause["end"]
            else [(nxt, second), (clause, first)]
        )
        for row, (lo, hi) in order:
            rec.put("clause", (row["id"],), {**row, "start": lo, "end": hi})
        return Edit(
            f"Move boundary of {clause['label']}",
            tuple(rec.changes),
            clause["document_key"],
            (clause_id, nxt["id"]),
        )
