"""The last project's first screen, before SQLAlchemy loads (see storage/first_screen.py).

Returns the values :class:`~annotator.services.project.Project` returns for the same reads
(``documents(coder)``, ``document(key)``, ``clauses(key)``, ``coding(key, coder)``,
``categories()``), built by the same functions, so the window's models show it unchanged. Never
raises: any surprise is None, and the project opens the normal way.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from annotator.core.codebook import Category
from annotator.core.segment_result import Note, parse_notes
from annotator.services.paths import resolve_project
from annotator.services.types import (
    ClauseCoding,
    ClauseInfo,
    CoderInfo,
    DocumentData,
    DocumentSummary,
    assemble_codings,
    document_data,
    document_summaries,
)
from annotator.storage.first_screen import read_rows
from annotator.storage.locations import is_server_url


@dataclass(frozen=True)
class FirstScreen:
    """What the window shows first: the plan list, the shown plan as the coder, the codebook."""

    coder: CoderInfo
    documents: list[DocumentSummary]
    document: DocumentData
    clauses: list[ClauseInfo]
    coding: dict[int, ClauseCoding]
    categories: list[Category]
    segment_mode: str
    segment_notes: list[Note]


def read_first_screen(
    path: str | os.PathLike[str] | None,
    *,
    coder_id: str | None,
    coder_name: str | None,
    document_key: str | None,
) -> FirstScreen | None:
    """The first screen of the project at ``path`` (None: the default project), or None when the
    project must open the normal way first (see :func:`annotator.storage.first_screen.read_rows`).
    """
    if path is not None and is_server_url(str(path)):
        return None
    try:
        rows = read_rows(
            resolve_project(path),
            coder_id=coder_id,
            coder_name=coder_name,
            document_key=document_key,
        )
        if rows is None:
            return None
        mode, notes = parse_notes(rows.segment_notes)
        return FirstScreen(
            coder=CoderInfo(*rows.coder),
            documents=document_summaries(rows.documents, rows.clause_counts, rows.coded_counts),
            document=document_data(rows.document),
            clauses=[ClauseInfo(*row) for row in rows.clauses],
            coding=assemble_codings(rows.annotations, rows.reviews, rows.notes),
            categories=rows.categories,
            segment_mode=mode,
            segment_notes=notes,
        )
    except Exception:  # never let the quick path break start-up: the normal path will say why
        return None
