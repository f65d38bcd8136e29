"""Clause links across plans: suggest, accept, reject, unlink, list; a plan's revisions in order.

A link joins a clause of one plan to its counterpart in another ("point 5 of the draft is point 4
of its revision"). It is accepted or rejected (a rejected pair is kept so that it is never
suggested again) and tombstoned when removed, so that removals survive merging. Whichever plan is
shown on the left, a link between two clauses is one row: the services look for it both ways.
Every change is one transaction and one undoable :class:`Edit`.
"""

from __future__ import annotations

import heapq
import uuid
from dataclasses import dataclass
from typing import Any

from annotator.core import clock
from annotator.core.edits import Edit
from annotator.core.errors import EditError
from annotator.core.links import suggest_links
from annotator.services.project import Project
from annotator.services.types import ClauseInfo, DocumentSummary
from annotator.services.unit_of_work import unit_of_work
from annotator.storage import plan_rows, queries
from annotator.storage.link_rows import pair_link_rows
from annotator.storage.rows import Recorder, read_row

ACCEPTED = "accepted"
REJECTED = "rejected"
STATUSES = (ACCEPTED, REJECTED)
# Lower than the core's 0.2: reworded counterparts in the sample plans (draft 28-point vs
# framework 20-point) score 0.14-0.30, and the user decides each suggestion anyway.
SUGGEST_MIN_SCORE = 0.12


@dataclass(frozen=True)
class LinkSuggestion:
    """A clause of the left plan that may be ``target_clause`` of the right plan."""

    source_clause: ClauseInfo
    target_clause: ClauseInfo
    score: float


@dataclass(frozen=True)
class LinkInfo:
    """A stored link, oriented as asked (``source_clause`` in the first plan asked about)."""

    id: str
    source_clause: ClauseInfo
    target_clause: ClauseInfo
    status: str
    coder_id: str | None
    updated: str


def _clause_texts(project: Project, key: str) -> tuple[list[ClauseInfo], list[tuple[str, str]]]:
    text = project.document(key).text
    clauses = project.clauses(key)
    return clauses, [(c.label, text[c.start : c.end]) for c in clauses]


def links(
    project: Project, source_doc: str, target_doc: str, *, include_rejected: bool = False
) -> list[LinkInfo]:
    """The live links between two plans, each oriented from ``source_doc`` to ``target_doc``.

    Accepted links only, unless ``include_rejected``; tombstones never. Sorted by the source
    clause's place, then the target's.
    """
    left = {c.id: c for c in project.clauses(source_doc)}
    right = {c.id: c for c in project.clauses(target_doc)}
    with project.engine.connect() as conn:
        rows = pair_link_rows(conn, source_doc, target_doc)
    # Several rows for one pair (coders deciding on their own, merged files): the newest speaks.
    newest: dict[frozenset[int], dict[str, Any]] = {}
    for row in rows:
        if row["deleted"]:
            continue
        pair = frozenset((row["source_clause_id"], row["target_clause_id"]))
        held = newest.get(pair)
        if held is None or (row["updated"], row["id"]) > (held["updated"], held["id"]):
            newest[pair] = row
    out = []
    for row in newest.values():
        if row["status"] != ACCEPTED and not include_rejected:
            continue
        a, b = row["source_clause_id"], row["target_clause_id"]
        if a not in left:  # stored the other way round
            a, b = b, a
        out.append(
            LinkInfo(row["id"], left[a], right[b], row["status"], row["coder_id"], row["updated"])
        )
    out.sort(key=lambda x: (x.source_clause.start, x.target_clause.start, x.id))
    return out


def suggest(
    project: Project,
    source_doc: str,
    target_doc: str,
    *,
    limit_per_clause: int = 3,
    min_score: float = SUGGEST_MIN_SCORE,
    include_linked: bool = False,
) -> list[LinkSuggestion]:
    """Likely counterparts in ``target_doc`` of the clauses of ``source_doc``, best first.

    Pairs already decided (accepted or rejected, either way round) are left out; so are, unless
    ``include_linked``, clauses that already have an accepted link between the two plans.
    """
    if source_doc == target_doc:
        return []
    left, left_texts = _clause_texts(project, source_doc)
    right, right_texts = _clause_texts(project, target_doc)
    left_at = {c.id: i for i, c in enumerate(left)}
    right_at = {c.id: j for j, c in enumerate(right)}
    decided: set[tuple[int, int]] = set()
    linked_left: set[int] = set()
    linked_right: set[int] = set()
    for link in links(project, source_doc, target_doc, include_rejected=True):
        i, j = left_at[link.source_clause.id], right_at[link.target_clause.id]
        decided.add((i, j))
        if link.status == ACCEPTED:
            linked_left.add(i)
            linked_right.add(j)
    if not include_linked:
        # Leave the linked clauses out of the ranking itself, so that each free clause still gets
        # its full quota of candidates.
        decided |= {(i, j) for i in linked_left for j in range(len(right))}
        decided |= {(i, j) for i in range(len(left)) for j in linked_right}
    found = suggest_links(
        left_texts,
        right_texts,
        limit_per_clause=limit_per_clause,
        min_score=min_score,
        exclude=decided,
    )
    return [LinkSuggestion(left[s.source_index], right[s.target_index], s.score) for s in found]


