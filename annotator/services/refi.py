"""REFI-QDA projects (.qdpx) into a project, through the same merge as exchange files.

The reader is told what the project already holds (coders, categories, clauses, annotations and
the foreign GUIDs of earlier imports), so a re-export of the same foreign project lands on the
same rows: QualCoder draws every GUID afresh on each export, so users and codes are matched by
name and codings by content. What was learnt is remembered in ``refi_identity`` in the merge's
transaction, with a fingerprint of each imported coding: a coding changed in the other tool since
the last import (and not here) is stamped newer than ours, so it updates the one already here.
"""

from __future__ import annotations

import hashlib
import json
import os
from typing import Any

from annotator.core import clock
from annotator.services.merge import MergePreview, preview_merge_documents
from annotator.services.project import Project
from annotator.storage import coder_rows, refi_rows
from annotator.storage.connection import Connection

MAPPED_KINDS = ("user", "code", "coding")
FINGERPRINT = "annotation"  # refi_identity kind: what an imported annotation looked like
# The row each kind's local_id names: an identity whose row is gone is forgotten.
ROW_OF_KIND = {
    "user": "coder",
    "code": "category",
    "coding": "annotation",
    FINGERPRINT: "annotation",
}


def preview_qdpx_merge(project: Project, path: str | os.PathLike[str]) -> MergePreview:
    """Read a .qdpx safely, convert it to Contract 2 and preview its merge into ``project``.

    ``preview.warnings`` lists every selection that was corrected, split or skipped.
    """
    from annotator.core.exchange import validate_exchange
    from annotator.core.refi import ImportReport, import_qdpx

    known, current, prints = _known(project)
    report = ImportReport()
    doc = import_qdpx(str(path), known=known, report=report)
    if report.project_memo:
        doc["project_memo"] = report.project_memo
    doc = validate_exchange(doc, str(path))
    _stamp_changed_there(doc, current, prints)
    preview = preview_merge_documents(project, [doc], [str(path)])
    _prefer_the_files_codebook(preview, doc)
    preview.warnings = [*preview.warnings, *report.warnings]
    preview.after_apply.append(
        lambda conn, _changes: _remember(conn, report.source, report.identities, doc["annotations"])
    )
    return preview


def _known(project: Project) -> tuple[Any, dict[str, tuple[Any, ...]], dict[str, str]]:
    """The project as the reader needs it; also each annotation's current content by id, and
    the fingerprints of earlier imports."""
    from annotator.core.refi import KnownIdentities

    with project.engine.connect() as conn:
        coders = coder_rows.coder_names(conn)
        mapping: dict[tuple[str, str], str] = {}
        prints: dict[str, str] = {}
        for kind, foreign, local, fingerprint, _source in refi_rows.identity_rows(conn):
            if kind == FINGERPRINT:
                prints[local] = fingerprint or ""
            else:
                mapping[(kind, foreign)] = local
        clauses: dict[str, list[tuple[int, int, str, str]]] = {}
        bounds: dict[int, tuple[str, int, int]] = {}
        for cid, doc, start, end, label, kind in refi_rows.clause_places(conn):
            clauses.setdefault(doc, []).append((start, end, label, kind))
            bounds[cid] = (doc, start, end)
        content: dict[tuple[Any, ...], str] = {}
        current: dict[str, tuple[Any, ...]] = {}
        # Live annotations come first: a live annotation wins over a tombstone.
        for aid, coder, cid, cat, s, e, memo, updated, deleted in refi_rows.annotation_contents(
            conn
        ):
            doc, cs, ce = bounds[cid]
            span = () if s is None else (s, e)
            content.setdefault((coder, doc, cs, ce, cat, span), aid)
            current[aid] = (
                coder,
                doc,
                [cs, ce],
                cat,
                list(span) or None,
                memo,
                bool(deleted),
                updated,
            )
    categories = project.categories(include_retired=True)
    known = KnownIdentities(coders, categories, mapping, clauses, content)
    return known, current, prints


def fingerprint(ann: dict[str, Any]) -> str:
    """What a coding says (not when): coder, place, category, span, memo and deletion."""
    body = [
        ann["coder"],
        ann["document"],
        list(ann["clause"]),
        ann["category"],
        ann["span"],
        ann["memo"],
        bool(ann["deleted"]),
    ]
    data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return hashlib.sha256(data).hexdigest()[:32]


def _stamp_changed_there(
    doc: dict[str, Any], current: dict[str, tuple[Any, ...]], prints: dict[str, str]
) -> None:
    """A coding the other tool changed since our last import, which nobody changed here, gets a
    stamp newer than ours: other tools keep no modification time, so the merge could not tell."""
    for ann in doc["annotations"]:
        old = current.get(ann["id"])
        last = prints.get(ann["id"])
        if old is None or last is None:
            continue
        coder, document, clause, cat, span, memo, deleted, updated = old
        here = {
            "coder": coder,
            "document": document,
            "clause": clause,
            "category": cat,
            "span": span,
            "memo": memo,
            "deleted": deleted,
        }
        if fingerprint(here) == last and fingerprint(ann) != last and ann["updated"] <= updated:
            ann["updated"] = clock.later_than(updated)


