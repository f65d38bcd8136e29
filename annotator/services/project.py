"""The project service: every use case the GUI and the CLI share, one short transaction each.

Reads return plain values (:mod:`annotator.services.types`); writes return the :class:`Edit` they
made, which the GUI puts on its undo stack and which :meth:`Project.undo` / :meth:`Project.redo`
replay. SQL stays in storage: this module composes public query and write functions over the
caller's connection (:mod:`annotator.storage.queries`, ``plan_rows``, ``coding_rows`` ...).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterable
from importlib import resources
from pathlib import Path
from typing import Any, TypeGuard

from annotator.core import clock
from annotator.core.codebook import Category as CategoryValue
from annotator.core.codebook import default_codebook
from annotator.core.edits import Edit, RowChange
from annotator.core.errors import EditError, InputError, ProjectError, StaleEditError
from annotator.core.text import document_key, normalise
from annotator.services.paths import resolve_project
from annotator.services.types import (
    META_FIELDS,
    ClauseCoding,
    ClauseInfo,
    CoderInfo,
    DocumentData,
    DocumentSummary,
    ImportResult,
    assemble_codings,
    document_data,
    document_summaries,
)
from annotator.services.unit_of_work import unit_of_work
from annotator.storage import (
    clause_rows,
    codebook_rows,
    coder_rows,
    coding_rows,
    plan_rows,
    queries,
)
from annotator.storage.connection import Connection, Engine
from annotator.storage.db import open_engine, open_unwritable
from annotator.storage.locations import is_server_url
from annotator.storage.lock import ProjectLockedError, ReadOnlyLocationError, acquire_shared_lock
from annotator.storage.projectfile import is_new_project_file, unwritable_part
from annotator.storage.rows import UNREAD, Recorder, read_row, write_row

Progress = Callable[[int, int], None]
SAMPLE_FILES = ("draft-28-point.md", "framework-20-point.txt", "counter-24-point-uk.txt")
READ_ONLY_MEDIA = "the project is on read-only media (or in a folder you cannot write)"


class Project:
    """An open project (one SQLite file, later a server database)."""

    def __init__(self, engine: Engine, path: Path | None = None, *, read_only: bool = False):
        self.engine = engine
        self.path = path
        self.read_only = read_only
        self.lock: Any = None  # the process-wide lock hold, released on close
        #: Why the project is read-only (another window holds it), for the GUI to say.
        self.locked_by: ProjectError | None = None
        #: Why the project is read-only, in a sentence (another window, read-only media).
        self.read_only_reason: str | None = None

    @property
    def on_server(self) -> bool:
        """Whether this is a team server's database (writes may wait for the network or a lock)."""
        return self.engine.dialect.name == "postgresql"

    # -- lifecycle -----------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        path: str | os.PathLike[str] | None = None,
        *,
        create: bool = True,
        seed_samples: bool | None = None,
        read_only_if_locked: bool = False,
    ) -> Project:
        """Open the project at ``path`` (or the default one), creating and seeding it if new.

        A new project gets the default codebook. ``seed_samples`` (default: only for the default
        project) also imports the sample plans so a first-time user has something to code.
        """
        if path is not None and is_server_url(str(path)):
            from annotator.storage.server import open_server_engine

            return cls(open_server_engine(str(path)))
        resolved = resolve_project(path)
        is_new = is_new_project_file(resolved)  # a non-project is refused before any lock
        if not create and is_new:
            raise ProjectError("no such project", source=str(resolved))
        if is_new:
            try:  # the lock file sits beside the project, so its folder must exist first
                resolved.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise ProjectError(
                    f"cannot create the folder: {exc.strerror or exc}", source=str(resolved)
                ) from exc
        # Never two writers: a second window gets the project read-only, or a clear refusal.
        try:
            lock = acquire_shared_lock(resolved)
        except ProjectLockedError as locked:
            if not read_only_if_locked or is_new:
                raise
            engine = open_engine(resolved, create=False, read_only=True)
            project = cls(engine, resolved, read_only=True)
            project.locked_by = locked
            project.read_only_reason = str(locked)
            return project
        except ReadOnlyLocationError as refused:
            if is_new:
                raise
            # Read-only media (or a folder we may not write): reading is still possible.
            engine = open_unwritable(resolved, medium_read_only=refused.medium)
            project = cls(engine, resolved)
            project.read_only = True
            project.read_only_reason = READ_ONLY_MEDIA
            return project
        unwritable = None if is_new else unwritable_part(resolved)
        if unwritable is not None:  # a write-protected file, or its -wal or -shm
            lock.release()
            project = cls(open_engine(resolved, create=False, read_only=True), resolved)
            project.read_only = True
            project.read_only_reason = (
                READ_ONLY_MEDIA
                if unwritable == resolved
                else f"{unwritable.name} beside the project may not be written here"
            )
            return project
        try:
            engine = open_engine(resolved, create=create)
        except BaseException:
            lock.release()
            raise
        project = cls(engine, resolved)
        project.lock = lock
        if is_new:
            project._seed_codebook()
            if seed_samples if seed_samples is not None else path is None:
                project.import_samples()
        return project

    def close(self) -> None:
        self.engine.dispose()
        if self.lock is not None:
            self.lock.release()
            self.lock = None

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @unit_of_work
    def _seed_codebook(self) -> None:
        with self.engine.begin() as conn:
            if codebook_rows.category_count(conn):
                return
            stamp = clock.now()
            for cat in default_codebook():
                codebook_rows.insert_category(conn, queries.category_row(cat, stamp))

    def import_samples(self) -> list[ImportResult]:
        results = []
        folder = resources.files("annotator.resources").joinpath("samples")
        for name in SAMPLE_FILES:
            entry = folder.joinpath(name)
            if entry.is_file():
                with resources.as_file(entry) as real:
                    results.append(self.import_plan(real))
        return results

    # -- settings ------------------------------------------------------------------------------

    def setting(self, key: str, default: str | None = None) -> str | None:
        with self.engine.connect() as conn:
            value = queries.setting_value(conn, key)
        return default if value is None else value

    @unit_of_work
    def set_setting(self, key: str, value: str, label: str | None = None) -> Edit:
        """Set a project-wide setting; returns the undoable edit (empty if unchanged)."""
        with self.engine.begin() as conn:
            rec = Recorder(conn)
            rec.put("setting", (key,), {"key": key, "value": value})
            return Edit(label or f"Set {key}", tuple(rec.changes))

    # -- coders --------------------------------------------------------------------------------

    def coders(self) -> list[CoderInfo]:
        with self.engine.connect() as conn:
            rows = queries.coder_rows(conn)
            return [CoderInfo(r["id"], r["name"], bool(r["is_consensus"])) for r in rows]

    @unit_of_work
    def add_coder(self, name: str, coder_id: str | None = None) -> CoderInfo:
        return self.add_coder_edit(name, coder_id)[0]

    @unit_of_work
    def add_coder_edit(self, name: str, coder_id: str | None = None) -> tuple[CoderInfo, Edit]:
        """Add a coder; also returns the undoable edit (undo refuses once they have coded)."""
        name = name.strip()
        if not name:
            raise InputError("a coder needs a name")
        info = CoderInfo(coder_id or str(uuid.uuid4()), name)
        row = {
            "id": info.id,
            "name": info.name,
            "is_consensus": False,
            "created": clock.now(),
            "db_role": None,
            "extra": None,
        }
        with self.engine.begin() as conn:
            coder_rows.insert_coder(conn, row)
        return info, Edit(f"Add coder {name}", (RowChange("coder", (info.id,), None, row),))

    def coder(self, coder_id: str) -> CoderInfo | None:
        return next((c for c in self.coders() if c.id == coder_id), None)

    # -- codebook ------------------------------------------------------------------------------

    def categories(self, *, include_retired: bool = False) -> list[CategoryValue]:
        with self.engine.connect() as conn:
            return queries.categories(conn, include_retired=include_retired)

    # -- documents and clauses -----------------------------------------------------------------

    def documents(self, coder_id: str | None = None) -> list[DocumentSummary]:
        """Every document with its number of clauses and of clauses ``coder_id`` has coded."""
        with self.engine.connect() as conn:
            counts = queries.clause_counts(conn)
            coded: dict[str, int] = {}
            if coder_id is not None:
                coded = queries.coded_clause_counts(conn, coder_id)
            rows = queries.document_list(conn)
        return document_summaries(rows, counts, coded)

    def coded_count(self, key: str, coder_id: str) -> int:
        """How many clauses of the document ``coder_id`` has coded (one plan's count)."""
        with self.engine.connect() as conn:
            return queries.coded_clause_count(conn, coder_id, key)

    def document(self, key: str) -> DocumentData:
        with self.engine.connect() as conn:
            row = queries.document_row(conn, key)
        if row is None:
            raise InputError(f"no document {key[:12]}… in this project")
        return document_data(row)

    def clauses(self, key: str) -> list[ClauseInfo]:
        with self.engine.connect() as conn:
            return [ClauseInfo(*row) for row in queries.clause_list(conn, key)]

    def import_plan(self, path: str | os.PathLike[str]) -> ImportResult:
        """Read, normalise and segment a plan file in one transaction; a known text is kept once."""
        from annotator.core.readers import read_plan

        plan = read_plan(path)
        return self.import_text(plan.title, plan.text, source_name=plan.source_name)

    @unit_of_work
    def import_text(
        self, title: str, text: str, *, source_name: str = "", mode: str = "auto"
    ) -> ImportResult:
        """Store a plan and its clauses (``mode``: "auto" rules or "paragraphs" only)."""
        text = normalise(text)
        if not text.strip():
            raise InputError("the plan is empty", source=source_name or None)
        key = document_key(text)
        from annotator.core.segment import segment_plan  # not needed to open a project
        from annotator.services.segmentation import PREFIX, notes_row, parse_notes

        result = segment_plan(text, mode)
        clauses = result.clauses
        notes = tuple(n.message for n in result.notes)
        with self.engine.begin() as conn:
            if plan_rows.document_exists(conn, key):
                n = plan_rows.clause_count(conn, key)
                stored = queries.setting_value(conn, PREFIX + key)
                known = tuple(note.message for note in parse_notes(stored)[1])
                return ImportResult(source_name, key, title, n, already_present=True, notes=known)
            document = {
                "key": key,
                "title": title,
                "text": text,
                "position": plan_rows.next_document_position(conn),
                "source_name": source_name,
                "imported": clock.now(),
            }
            plan_rows.insert_document(conn, document)
            plan_rows.insert_clauses(
                conn,
                [
                    {
                        "document_key": key,
                        "start": c.start,
                        "end": c.end,
                        "label": c.label,
                        "kind": c.kind,
                    }
                    for c in clauses
                ],
            )
            write_row(conn, "setting", (PREFIX + key,), notes_row(key, mode, result.notes))
            edit = _import_edit(conn, key, f"Import {title}")
        return ImportResult(
            source_name, key, title, len(clauses), already_present=False, notes=notes, edit=edit
        )

    def find_document(self, ref: str) -> str:
        """The key of the plan ``ref`` names: its key, the start of its key, or its exact title."""
        ref = ref.strip()
        with self.engine.connect() as conn:
            rows = plan_rows.document_keys_and_titles(conn)
        for found in (
            [k for k, _ in rows if k == ref],
            [k for k, _ in rows if len(ref) >= 6 and k.startswith(ref.lower())],
            [k for k, t in rows if t == ref],
        ):
            if len(found) == 1:
                return str(found[0])
            if len(found) > 1:
                raise InputError(f"{ref!r} names {len(found)} plans; give more of the key")
        raise InputError(f"no plan {ref!r} in this project (see annotator info)")

    @unit_of_work
    def remove_plan(self, key: str) -> Edit:
        """Remove a plan with its clauses and everyone's coding of it; one undoable edit."""
        with self.engine.begin() as conn:
            document = read_row(conn, "document", (key,))
            if document is None:
                raise InputError(f"no document {key[:12]}… in this project")
            rec = Recorder(conn)
            clause_ids = plan_rows.clause_ids(conn, key)
            # Everything that points at the plan's clauses first, then the clauses, then the plan.
            for name, row_key in clause_rows.rows_on_clauses(conn, clause_ids):
                rec.put(name, row_key, None)
            for clause_id in clause_ids:
                rec.put("clause", (clause_id,), None)
            rec.put("document", (key,), None)
            return Edit(f"Remove plan {document['title']}", tuple(rec.changes))

    # -- coding --------------------------------------------------------------------------------

    def coding(self, document_key: str, coder_id: str) -> dict[int, ClauseCoding]:
        """``coder_id``'s tags, spans, reviews, memos and flags on every clause of a document."""
        with self.engine.connect() as conn:
            return clause_codings(conn, document_key, coder_id)

    def clause_coding(self, clause_id: int, coder_id: str) -> ClauseCoding:
        with self.engine.connect() as conn:
            doc = queries.clause_document_key(conn, clause_id)
            if doc is None:
                raise EditError(f"no clause {clause_id}")
            return clause_codings(conn, doc, coder_id, clause_ids=[clause_id]).get(
                clause_id, ClauseCoding()
            )

    @unit_of_work
    def toggle_tag(self, coder_id: str, clause_id: int, category: str) -> Edit:
        """Apply ``category`` to the whole clause, or remove it if the coder had applied it."""
        with self.engine.begin() as conn:
            # Two reads: the clause with the coder's review and the category, then the coder's
            # annotations there; each row is written from what they read.
            clause, review, cat = _coding_context(conn, coder_id, clause_id, category)
            name = str(cat["name"])
            rows = coding_rows.coder_clause_annotations(conn, coder_id, clause_id)
            rec = Recorder(conn)
            stamp = clock.now()
            live = [r for r in rows if not r["deleted"]]
            same = [r for r in rows if r["span_start"] is None and r["category_key"] == category]
            removing = [r for r in same if not r["deleted"]]
            if removing:
                for ann in removing:  # a merge may have brought two: the key takes off both
                    image = {**ann, "deleted": True, "updated": stamp}
                    rec.put("annotation", (ann["id"],), image, current=ann)
                label = f"Untag {clause['label']} {name}"
                last = len(live) == len(removing)  # the clause is left with no tag at all
                if last and _is_live(review, "done"):
                    _unreview(rec, review, stamp)
            else:
                _refuse_group(cat["codable"], name)
                old = same[0] if same else None
                _apply_tag(conn, rec, old, coder_id, clause_id, category, None, None, stamp, review)
                label = f"Tag {clause['label']} {name}"
            return Edit(label, tuple(rec.changes), clause["document_key"], (clause_id,))

    @unit_of_work
    def toggle_span(
        self, coder_id: str, clause_id: int, category: str, start: int, end: int
    ) -> Edit:
        """Tag (or untag, if the same span is tagged) ``[start, end)`` inside a clause."""
        with self.engine.begin() as conn:
            clause, review, cat = _coding_context(conn, coder_id, clause_id, category)
            name = str(cat["name"])
            if not clause["start"] <= start < end <= clause["end"]:
                raise EditError(
                    f"the selection {start}-{end} is not inside clause {clause['label']} "
                    f"({clause['start']}-{clause['end']})"
                )
            rec = Recorder(conn)
            stamp = clock.now()
            same = coding_rows.span_tag_row(conn, coder_id, clause_id, category, start, end)
            if same is not None and not same["deleted"]:
                image = {**same, "deleted": True, "updated": stamp}
                rec.put("annotation", (same["id"],), image, current=same)
                label = f"Untag span in {clause['label']} {name}"
            else:
                _refuse_group(cat["codable"], name)
                _apply_tag(
                    conn, rec, same, coder_id, clause_id, category, start, end, stamp, review
                )
                label = f"Tag span in {clause['label']} {name}"
            return Edit(label, tuple(rec.changes), clause["document_key"], (clause_id,))

    @unit_of_work
    def mark_none(self, coder_id: str, clause_id: int) -> Edit:
        """Say no category applies (removing the coder's tags there); again: take it back."""
        with self.engine.begin() as conn:
            clause, review, _ = _coding_context(conn, coder_id, clause_id)
            rec = Recorder(conn)
            stamp = clock.now()
            if _is_live(review, "none"):
                _unreview(rec, review, stamp)
                label = f"Unmark {clause['label']} as none applies"
            else:
                for ann in coding_rows.live_annotations(conn, coder_id, clause_id):
                    image = {**ann, "deleted": True, "updated": stamp}
                    rec.put("annotation", (ann["id"],), image, current=ann)
                put_review(conn, rec, coder_id, clause_id, "none", stamp, review)
                label = f"Mark {clause['label']} as none applies"
            return Edit(label, tuple(rec.changes), clause["document_key"], (clause_id,))

    # -- undo ----------------------------------------------------------------------------------

    def undo(self, edit: Edit) -> Edit:
        """Revert ``edit``; returns the edit actually written (for views to refresh).

        Raises :class:`StaleEditError` (writing nothing) when a row the edit touched has been
        changed since by someone else.
        """
        return self._replay(edit.inverse(), "undo")

    def redo(self, edit: Edit) -> Edit:
        return self._replay(edit, "redo")

    @unit_of_work
    def _replay(self, edit: Edit, verb: str = "redo") -> Edit:
        try:
            with self.engine.begin() as conn:
                rec = Recorder(conn)
                rec.replay(edit.changes, clock.now())
                return Edit(edit.label, tuple(rec.changes), edit.document_key, edit.clause_ids)
        except StaleEditError as exc:
            raise StaleEditError(f"cannot {verb} \u201c{edit.label}\u201d: {exc.message}") from None