@unit_of_work
def _decide(
    project: Project,
    source_clause_id: int,
    target_clause_id: int,
    coder_id: str | None,
    status: str,
) -> Edit:
    with project.engine.begin() as conn:
        source = queries.clause_row(conn, source_clause_id)
        target = queries.clause_row(conn, target_clause_id)
        if source["document_key"] == target["document_key"]:
            raise EditError("a link joins clauses of two different plans")
        ids = (source_clause_id, target_clause_id)
        rows = [
            r
            for r in pair_link_rows(conn, source["document_key"], target["document_key"])
            if {r["source_clause_id"], r["target_clause_id"]} == set(ids)
        ]
        # Several rows for one pair can arrive by merging files: the live one, else the newest.
        rows.sort(key=lambda r: (not r["deleted"], r["updated"], r["id"]), reverse=True)
        stamp = clock.now()
        verb = "Link" if status == ACCEPTED else "Reject link"
        label = f"{verb} {source['label']} ↔ {target['label']}"
        rec = Recorder(conn)
        if rows and rows[0]["status"] == status and not rows[0]["deleted"]:
            return Edit("No change", (), source["document_key"], ids)
        if coder_id is not None:
            # A coder changes only their own link rows (on a team server RLS says so too): a
            # colleague's decision stays theirs, and the newer row speaks for the pair.
            rows = [r for r in rows if r["coder_id"] == coder_id]
        if rows:
            row = rows[0]
            after = {
                **row,
                "status": status,
                "deleted": False,
                "updated": stamp,
                "coder_id": coder_id if coder_id is not None else row["coder_id"],
            }
        else:
            after = {
                "id": str(uuid.uuid4()),
                "source_clause_id": source_clause_id,
                "target_clause_id": target_clause_id,
                "coder_id": coder_id,
                "status": status,
                "created": stamp,
                "updated": stamp,
                "deleted": False,
            }
        rec.put("clause_link", (after["id"],), after)
        return Edit(label, tuple(rec.changes), source["document_key"], ids)


def accept(
    project: Project, source_clause_id: int, target_clause_id: int, coder_id: str | None = None
) -> Edit:
    """Link two clauses of different plans (reviving or turning round an earlier decision)."""
    return _decide(project, source_clause_id, target_clause_id, coder_id, ACCEPTED)


def reject(
    project: Project, source_clause_id: int, target_clause_id: int, coder_id: str | None = None
) -> Edit:
    """Record that two clauses are not counterparts: the pair is not suggested again."""
    return _decide(project, source_clause_id, target_clause_id, coder_id, REJECTED)


@unit_of_work
def unlink(project: Project, link_id: str) -> Edit:
    """Remove a link (or a rejection) as a tombstone, so that the removal merges."""
    with project.engine.begin() as conn:
        row = read_row(conn, "clause_link", (link_id,))
        if row is None:
            raise EditError(f"no link {link_id}")
        source = queries.clause_row(conn, row["source_clause_id"])
        target = queries.clause_row(conn, row["target_clause_id"])
        ids = (source["id"], target["id"])
        if row["deleted"]:
            return Edit("No change", (), source["document_key"], ids)
        rec = Recorder(conn)
        rec.put("clause_link", (link_id,), {**row, "deleted": True, "updated": clock.now()})
        return Edit(
            f"Unlink {source['label']} ↔ {target['label']}",
            tuple(rec.changes),
            source["document_key"],
            ids,
        )


def revisions_in_order(
    project: Project, key: str, coder_id: str | None = None
) -> list[DocumentSummary]:
    """The plans of ``key``'s family (joined by "revises", either way), oldest first.

    A plan always comes after the plan it revises; otherwise earlier dates come first (a plan
    without a date after those with one), then the project's order. A plan on its own is a
    family of one. ``coder_id`` fills in the coded counts.
    """
    with project.engine.connect() as conn:
        rows = plan_rows.document_revision_rows(conn)
    revises = {k: r for k, r, _, _ in rows if r is not None}
    rank = {k: (d is None, d or "", p, k) for k, _, d, p in rows}
    if key not in rank:
        raise EditError(f"no document {key[:12]}… in this project")
    neighbours: dict[str, set[str]] = {}
    for later, earlier in revises.items():
        if earlier in rank:
            neighbours.setdefault(later, set()).add(earlier)
            neighbours.setdefault(earlier, set()).add(later)
    family = {key}
    todo = [key]
    while todo:
        for other in neighbours.get(todo.pop(), ()):
            if other not in family:
                family.add(other)
                todo.append(other)
    # Kahn's topological order, picking the earliest-ranked ready plan each time.
    waiting = {k: int(revises.get(k) in family) for k in family}
    ready = [(rank[k], k) for k in family if not waiting[k]]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        _, k = heapq.heappop(ready)
        order.append(k)
        for later in neighbours.get(k, ()):
            if later in family and revises.get(later) == k and later not in order:
                waiting[later] -= 1
                if waiting[later] == 0:
                    heapq.heappush(ready, (rank[later], later))
    # A cycle of "revises" (possible by editing two plans) cannot be ordered: by rank, then.
    order += sorted(family - set(order), key=lambda k: rank[k])
    summaries = {d.key: d for d in project.documents(coder_id)}
    return [summaries[k] for k in order]
