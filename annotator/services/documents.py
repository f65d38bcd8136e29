"""Plan metadata (date, party, source, language, stage, which plan it revises) and titles."""

from __future__ import annotations

from dataclasses import asdict

from annotator.core.edits import Edit
from annotator.core.errors import EditError
from annotator.services.project import META_FIELDS, Project
from annotator.services.types import DocumentMeta
from annotator.services.unit_of_work import unit_of_work
from annotator.storage.rows import Recorder, read_row

STAGES = ("draft", "revision", "counter-proposal", "framework", "signed")


@unit_of_work
def set_document_properties(
    project: Project, key: str, *, title: str | None = None, meta: DocumentMeta | None = None
) -> Edit:
    """Change a plan's title and/or metadata; one undoable Edit."""
    with project.engine.begin() as conn:
        before = read_row(conn, "document", (key,))
        if before is None:
            raise EditError(f"no document {key[:12]}…")
        after = dict(before)
        if title is not None:
            if not title.strip():
                raise EditError("a plan needs a title")
            after["title"] = title.strip()
        if meta is not None:
            values = asdict(meta)
            if values["revises"] == key:
                raise EditError("a plan cannot revise itself")
            if values["revises"] and read_row(conn, "document", (values["revises"],)) is None:
                raise EditError("the revised plan is not in this project")
            for field in META_FIELDS:
                value = values[field]
                after[field] = value.strip() or None if isinstance(value, str) else value
        rec = Recorder(conn)
        rec.put("document", (key,), after)
        return Edit(f"Edit properties of {after['title']}", tuple(rec.changes), key)