# -- helpers (module level so other services can share them) ----------------------------------


def _import_edit(conn: Connection, key: str, label: str) -> Edit:
    """The rows an import inserted (the plan, then its clauses) as one undoable edit."""
    changes = [RowChange("document", (key,), None, read_row(conn, "document", (key,)))]
    rows = plan_rows.clause_rows(conn, key)
    changes.extend(RowChange("clause", (r["id"],), None, r) for r in rows)
    from annotator.services.segmentation import PREFIX

    # The segmenter's notes for the plan go with it, so a re-import after undo starts clean.
    notes = read_row(conn, "setting", (PREFIX + key,))
    if notes is not None:
        changes.append(RowChange("setting", (PREFIX + key,), None, notes))
    return Edit(label, tuple(changes))


def new_annotation(
    coder_id: str, clause_id: int, category: str, start: int | None, end: int | None, stamp: str
) -> dict[str, Any]:
    """A new live annotation row (a fresh id): a whole-clause tag, or a span if ``start`` is set."""
    return {
        "id": str(uuid.uuid4()),
        "coder_id": coder_id,
        "clause_id": clause_id,
        "category_key": category,
        "span_start": start,
        "span_end": end,
        "memo": "",
        "uncertain": False,
        "adjudicator": None,
        "created": stamp,
        "updated": stamp,
        "deleted": False,
    }


