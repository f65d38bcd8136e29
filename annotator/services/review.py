"""Blind mode, the reviewer's view of every coder, disagreements and the consensus layer.

The consensus layer is a pseudo-coder (``is_consensus``) with a fixed id, so consensus work done in
different copies of a project merges like any coder's. Settling a clause writes its final category
set into that layer, with the adjudicator's name on each annotation.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from annotator.core import clock
from annotator.core.edits import Edit
from annotator.core.errors import EditError
from annotator.core.exchange import CONSENSUS_CODER_ID
from annotator.services.project import (
    Project,
    clause_codings,
    new_annotation,
    promote_review,
    put_review,
)
from annotator.services.types import ClauseCoding, ClauseInfo, CoderInfo
from annotator.services.unit_of_work import unit_of_work
from annotator.storage import coder_rows, coding_rows, queries
from annotator.storage.rows import Recorder, read_row

CONSENSUS_ID = CONSENSUS_CODER_ID
CONSENSUS_NAME = "Consensus"


def blind_mode(project: Project) -> bool:
    """Whether coders see only their own work: "on"/"off", or by default on with two coders."""
    value = project.setting("blind", "auto")
    if value in ("on", "off"):
        return value == "on"
    return len([c for c in project.coders() if not c.is_consensus]) >= 2


def set_blind_mode(project: Project, on: bool) -> Edit:
    """Switch blind mode; returns the undoable edit."""
    label = "Turn blind mode on" if on else "Turn blind mode off"
    return project.set_setting("blind", "on" if on else "off", label)


def coding_by_coder(
    project: Project, document_key: str, clause_ids: Iterable[int] | None = None
) -> dict[str, dict[int, ClauseCoding]]:
    """Every coder's coding of a document, or of its ``clause_ids`` (the reviewer's columns)."""
    ids = list(clause_ids) if clause_ids is not None else None
    with project.engine.connect() as conn:
        coder_ids = coder_rows.coder_ids_by_name(conn)
        return {cid: clause_codings(conn, document_key, cid, clause_ids=ids) for cid in coder_ids}


@dataclass(frozen=True)
class Disagreement:
    clause: ClauseInfo
    values: dict[str, frozenset[str]]  # coder id -> categories, for coders who coded the clause


def disagreements(
    project: Project, document_key: str, *, category: str | None = None
) -> list[Disagreement]:
    """Clauses where at least two coders coded and their category sets differ.

    With ``category``, only clauses where coders differ on that one category.
    """
    by_coder = coding_by_coder(project, document_key)
    consensus = {c.id for c in project.coders() if c.is_consensus}
    out = []
    for clause in project.clauses(document_key):
        values = {
            coder: coding[clause.id].categories
            for coder, coding in by_coder.items()
            if coder not in consensus and clause.id in coding and coding[clause.id].coded
        }
        if len(values) < 2:
            continue
        if category is None:
            differ = len(set(values.values())) > 1
        else:
            differ = len({category in v for v in values.values()}) > 1
        if differ:
            out.append(Disagreement(clause, values))
    return out


@unit_of_work
def consensus_coder(project: Project) -> CoderInfo:
    """The consensus pseudo-coder, created on first use."""
    existing = project.coder(CONSENSUS_ID)
    if existing is not None:
        return existing
    with project.engine.begin() as conn:
        coder_rows.insert_coder(
            conn,
            {
                "id": CONSENSUS_ID,
                "name": CONSENSUS_NAME,
                "is_consensus": True,
                "created": clock.now(),
            },
        )
    return CoderInfo(CONSENSUS_ID, CONSENSUS_NAME, True)


@unit_of_work
def settle(
    project: Project, clause_id: int, categories: set[str] | frozenset[str], adjudicator: str
) -> Edit:
    """Make the consensus layer's clause-level tags on a clause exactly ``categories``.

    An empty set records "no category applies". The adjudicator's name is kept on each tag.
    """
    consensus = consensus_coder(project).id
    known = {c.key for c in project.categories(include_retired=True)}
    unknown = set(categories) - known
    if unknown:
        raise EditError(f"unknown categories: {', '.join(sorted(unknown))}")
    with project.engine.begin() as conn:
        clause = queries.clause_row(conn, clause_id)
        rec = Recorder(conn)
        stamp = clock.now()
        rows = coding_rows.clause_tag_rows(conn, consensus, clause_id)
        by_cat = {r["category_key"]: r for r in rows}
        for row in rows:
            if not row["deleted"] and row["category_key"] not in categories:
                rec.put("annotation", (row["id"],), {**row, "deleted": True, "updated": stamp})
        for cat in sorted(categories):
            existing = by_cat.get(cat)
            if existing is None:
                image = new_annotation(consensus, clause_id, cat, None, None, stamp)
                image["adjudicator"] = adjudicator
                rec.put("annotation", (image["id"],), image)
            elif existing["deleted"] or existing["adjudicator"] != adjudicator:
                rec.put(
                    "annotation",
                    (existing["id"],),
                    {**existing, "deleted": False, "adjudicator": adjudicator, "updated": stamp},
                )
        review = read_row(conn, "review", (consensus, clause_id))
        status = "done" if categories else "none"
        if review is None or review["deleted"] or review["status"] != status:
            put_review(conn, rec, consensus, clause_id, status, stamp)
        if categories:  # a settled "none applies" must stay "none", not be promoted to "done"
            promote_review(conn, rec, consensus, clause_id, stamp)
        names = ", ".join(sorted(categories)) or "none applies"
        return Edit(
            f"Settle {clause['label']}: {names}",
            tuple(rec.changes),
            clause["document_key"],
            (clause_id,),
        )
