"""Plain values the services return to the GUI and the CLI (no ORM objects leak out)."""

from __future__ import annotations

from dataclasses import dataclass, field

from annotator.core.edits import Edit


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