def _apply_tag(
    conn: Connection,
    rec: Recorder,
    old: dict[str, Any] | None,
    coder_id: str,
    clause_id: int,
    category: str,
    start: int | None,
    end: int | None,
    stamp: str,
    review: Any = UNREAD,
) -> None:
    """Revive the tombstone ``old`` (keeping its id) or add a new tag; the clause is then done.

    ``old`` and ``review`` (the coder's review row, a tombstone too, or None) are as read in this
    transaction; ``review`` is looked up if not given."""
    if old is not None:
        rec.put(
            "annotation", (old["id"],), {**old, "deleted": False, "updated": stamp}, current=old
        )
    else:
        image = new_annotation(coder_id, clause_id, category, start, end, stamp)
        rec.put("annotation", (image["id"],), image, current=None)  # a fresh id: not there
    promote_review(conn, rec, coder_id, clause_id, stamp, review)


def _coding_context(
    conn: Connection, coder_id: str, clause_id: int, category: str | None = None
) -> tuple[dict[str, Any], dict[str, Any] | None, dict[str, Any]]:
    """The clause, the coder's review of it and ``category`` (name, codable), read at once;
    refused if there is no such clause or (when asked for) no such category."""
    clause, review, cat = coding_rows.coding_context(conn, coder_id, clause_id, category)
    if clause is None:
        raise EditError(f"no clause {clause_id} in this project")
    if category is not None and cat is None:
        raise EditError(f"no category {category!r} in the codebook")
    return clause, review, cat or {}


