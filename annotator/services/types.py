"""Plain values the services return to the GUI and the CLI (no ORM objects leak out)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from annotator.core.edits import Edit

#: The document's descriptive fields (its row's columns of the same names).
META_FIELDS = ("date", "party", "source", "language", "stage", "revises")


@dataclass(frozen=True)
class CoderInfo:
    id: str
    name: str
    is_consensus: bool = False


@dataclass(frozen=True)
class DocumentSummary:
    key: str
    title: str
    clauses: int
    coded: int
    position: int = 0


@dataclass(frozen=True)
class DocumentMeta:
    date: str | None = None
    party: str | None = None
    source: str | None = None
    language: str | None = None
    stage: str | None = None
    revises: str | None = None


@dataclass(frozen=True)
class DocumentData:
    key: str
    title: str
    text: str
    source_name: str = ""
    meta: DocumentMeta = field(default_factory=DocumentMeta)


@dataclass(frozen=True)
class ClauseInfo:
    id: int
    label: str
    start: int
    end: int
    kind: str


@dataclass(frozen=True)
class SpanTag:
    annotation_id: str
    category: str
    start: int
    end: int
    memo: str = ""


@dataclass(frozen=True)
class ClauseCoding:
    """One coder's work on one clause."""

    tags: frozenset[str] = frozenset()  # clause-level categories
    spans: tuple[SpanTag, ...] = ()
    review: str | None = None  # "done" | "none" | None
    memo: str = ""
    flagged: bool = False

    @property
    def categories(self) -> frozenset[str]:
        """Categories on the clause or on any span inside it (the agreement value)."""
        return self.tags | {s.category for s in self.spans}

    @property
    def coded(self) -> bool:
        return bool(self.tags or self.spans) or self.review is not None


@dataclass(frozen=True)
class ImportResult:
    source: str
    document_key: str
    title: str
    clauses: int
    already_present: bool
    notes: tuple[str, ...] = ()  # what the segmenter noticed (points missing from the text ...)
    #: The import as an undoable edit (None when the plan was already present).
    edit: Edit | None = field(default=None, compare=False)


# -- values from rows (one way, shared by the services and the first screen's sqlite3 read) --------


def document_summaries(
    rows: Iterable[tuple[str, str, int]], counts: Mapping[str, int], coded: Mapping[str, int]
) -> list[DocumentSummary]:
    """The plan list: (key, title, position) rows with their clause and coded-clause counts."""
    return [
        DocumentSummary(key, title, counts.get(key, 0), coded.get(key, 0), position)
        for key, title, position in rows
    ]


def document_data(row: Mapping[str, Any]) -> DocumentData:
    """A document's row (with its text) as the value the services return."""
    meta = DocumentMeta(**{f: row[f] for f in META_FIELDS})
    return DocumentData(row["key"], row["title"], row["text"], row["source_name"], meta)


def assemble_codings(
    annotations: Iterable[tuple[int, str, str, Any, Any, str]],
    reviews: Mapping[int, str],
    notes: Iterable[tuple[int, str, bool]],
) -> dict[int, ClauseCoding]:
    """One coder's coding by clause id, from their live annotations (clause, id, category, start,
    end, memo; start None for a whole-clause tag), review statuses and clause memos."""
    tags: dict[int, set[str]] = {}
    spans: dict[int, list[SpanTag]] = {}
    for clause_id, ann_id, cat, s, e, memo in annotations:
        if s is None:
            tags.setdefault(clause_id, set()).add(cat)
        else:
            spans.setdefault(clause_id, []).append(SpanTag(ann_id, cat, s, e, memo))
    memos = {clause_id: (memo, flagged) for clause_id, memo, flagged in notes}
    result: dict[int, ClauseCoding] = {}
    for clause_id in set(tags) | set(spans) | set(reviews) | set(memos):
        memo, flagged = memos.get(clause_id, ("", False))
        result[clause_id] = ClauseCoding(
            frozenset(tags.get(clause_id, ())),
            tuple(spans.get(clause_id, ())),
            reviews.get(clause_id),
            memo,
            flagged,
        )
    return result
