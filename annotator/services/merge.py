"""Exchange files merged into a project: previewed, then applied as one undoable edit.

Import is a merge: the project's own content (exported by :mod:`annotator.services.exchange`) and
the incoming files go through the same pure :func:`annotator.core.merge.merge_documents` as
``annotator merge``, and the difference is written in one transaction through
:mod:`annotator.storage.merge_rows` and recorded as one undoable :class:`Edit`. So importing is
idempotent and order-independent exactly as merging files is.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.core import clock
from annotator.core.edits import Edit, RowChange
from annotator.core.wording import plural
from annotator.services import row_extras
from annotator.services.exchange import (
    PROJECT_MEMO,
    PerClause,
    Progress,
    export_document,
)
from annotator.services.project import META_FIELDS, Project
from annotator.services.row_extras import extra_of
from annotator.services.unit_of_work import unit_of_work
from annotator.storage import export_rows, merge_rows
from annotator.storage.connection import Connection
from annotator.storage.rows import read_row

# What a category row holds for a field the file leaves out (export then leaves it out too).
CATEGORY_FILLED = {"description": "", "color": "#808080", "parent": None}
LINK_STATUSES = frozenset({"accepted", "rejected"})


@dataclass
class MergePreview:
    """What merging a file into the project would change; shown as a preview, then applied."""

    sources: list[str]
    merged: dict[str, Any]
    current: dict[str, Any]
    conflicts: list[Any] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    # What the reader of a foreign file noticed (corrected or skipped selections ...).
    warnings: list[str] = field(default_factory=list)
    # Extra writes in the merge's transaction (e.g. the identities a REFI-QDA import learnt).
    after_apply: list[Callable[[Connection, list[RowChange]], None]] = field(default_factory=list)

    @property
    def changes_nothing(self) -> bool:
        return not any(self.counts.values())

    def summary(self) -> str:
        c = self.counts
        text = (
            f"{plural(c.get('coders_added', 0), 'coder')}, "
            f"{plural(c.get('documents_added', 0), 'document')}, "
            f"{plural(c.get('annotations_added', 0), 'annotation')} added, "
            f"{c.get('annotations_updated', 0)} updated, "
            f"{c.get('annotations_deleted', 0)} deleted, "
            f"{plural(c.get('reviews_changed', 0), 'review')}; "
            f"{plural(len(self.conflicts), 'conflict')}"
        )
        if self.warnings:
            text += f"; {plural(len(self.warnings), 'warning')}"
        return text


def preview_merge(
    project: Project, paths: list[str | os.PathLike[str]], progress: Progress | None = None
) -> MergePreview:
    """Validate the files and compute the merge with the project, writing nothing."""
    from annotator.core.exchange import load_exchange

    incoming = [load_exchange(p) for p in paths]
    return preview_merge_documents(project, incoming, [str(p) for p in paths], progress)


def preview_merge_documents(
    project: Project,
    incoming: list[dict[str, Any]],
    sources: list[str],
    progress: Progress | None = None,
) -> MergePreview:
    """Like :func:`preview_merge` for exchange objects already loaded and validated."""
    from annotator.core.merge import merge_documents

    with project.engine.connect() as conn:
        current = export_document(conn, None)
    names = ["project"] + [Path(s).name for s in sources]
    warnings = _future_warnings(incoming, sources)
    incoming = _onto_the_projects_cut(project, current, incoming, sources, warnings)
    result = merge_documents([current, *incoming], names, progress=progress)
    preview = MergePreview(list(sources), result.document, current, list(result.conflicts))
    preview.counts = count_changes(current, result.document)
    preview.warnings = warnings
    return preview


def _onto_the_projects_cut(
    project: Project,
    current: dict[str, Any],
    incoming: list[dict[str, Any]],
    sources: list[str],
    warnings: list[str],
) -> list[dict[str, Any]]:
    """Files that name clauses a re-segmentation of the project removed (exported before it)
    carry their work onto the project's clauses, never bringing the old clauses back next to the
    new ones; what moved, was clipped or left out is a warning naming the file and the plan."""
    from annotator.core.rebase import rebase
    from annotator.services.segmentation import RETIRED, retired_spans

    cuts = {d["key"]: d["clauses"] for d in current["documents"]}
    titles = {d["key"]: d["title"] for d in current["documents"]}
    wanted = {d["key"] for doc in incoming for d in doc["documents"]} & set(cuts)
    retired = {key: retired_spans(project.setting(RETIRED + key)) for key in sorted(wanted)}
    out = []
    for source, doc in zip(sources, incoming, strict=True):
        doc, reports = rebase(doc, cuts, retired, titles)
        warnings.extend(r.message(Path(source).name) for r in reports)
        out.append(doc)
    return out


def _future_warnings(incoming: list[dict[str, Any]], sources: list[str]) -> list[str]:
    from annotator.core.skew import future_stamps

    found = ((Path(s).name, future_stamps(doc)) for s, doc in zip(sources, incoming, strict=True))
    return [stamps.message(name) for name, stamps in found if stamps is not None]


def _by(items: list[dict[str, Any]], key: Callable[[dict[str, Any]], Any]) -> dict[Any, Any]:
    return {key(item): item for item in items}


def _review_key(r: dict[str, Any]) -> tuple[str, str, int, int]:
    return (r["coder"], r["document"], r["clause"][0], r["clause"][1])


def count_changes(current: dict[str, Any], merged: dict[str, Any]) -> dict[str, int]:
    old_ann = _by(current["annotations"], lambda a: a["id"])
    counts = {
        "project_memo_changed": int(
            merged.get("project_memo", current.get("project_memo", ""))
            != current.get("project_memo", "")
        ),
        "coders_added": len(
            {c["id"] for c in merged["coders"]} - {c["id"] for c in current["coders"]}
        ),
        "documents_added": len(
            {d["key"] for d in merged["documents"]} - {d["key"] for d in current["documents"]}
        ),
        "categories_added": len(
            {c["key"] for c in merged["codebook"]["categories"]}
            - {c["key"] for c in current["codebook"]["categories"]}
        ),
        "annotations_added": 0,
        "annotations_updated": 0,
        "annotations_deleted": 0,
        "reviews_changed": 0,
    }
    old_cats = _by(current["codebook"]["categories"], lambda c: c["key"])
    counts["categories_changed"] = sum(
        1
        for c in merged["codebook"]["categories"]
        if c["key"] in old_cats and old_cats[c["key"]] != c
    )
    for ann in merged["annotations"]:
        old = old_ann.get(ann["id"])
        if old is None:
            counts["annotations_added"] += 1
        elif old != ann:
            if ann["deleted"] and not old["deleted"]:
                counts["annotations_deleted"] += 1
            else:
                counts["annotations_updated"] += 1
    old_rev = _by(current["reviews"], _review_key)
    counts["reviews_changed"] = sum(
        1 for r in merged["reviews"] if old_rev.get(_review_key(r)) != r
    )
    old_notes = _by(current.get("clause_notes", []), _review_key)
    counts["clause_notes_changed"] = sum(
        1 for n in merged.get("clause_notes", []) if old_notes.get(_review_key(n)) != n
    )
    old_links = _by(current.get("links", []), lambda x: x["id"])
    counts["links_changed"] = sum(1 for x in merged.get("links", []) if old_links.get(x["id"]) != x)
    return counts


@unit_of_work
def apply_merge(project: Project, preview: MergePreview, progress: Progress | None = None) -> Edit:
    """Write the merge in one transaction; returns it as one undoable Edit."""
    merged, current = preview.merged, preview.current
    changes: list[RowChange] = []
    stamp = clock.now()
    with project.engine.begin() as conn:
        _apply_coders(conn, current, merged, changes, stamp)
        _apply_categories(conn, current, merged, changes, stamp)
        clause_ids = _apply_documents(conn, current, merged, changes, stamp)
        _apply_annotations(conn, current, merged, clause_ids, changes, progress)
        _apply_reviews(conn, current, merged, clause_ids, changes)
        _apply_notes(conn, current, merged, clause_ids, changes)
        _apply_links(conn, current, merged, clause_ids, changes)
        _apply_file_extras(conn, merged, changes)
        _apply_project_memo(conn, current, merged, changes)
        for write in preview.after_apply:
            write(conn, changes)
    names = ", ".join(Path(s).name for s in preview.sources)
    return Edit(f"Merge {names}", tuple(changes))


def _put(
    conn: Connection,
    changes: list[RowChange],
    table: str,
    key: tuple[Any, ...],
    before: dict[str, Any] | None,
    after: dict[str, Any],
) -> None:
    """Write ``after`` unless it is ``before``, and record the change."""
    if before == after:
        return
    if before is None:
        merge_rows.insert_row(conn, table, after)
    else:
        merge_rows.update_row(conn, table, key, after)
    changes.append(RowChange(table, key, before, after))


def _apply_coders(conn: Connection, current: Any, merged: Any, changes: Any, stamp: str) -> None:
    rows = merge_rows.rows_by_key(conn, "coder")
    for coder in merged["coders"]:
        before = rows.get((coder["id"],))
        after = {
            **(before or {}),  # keep columns the exchange file does not carry (db_role)
            "id": coder["id"],
            "name": coder["name"],
            "is_consensus": bool(coder.get("consensus", False)),
            "created": before["created"] if before else stamp,
            "extra": extra_of(coder, "coder"),
        }
        _put(conn, changes, "coder", (coder["id"],), before, after)


def _apply_categories(
    conn: Connection, current: Any, merged: Any, changes: Any, stamp: str
) -> None:
    rows = merge_rows.rows_by_key(conn, "category")
    cats = merged["codebook"]["categories"]
    next_pos = max((r["position"] for r in rows.values()), default=-1) + 1
    # Parents first, so the foreign key on parent_key always finds its row.
    ordered = sorted(cats, key=lambda c: (c.get("parent") is not None, c["key"]))
    for cat in ordered:
        before = rows.get((cat["key"],))
        after = {
            "key": cat["key"],
            "name": cat["name"],
            "description": cat.get("description") or "",
            # As written: lowering "#C03030" would make every re-import report a phantom conflict.
            "color": cat.get("color") or "#808080",
            "parent_key": cat.get("parent"),
            "shortcut": cat.get("shortcut", before["shortcut"] if before else None),
            "position": before["position"] if before else next_pos,
            "retired": bool(cat.get("retired", False)),
            "codable": cat.get("codable", True) is not False,
            "updated": before["updated"] if before else stamp,
            "extra": extra_of(cat, "category", filled=CATEGORY_FILLED),
        }
        if before is None:
            next_pos += 1
        elif {k: v for k, v in after.items() if k != "updated"} != {
            k: v for k, v in before.items() if k != "updated"
        }:
            after["updated"] = clock.advance(stamp, before["updated"])  # never backwards
        _put(conn, changes, "category", (cat["key"],), before, after)


def _apply_documents(
    conn: Connection, current: Any, merged: Any, changes: Any, stamp: str
) -> dict[tuple[str, int, int], int]:
    rows = merge_rows.rows_by_key(conn, "document")
    next_pos = max((r["position"] for r in rows.values()), default=-1) + 1
    for doc in merged["documents"]:
        before = rows.get((doc["key"],))
        meta = row_extras.known_meta(doc.get("meta"), META_FIELDS)
        after = {
            "key": doc["key"],
            "title": doc["title"],
            "text": doc["text"],
            "position": before["position"] if before else next_pos,
            "source_name": before["source_name"] if before else "",
            "imported": before["imported"] if before else stamp,
            **{f: meta.get(f) for f in META_FIELDS},
            "extra": row_extras.document_extra(doc, META_FIELDS),
            "memo": doc.get("memo") or "",
        }
        if before is None:
            next_pos += 1
        _put(conn, changes, "document", (doc["key"],), before, after)
    existing = {
        (d, s, e): (cid, label, kind, extra)
        for cid, d, s, e, label, kind, extra in export_rows.clause_rows(conn)
    }
    ids = {k: v[0] for k, v in existing.items()}
    for doc in merged["documents"]:
        for clause in doc["clauses"]:
            k = (doc["key"], clause["start"], clause["end"])
            kind = clause.get("kind", "paragraph")
            extra = extra_of(clause, "clause", filled={"kind": "paragraph"})
            if k in existing:
                cid, label, old_kind, old_extra = existing[k]
                if (label, old_kind, old_extra) != (clause["label"], kind, extra):
                    before = {
                        "id": cid,
                        "document_key": k[0],
                        "start": k[1],
                        "end": k[2],
                        "label": label,
                        "kind": old_kind,
                        "extra": old_extra,
                    }
                    _put(
                        conn,
                        changes,
                        "clause",
                        (cid,),
                        before,
                        {**before, "label": clause["label"], "kind": kind, "extra": extra},
                    )
                continue
            values = {
                "document_key": k[0],
                "start": k[1],
                "end": k[2],
                "label": clause["label"],
                "kind": kind,
                "extra": extra,
            }
            inserted = merge_rows.insert_row(conn, "clause", values)
            assert inserted is not None
            cid = inserted[0]
            ids[k] = cid
            changes.append(RowChange("clause", (cid,), None, {"id": cid, **values}))
    return ids


def _apply_annotations(
    conn: Connection,
    current: Any,
    merged: Any,
    clause_ids: dict[tuple[str, int, int], int],
    changes: list[RowChange],
    progress: Progress | None,
) -> None:
    old = _by(current["annotations"], lambda a: a["id"])
    total = len(merged["annotations"])
    inserts: list[dict[str, Any]] = []
    for i, ann in enumerate(merged["annotations"]):
        if old.get(ann["id"]) == ann:
            continue
        cid = clause_ids[(ann["document"], ann["clause"][0], ann["clause"][1])]
        span = ann.get("span")
        after = {
            "id": ann["id"],
            "coder_id": ann["coder"],
            "clause_id": cid,
            "category_key": ann["category"],
            "span_start": span[0] if span else None,
            "span_end": span[1] if span else None,
            "memo": ann.get("memo") or "",
            "uncertain": bool(ann.get("uncertain", False)),
            "adjudicator": ann.get("adjudicator"),
            "created": ann["created"],
            "updated": ann["updated"],
            "deleted": bool(ann["deleted"]),
            "extra": extra_of(ann, "annotation"),
        }
        if ann["id"] in old:
            row = read_row(conn, "annotation", (ann["id"],))
            assert row is not None  # the project's own document holds it
            _put(conn, changes, "annotation", (ann["id"],), row, after)
        else:
            inserts.append(after)
            changes.append(RowChange("annotation", (ann["id"],), None, after))
        if progress and i % 5000 == 0:
            progress(i, total)
    merge_rows.insert_rows(conn, "annotation", inserts)
    if progress:
        progress(total, total)


def _apply_keyed(
    conn: Connection,
    table: PerClause,
    old_items: list[dict[str, Any]],
    new_items: list[dict[str, Any]],
    clause_ids: dict[tuple[str, int, int], int],
    changes: list[RowChange],
    row_of: Callable[[dict[str, Any], int], dict[str, Any]],
) -> None:
    old = _by(old_items, _review_key)
    rows = merge_rows.rows_by_key(conn, table)
    for item in new_items:
        if old.get(_review_key(item)) == item:
            continue
        cid = clause_ids[(item["document"], item["clause"][0], item["clause"][1])]
        key = (item["coder"], cid)
        _put(conn, changes, table, key, rows.get(key), row_of(item, cid))


def _apply_reviews(conn: Connection, current: Any, merged: Any, ids: Any, changes: Any) -> None:
    _apply_keyed(
        conn,
        "review",
        current["reviews"],
        merged["reviews"],
        ids,
        changes,
        lambda r, cid: {
            "coder_id": r["coder"],
            "clause_id": cid,
            "status": r["status"],
            "updated": r["updated"],
            "deleted": r.get("deleted") is True,
            "extra": extra_of(r, "review"),
        },
    )


def _apply_notes(conn: Connection, current: Any, merged: Any, ids: Any, changes: Any) -> None:
    _apply_keyed(
        conn,
        "clause_note",
        current.get("clause_notes", []),
        merged.get("clause_notes", []),
        ids,
        changes,
        lambda n, cid: {
            "coder_id": n["coder"],
            "clause_id": cid,
            "memo": n.get("memo") or "",
            "flagged": bool(n.get("flagged")),
            "updated": n["updated"],
            "extra": extra_of(n, "clause_note", filled={"memo": "", "flagged": False}),
        },
    )


def _apply_project_memo(conn: Connection, current: Any, merged: Any, changes: Any) -> None:
    memo = merged.get("project_memo")
    if not isinstance(memo, str) or memo == current.get("project_memo", ""):
        return
    before = read_row(conn, "setting", (PROJECT_MEMO,))
    _put(conn, changes, "setting", (PROJECT_MEMO,), before, {"key": PROJECT_MEMO, "value": memo})


def _apply_links(
    conn: Connection,
    current: Any,
    merged: Any,
    clause_ids: dict[tuple[str, int, int], int],
    changes: list[RowChange],
) -> None:
    """Clause links, once their clauses are in place; links of another shape kept as they are."""
    old = _by(current.get("links", []), lambda x: x["id"])
    new = [x for x in merged.get("links", []) if old.get(x["id"]) != x]
    if not new:
        return
    rows = merge_rows.rows_by_key(conn, "clause_link")
    coders = {c["id"] for c in merged["coders"]}
    foreign = _by(row_extras.read_setting_json(conn, row_extras.FOREIGN_LINKS, []), _link_id)
    foreign_before = dict(foreign)
    for link in new:
        ends = []
        for end in ("source", "target"):
            item = link.get(end)
            clause = item.get("clause") if isinstance(item, dict) else None
            if not isinstance(clause, list) or len(clause) != 2:
                break
            cid = clause_ids.get((item["document"], clause[0], clause[1]))
            if cid is None:
                break
            ends.append(cid)
        if len(ends) != 2 or link.get("status") not in LINK_STATUSES or link["id"] in foreign:
            foreign[link["id"]] = link  # another tool's relation: carried along unchanged
            continue
        before = rows.get((link["id"],))
        coder = link.get("coder")
        # A signature by a coder the project does not know is kept as an extra field.
        unknown_coder = {"coder": coder} if coder is not None and coder not in coders else None
        after = {
            "id": link["id"],
            "source_clause_id": ends[0],
            "target_clause_id": ends[1],
            "coder_id": coder if coder in coders else None,
            "status": link["status"],
            "created": link.get("created") or link["updated"],
            "updated": link["updated"],
            "deleted": bool(link.get("deleted", False)),
            "extra": extra_of(
                link,
                "link",
                also=unknown_coder,
                filled={"created": link["updated"], "deleted": False},
            ),
        }
        _put(conn, changes, "clause_link", (link["id"],), before, after)
    if foreign != foreign_before:
        items = [foreign[k] for k in sorted(foreign)]
        _put_setting(conn, changes, row_extras.FOREIGN_LINKS, row_extras.dump(items))


def _link_id(link: dict[str, Any]) -> Any:
    return link["id"]


def _put_setting(conn: Connection, changes: list[RowChange], key: str, value: str | None) -> None:
    """Set (or, with None, remove) a setting as part of the merge's undoable edit."""
    before = read_row(conn, "setting", (key,))
    if value is None:
        if before is not None:
            merge_rows.delete_row(conn, "setting", (key,))
            changes.append(RowChange("setting", (key,), before, None))
        return
    _put(conn, changes, "setting", (key,), before, {"key": key, "value": value})


def _apply_file_extras(conn: Connection, merged: Any, changes: list[RowChange]) -> None:
    """The merged file's and codebook's fields that have no rule of their own."""
    from annotator.core.merge import STRUCTURAL_FIELDS

    # The project memo has its own setting (see _apply_project_memo).
    top = {k: v for k, v in merged.items() if k not in STRUCTURAL_FIELDS | {"project_memo"}}
    # An optional list the file holds empty: export leaves empty ones out, so remember it.
    top.update({k: [] for k in ("links", "clause_notes") if merged.get(k) == []})
    book = {k: v for k, v in merged["codebook"].items() if k != "categories"}
    for key, value in ((row_extras.FILE_EXTRA, top), (row_extras.CODEBOOK_EXTRA, book)):
        _put_setting(conn, changes, key, row_extras.dump(value) if value else None)