def _refuse_group(codable: Any, name: str) -> None:
    """A category that only groups codes (REFI-QDA ``isCodable="false"``) is never applied
    (``codable``: the category's column as stored)."""
    if codable is False or codable == 0:
        raise EditError(f"{name!r} only groups codes: apply one of the codes under it")


def promote_review(
    conn: Connection, rec: Recorder, coder_id: str, clause_id: int, stamp: str, review: Any = UNREAD
) -> None:
    """A tag contradicts "none applies": the clause is now reviewed as done. ``review``: the
    coder's review row as read in this transaction (a tombstone too, or None); else looked up."""
    if review is UNREAD:
        review = read_row(conn, "review", (coder_id, clause_id))
    if _is_live(review, "none"):
        image = {**review, "status": "done", "updated": stamp}
        rec.put("review", (coder_id, clause_id), image, current=review)


def put_review(
    conn: Connection,
    rec: Recorder,
    coder_id: str,
    clause_id: int,
    status: str,
    stamp: str,
    review: Any = UNREAD,
) -> None:
    """Review the clause as ``status``, reviving a tombstone (its unknown fields kept).
    ``review``: the row as read in this transaction (a tombstone too, or None); else looked up."""
    old = read_row(conn, "review", (coder_id, clause_id)) if review is UNREAD else review
    image = {
        **(old or {}),
        "coder_id": coder_id,
        "clause_id": clause_id,
        "status": status,
        "updated": stamp,
        "deleted": False,
    }
    rec.put("review", (coder_id, clause_id), image, current=old)


def _is_live(review: dict[str, Any] | None, status: str) -> TypeGuard[dict[str, Any]]:
    """Whether ``review`` (a row as read, a tombstone too, or None) is live with ``status``."""
    return review is not None and not review["deleted"] and review["status"] == status


def _unreview(rec: Recorder, review: dict[str, Any], stamp: str) -> None:
    """Take a review back, leaving a tombstone so that an older exported review stays gone."""
    key = (review["coder_id"], review["clause_id"])
    rec.put("review", key, {**review, "deleted": True, "updated": stamp})


def clause_codings(
    conn: Connection, doc_key: str, coder_id: str, clause_ids: Iterable[int] | None = None
) -> dict[int, ClauseCoding]:
    """The coder's coding of the plan's clauses (or of ``clause_ids``), by clause id."""
    ids = list(clause_ids) if clause_ids is not None else None
    return assemble_codings(
        coding_rows.live_annotation_cells(conn, doc_key, coder_id, ids),
        coding_rows.live_review_statuses(conn, doc_key, coder_id, ids),
        coding_rows.clause_note_cells(conn, doc_key, coder_id, ids),
    )


__all__ = ["META_FIELDS", "Progress", "Project"]
