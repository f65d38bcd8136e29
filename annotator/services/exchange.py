"""Exchange files (Contract 2) out of a project.

Export builds the Contract 2 object from the rows :mod:`annotator.storage.export_rows` reads (a
million annotations stream as plain tuples, not ORM objects). Merging files into a project is
:mod:`annotator.services.merge`.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO, Literal

from annotator.core.errors import InputError
from annotator.services import row_extras
from annotator.services.part_files import sweep_stale_parts
from annotator.services.project import META_FIELDS, Project
from annotator.services.row_extras import with_extra
from annotator.storage import export_rows
from annotator.storage.connection import Connection
from annotator.storage.queries import setting_value

PROJECT_MEMO = "project_memo"  # the setting holding the project's memo (REFI-QDA Description)

Progress = Callable[[int, int], None]


# -- export ------------------------------------------------------------------------------------


def export_exchange_dict(
    project: Project | str | os.PathLike[str], coder_id: str | None = None
) -> dict[str, Any]:
    """The project, or one coder's part of it, as a Contract 2 object for ``dump_exchange``."""
    if not isinstance(project, Project):
        with Project.open(project, create=False, seed_samples=False) as opened:
            return export_exchange_dict(opened, coder_id)
    with project.engine.connect() as conn:
        return export_document(conn, coder_id)


def export_document(
    conn: Connection, coder_id: str | None, *, stream: bool = False
) -> dict[str, Any]:
    """The Contract 2 object; with ``stream``, annotations and reviews are iterators in canonical
    order, read from ``conn`` as they are consumed (see :mod:`annotator.services.export_stream`)."""
    coders = []
    for row in export_rows.coder_rows_by_id(conn, coder_id):
        coder: dict[str, Any] = {"id": row["id"], "name": row["name"]}
        if row["is_consensus"]:
            coder["consensus"] = True
        coders.append(with_extra(coder, row["extra"]))
    if coder_id is not None and not coders:
        raise InputError(f"no coder with id {coder_id!r} in this project")

    categories = []
    for row in export_rows.category_rows_by_key(conn):
        cat: dict[str, Any] = {
            "key": row["key"],
            "name": row["name"],
            "description": row["description"],
            "color": row["color"],
            "parent": row["parent_key"],
        }
        if row["shortcut"]:
            cat["shortcut"] = row["shortcut"]
        if row["retired"]:
            cat["retired"] = True
        if not row.get("codable", True):
            cat["codable"] = False
        categories.append(with_extra(cat, row["extra"]))

    clauses_by_doc: dict[str, list[dict[str, Any]]] = {}
    clause_pos: dict[int, tuple[str, int, int]] = {}
    for cid, doc, start, end, label, kind, extra in export_rows.clause_rows(conn, ordered=True):
        clauses_by_doc.setdefault(doc, []).append(
            with_extra({"start": start, "end": end, "label": label, "kind": kind}, extra)
        )
        clause_pos[cid] = (doc, start, end)

    documents = []
    for row in export_rows.document_rows_by_key(conn):
        document: dict[str, Any] = {
            "key": row["key"],
            "title": row["title"],
            "text": row["text"],
            "clauses": clauses_by_doc.get(row["key"], []),
        }
        meta = {f: row[f] for f in META_FIELDS if row[f] is not None}
        if row.get("memo"):
            document["memo"] = row["memo"]
        documents.append(row_extras.document_with_extra(document, meta, row["extra"]))

    annotations: Any = _annotation_items(conn, coder_id, clause_pos)
    if stream:
        reviews: Any = per_clause_items(
            conn, "review", coder_id, clause_pos, {"status": str}, ordered=True
        )
    else:
        annotations = list(annotations)
        reviews = _per_clause_rows(conn, "review", coder_id, clause_pos, {"status": str})
    notes = _per_clause_rows(
        conn, "clause_note", coder_id, clause_pos, {"memo": str, "flagged": bool}
    )

    links = _export_links(conn, coder_id, clause_pos)
    links += [
        link
        for link in row_extras.read_setting_json(conn, row_extras.FOREIGN_LINKS, [])
        if coder_id is None or link.get("coder") in (None, coder_id)
    ]

    out: dict[str, Any] = {
        **row_extras.read_setting_json(conn, row_extras.FILE_EXTRA, {}),
        "format": "plan-annotations",
        "version": 1,
        "codebook": {
            **row_extras.read_setting_json(conn, row_extras.CODEBOOK_EXTRA, {}),
            "categories": categories,
        },
        "coders": coders,
        "documents": documents,
        "annotations": annotations,
        "reviews": reviews,
    }
    if notes:
        out["clause_notes"] = notes
    project_memo = setting_value(conn, PROJECT_MEMO)
    if project_memo:
        out["project_memo"] = project_memo
    if links:  # an optional field: files without links keep their bytes
        out["links"] = links
    return out