def _prefer_the_files_codebook(preview: MergePreview, doc: dict[str, Any]) -> None:
    """Categories the file holds take its tree, names and colours (the user imports that
    codebook); the merge's field-by-field rule would pick between them arbitrarily."""
    incoming = {c["key"]: c for c in doc["codebook"]["categories"]}
    cats = preview.merged["codebook"]["categories"]
    for i, cat in enumerate(cats):
        theirs = incoming.get(cat["key"])
        if theirs is not None:
            chosen = {**cat, **theirs}
            chosen["codable"] = theirs.get("codable", True)
            chosen["retired"] = theirs.get("retired", False)
            for optional, default in (("codable", True), ("retired", False)):
                if chosen[optional] == default:
                    chosen.pop(optional)
            cats[i] = chosen
    theirs_memo = doc.get("project_memo") or ""
    ours_memo = preview.current.get("project_memo") or ""
    if theirs_memo and theirs_memo not in ours_memo:  # another project's memo joins ours
        preview.merged["project_memo"] = (
            f"{ours_memo}\n\n{theirs_memo}" if ours_memo else theirs_memo
        )
    else:
        preview.merged.pop("project_memo", None)
        if ours_memo:
            preview.merged["project_memo"] = ours_memo
    preview.conflicts = [
        c
        for c in preview.conflicts
        if not (getattr(c, "kind", "") == "category" and getattr(c, "identifier", "") in incoming)
        and not (
            getattr(c, "kind", "") == "field" and "project_memo" in getattr(c, "identifier", "")
        )
    ]
    from annotator.services.merge import count_changes

    preview.counts = count_changes(preview.current, preview.merged)


def _superseded(
    source: str,
    existing: dict[tuple[str, str], tuple[str, str | None, str]],
    learnt: dict[tuple[str, str], dict[str, Any]],
) -> list[tuple[str, str]]:
    """The GUIDs an import from ``source`` replaced: another GUID of the same kind and the same
    source, absent from this file, that named a row this file now names. QualCoder draws every
    GUID afresh on each export, so without this each re-import would leave a row per user, code
    and coding behind for good; an old GUID only ever comes back with its old file, whose users,
    codes and codings match by name and content anyway. Tools that keep their GUIDs bring the same
    ones back, so they are never replaced; and another source's GUIDs (ATLAS.ti's and MAXQDA's for
    the same code) are its own mapping, kept for its next import. An identity of unknown source
    (learnt before revision 0010) is nobody's to replace."""
    named = {(kind, values["local_id"]) for (kind, _f), values in learnt.items()}
    return [
        (kind, foreign)
        for (kind, foreign), (local, _fp, theirs) in existing.items()
        if kind in MAPPED_KINDS
        and theirs == source
        and (kind, foreign) not in learnt
        and (kind, local) in named
    ]


def _remember(
    conn: Connection,
    source: str,
    identities: list[tuple[str, str, str]],
    annotations: list[dict[str, Any]],
) -> None:
    """Store the foreign GUIDs and coding fingerprints learnt from ``source`` (memory, not an
    edit to undo), in the merge's transaction; drop the GUIDs this file replaced and those whose
    row is gone."""
    stamp = clock.now()
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for kind, foreign, local in identities:
        if kind in MAPPED_KINDS and foreign:
            rows[(kind, foreign)] = {"local_id": local, "fingerprint": None, "source": source}
    for ann in annotations:  # the last import's, whichever source it came from
        rows[(FINGERPRINT, ann["id"])] = {
            "local_id": ann["id"],
            "fingerprint": fingerprint(ann),
            "source": "",
        }
    existing = {(k, f): (loc, fp, src) for k, f, loc, fp, src in refi_rows.identity_rows(conn)}
    gone = [
        *_superseded(source, existing, rows),
        *refi_rows.identities_without_row(conn, ROW_OF_KIND),
    ]
    refi_rows.delete_identities(conn, gone)
    for key in gone:  # what is left, without reading the table a second time
        existing.pop(key, None)
    inserts = []
    for (kind, foreign), values in rows.items():
        old = existing.get((kind, foreign))
        if old == (values["local_id"], values["fingerprint"], values["source"]):
            continue
        if old is None:
            inserts.append({"kind": kind, "foreign_id": foreign, "updated": stamp, **values})
        else:
            refi_rows.update_identity(conn, kind, foreign, {"updated": stamp, **values})
    refi_rows.insert_identities(conn, inserts)
