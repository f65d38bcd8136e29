"""How far each coder has got in each plan: counts only, so blind mode may show them.

A clause counts as coded by a coder when it carries a live annotation of theirs (a whole-clause
tag or a span) or a review of theirs ("done" or "none applies") — the rule the document list
uses for the current coder. The consensus layer is not a coder and is left out.

On a team server row-level security hides other coders' rows in blind mode, so there the counts
come from a SECURITY DEFINER function that returns numbers and never tags
(:mod:`annotator.storage.progress_rows`).
"""

from __future__ import annotations

from dataclasses import dataclass

from annotator.services.project import Project
from annotator.storage import coder_rows, progress_rows, queries
from annotator.storage.connection import DatabaseError


@dataclass(frozen=True)
class CoderProgress:
    """``coded`` of the ``clauses`` of plan ``document_key`` carry work by coder ``coder_id``."""

    coder_id: str
    name: str
    document_key: str
    coded: int
    clauses: int


def coder_progress(project: Project) -> list[CoderProgress]:
    """Every (non-consensus) coder × every plan, ordered by coder name then plan position.

    Plans a coder has not touched are included with ``coded == 0``. Database errors become
    :class:`~annotator.core.errors.ProjectError` (a lost connection) or ``EditError``.
    """
    from annotator.storage.server import as_annotator_error

    try:
        with project.engine.connect() as conn:
            coded = progress_rows.coded_counts(conn)
            clauses = queries.clause_counts(conn)
            keys = [key for key, _, _ in queries.document_list(conn)]
            coders = coder_rows.team_coders(conn)
    except DatabaseError as exc:
        raise as_annotator_error(exc) from None
    return [
        CoderProgress(coder_id, name, key, coded.get((coder_id, key), 0), clauses.get(key, 0))
        for coder_id, name in coders
        for key in keys
    ]


def progress_table(
    rows: list[CoderProgress],
) -> tuple[list[tuple[str, str]], list[str], dict[tuple[str, str], tuple[int, int]]]:
    """Coders ``[(id, name)]``, plan keys and ``{(coder_id, key): (coded, clauses)}``, in order."""
    coders: dict[str, str] = {}
    keys: dict[str, None] = {}
    cells: dict[tuple[str, str], tuple[int, int]] = {}
    for row in rows:
        coders.setdefault(row.coder_id, row.name)
        keys.setdefault(row.document_key, None)
        cells[(row.coder_id, row.document_key)] = (row.coded, row.clauses)
    return list(coders.items()), list(keys), cells