def _annotation_items(
    conn: Connection, coder_id: str | None, clause_pos: dict[int, tuple[str, int, int]]
) -> Iterator[dict[str, Any]]:
    """Annotations as Contract 2 objects, one at a time, in canonical order (by id)."""
    for (
        aid,
        coder_,
        cid,
        cat_key,
        s,
        e,
        memo,
        uncertain,
        adj,
        created,
        updated,
        deleted,
        extra,
    ) in export_rows.annotation_rows(conn, coder_id):
        doc, start, end = clause_pos[cid]
        ann: dict[str, Any] = {
            "id": aid,
            "coder": coder_,
            "document": doc,
            "clause": [start, end],
            "category": cat_key,
            "span": None if s is None else [s, e],
            "memo": memo,
            "created": created,
            "updated": updated,
            "deleted": bool(deleted),
        }
        if uncertain:
            ann["uncertain"] = True
        if adj:
            ann["adjudicator"] = adj
        yield with_extra(ann, extra) if extra else ann


def _export_links(
    conn: Connection, coder_id: str | None, clause_pos: dict[int, tuple[str, int, int]]
) -> list[dict[str, Any]]:
    """Clause links; one coder's export holds theirs and those no coder signed."""
    links = []
    for row in export_rows.link_rows(conn, coder_id):
        ends = {}
        for end in ("source", "target"):
            doc, start, stop = clause_pos[row[f"{end}_clause_id"]]
            ends[end] = {"document": doc, "clause": [start, stop]}
        link: dict[str, Any] = {
            "id": row["id"],
            **ends,
            "status": row["status"],
            "created": row["created"],
            "updated": row["updated"],
            "deleted": bool(row["deleted"]),
        }
        if row["coder_id"] is not None:
            link["coder"] = row["coder_id"]
        links.append(with_extra(link, row["extra"]))
    return links


PerClause = Literal["review", "clause_note"]


def _per_clause_rows(
    conn: Connection,
    table: PerClause,
    coder_id: str | None,
    clause_pos: dict[int, tuple[str, int, int]],
    fields: dict[str, Callable[[Any], Any]],
) -> list[dict[str, Any]]:
    """Rows keyed by (coder, clause) — reviews, clause notes — as Contract 2 objects, sorted."""
    out = list(per_clause_items(conn, table, coder_id, clause_pos, fields))
    out.sort(key=lambda r: (r["coder"], r["document"], r["clause"]))
    return out


def per_clause_items(
    conn: Connection,
    table: PerClause,
    coder_id: str | None,
    clause_pos: dict[int, tuple[str, int, int]],
    fields: dict[str, Callable[[Any], Any]],
    *,
    ordered: bool = False,
) -> Iterator[dict[str, Any]]:
    """Rows keyed by (coder, clause) as Contract 2 objects, one at a time.

    ``ordered``: in canonical order, (coder, document, start, end), sorted by the database.
    """
    for row in export_rows.per_clause_rows(conn, table, coder_id, ordered=ordered):
        doc, start, end = clause_pos[row["clause_id"]]
        item: dict[str, Any] = {"coder": row["coder_id"], "document": doc, "clause": [start, end]}
        item.update({name: convert(row[name]) for name, convert in fields.items()})
        item["updated"] = row["updated"]
        if row.get("deleted"):  # a review tombstone (an un-marked clause)
            item["deleted"] = True
        yield with_extra(item, row["extra"])


def write_exchange_file(
    project: Project, out: str | os.PathLike[str], coder_id: str | None = None
) -> dict[str, int]:
    """Export to ``out`` atomically, streamed from the tables; returns counts for the caller to
    report (coders, documents, annotations, reviews).

    The same writer as ``annotator export``
    (:func:`annotator.services.export_stream.stream_exchange_file`): a million annotations never
    become one document in memory.
    """
    from annotator.services.export_stream import stream_exchange_file

    return stream_exchange_file(project, Path(out), coder_id)


def atomic_write(path: Path, data: bytes) -> None:
    """Write via a temporary file in the same folder and rename: never a half-written file."""
    with atomic_file(path) as fh:
        fh.write(data)


@contextlib.contextmanager
def atomic_file(path: Path) -> Iterator[BinaryIO]:
    """A binary file to write ``path`` through: renamed into place only if the block succeeds.

    Streaming exports write through it, so a failed or interrupted export leaves no half-written
    file and never clobbers a good one.
    """
    sweep_stale_parts(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        with open(tmp, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):  # a read-only file system refuses even this
            tmp.unlink()
        if isinstance(exc, OSError):
            raise InputError(f"cannot write: {exc.strerror or exc}", source=str(path)) from exc
        raise
