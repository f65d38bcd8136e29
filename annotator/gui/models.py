"""Qt list models as thin adapters over the service's plain values.

Both models are read-only views of data the main window hands them; after an edit they update
only the rows it touched (``dataChanged`` for those indices), never resetting the whole model.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

from annotator.core.codebook import Category
from annotator.services.types import ClauseCoding, ClauseInfo, DocumentSummary

Index = QModelIndex | QPersistentModelIndex
EMPTY = ClauseCoding()


class Role(IntEnum):
    """Custom data roles shared by the models and their delegates."""

    KEY = Qt.ItemDataRole.UserRole + 1  # document key / clause id
    LABEL = Qt.ItemDataRole.UserRole + 2
    TEXT = Qt.ItemDataRole.UserRole + 3
    CATEGORIES = Qt.ItemDataRole.UserRole + 4  # [Category] on the clause or its spans
    REVIEW = Qt.ItemDataRole.UserRole + 5  # "done" | "none" | None
    CODED = Qt.ItemDataRole.UserRole + 6  # bool for a clause; coded count for a document
    TOTAL = Qt.ItemDataRole.UserRole + 7  # clauses in a document
    SPANS = Qt.ItemDataRole.UserRole + 8  # [(start, end, Category)] relative to the clause
    KIND = Qt.ItemDataRole.UserRole + 9
    CODING = Qt.ItemDataRole.UserRole + 10  # the ClauseCoding itself
    CODERS = Qt.ItemDataRole.UserRole + 11  # reviewer mode: [(coder name, [Category])] or None
    DISAGREE = Qt.ItemDataRole.UserRole + 12  # reviewer mode: coders' category sets differ
    STATUS = Qt.ItemDataRole.UserRole + 13  # "saving…", "not saved: why" or "" (team server)


#: Filters of the clause list: (key, menu text).
FILTERS = (
    ("all", "All clauses"),
    ("uncoded", "Uncoded"),
    ("flagged", "Flagged uncertain"),
    ("memo", "With a memo"),
)


class DocumentListModel(QAbstractListModel):
    """The project's plans, each with its coded/total clause counts."""

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self._docs: list[DocumentSummary] = []
        self._row_of: dict[str, int] = {}

    def set_documents(self, docs: Sequence[DocumentSummary]) -> None:
        docs = list(docs)
        if docs == self._docs:  # read again unchanged (start-up's hand-over): keep the selection
            return
        self.beginResetModel()
        self._docs = docs
        self._row_of = {d.key: i for i, d in enumerate(self._docs)}
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self._docs)

    def row_of(self, key: str) -> int | None:
        return self._row_of.get(key)

    def summary(self, row: int) -> DocumentSummary:
        return self._docs[row]

    def set_coded(self, key: str, coded: int, clauses: int | None = None) -> None:
        """Update one document's progress (after an edit; ``clauses``: its count after a split
        or join) without touching the others."""
        row = self._row_of.get(key)
        if row is None:
            return
        doc = self._docs[row]
        total = doc.clauses if clauses is None else clauses
        if (doc.coded, doc.clauses) == (coded, total):
            return
        self._docs[row] = DocumentSummary(doc.key, doc.title, total, coded, doc.position)
        index = self.index(row)
        self.dataChanged.emit(index, index)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._docs):
            return None
        doc = self._docs[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{doc.title}  {doc.coded}/{doc.clauses}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{doc.title}\n{doc.coded} of {doc.clauses} clauses coded"
        if role == Role.KEY:
            return doc.key
        if role == Role.LABEL:
            return doc.title
        if role == Role.CODED:
            return doc.coded
        if role == Role.TOTAL:
            return doc.clauses
        return None


class ClauseListModel(QAbstractListModel):
    """The clauses of one document with one coder's coding."""

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self.document_key: str | None = None
        self._text = ""
        self._clauses: list[ClauseInfo] = []
        self._row_of: dict[int, int] = {}
        self._coding: dict[int, ClauseCoding] = {}
        self._categories: dict[str, Category] = {}
        self._order: dict[str, int] = {}
        self._coded = 0
        #: Reviewer mode: coders in column order, and each one's coding of this document.
        self._coders: list[tuple[str, str]] | None = None
        self._by_coder: dict[str, dict[int, ClauseCoding]] = {}
        self._own = ""
        #: Background writes (team server): each clause's database state, the guesses of its
        #: writes still saving (by token, in order) and why its last write failed.
        self._confirmed: dict[int, ClauseCoding] = {}
        self._guesses: dict[int, dict[int, Callable[[ClauseCoding], ClauseCoding]]] = {}
        self._failed: dict[int, str] = {}

    # -- loading and refreshing ----------------------------------------------------------------

    def set_categories(self, categories: Iterable[Category]) -> None:
        cats = list(categories)
        self._categories = {c.key: c for c in cats}
        self._order = {c.key: i for i, c in enumerate(cats)}
        if self._clauses:
            self.dataChanged.emit(self.index(0), self.index(len(self._clauses) - 1))

    def set_document(
        self,
        key: str | None,
        text: str,
        clauses: Sequence[ClauseInfo],
        coding: Mapping[int, ClauseCoding],
    ) -> None:
        if self._unchanged(key, text, clauses, coding):
            return  # start-up's hand-over read what is shown: the current row and scroll stay
        self.beginResetModel()
        self.document_key = key
        self._text = text
        self._clauses = list(clauses)
        self._row_of = {c.id: i for i, c in enumerate(self._clauses)}
        self._coding = {cid: c for cid, c in coding.items() if cid in self._row_of}
        self._failed.clear()
        for cid in self._guesses:  # still saving: the guess on top of what was just read
            if cid in self._row_of:
                self._confirmed[cid] = self.coding(cid)
                self._coding[cid] = self._guessed(cid)
        self._coded = sum(1 for c in self._coding.values() if c.coded)
        self.endResetModel()

    def _unchanged(
        self,
        key: str | None,
        text: str,
        clauses: Sequence[ClauseInfo],
        coding: Mapping[int, ClauseCoding],
    ) -> bool:
        return (
            key is not None
            and key == self.document_key
            and len(clauses) == len(self._clauses)
            and not self._guesses
            and not self._failed
            and text == self._text
            and list(clauses) == self._clauses
            and {cid: c for cid, c in coding.items() if cid in self._row_of} == self._coding
        )

    def set_reviewer(
        self,
        coders: Sequence[tuple[str, str]] | None,
        by_coder: Mapping[str, Mapping[int, ClauseCoding]] | None = None,
        own: str = "",
    ) -> None:
        """Reviewer mode on (each coder's chips per clause; ``own`` is the current coder) or off."""
        self.beginResetModel()  # row heights change: one chip line per coder
        self._coders = list(coders) if coders is not None else None
        self._by_coder = {k: dict(v) for k, v in (by_coder or {}).items()}
        self._own = own
        for cid in self._guesses if own else ():  # still saving: the own column shows the guess
            self._by_coder.setdefault(own, {})[cid] = self.coding(cid)
        self.endResetModel()

    @property
    def reviewing(self) -> bool:
        return self._coders is not None

    def update_reviewer(
        self, clause_ids: Iterable[int], by_coder: Mapping[str, Mapping[int, ClauseCoding]]
    ) -> bool:
        """Reviewer mode: replace the codings of ``clause_ids`` in the coders' columns (a clause
        absent from a coder's mapping is not coded by them) and repaint only their rows.

        Returns False, changing nothing, if a coder has no column yet (then reload them all)."""
        if self._coders is None:
            return True
        if not set(by_coder) <= {cid for cid, _ in self._coders}:
            return False
        clause_ids = set(clause_ids)
        for coder, coding in by_coder.items():
            column = self._by_coder.setdefault(coder, {})
            for cid in clause_ids:
                if cid in coding:
                    column[cid] = coding[cid]
                else:
                    column.pop(cid, None)
        for cid in clause_ids:
            row = self._row_of.get(cid)
            if row is not None:
                index = self.index(row)
                self.dataChanged.emit(index, index)
        return True

    def update_coding(self, clause_id: int, coding: ClauseCoding) -> None:
        """Replace one clause's coding (as in the database) and repaint only its row.

        Writes of the clause still saving stay shown on top of it."""
        if clause_id in self._guesses:
            self._confirmed[clause_id] = coding
            coding = self._guessed(clause_id)
        self._show(clause_id, coding)

    def begin_saving(
        self, clause_id: int, token: int, guess: Callable[[ClauseCoding], ClauseCoding] | None
    ) -> None:
        """A background write of the clause began: show its guess and "saving…" at once."""
        if clause_id not in self._guesses:
            self._confirmed[clause_id] = self.coding(clause_id)
            self._guesses[clause_id] = {}
        self._guesses[clause_id][token] = guess or (lambda c: c)
        self._failed.pop(clause_id, None)
        self._show(clause_id, self._guessed(clause_id))

    def end_saving(self, clause_id: int, token: int, error: str | None) -> None:
        """The write committed, or failed (``error``): without its guess the row shows the
        database state (a committed write's is reloaded by the change announced next)."""
        guesses = self._guesses.get(clause_id, {})
        guesses.pop(token, None)
        if error is not None:
            self._failed[clause_id] = error
        confirmed = self._confirmed.get(clause_id, self.coding(clause_id))
        if not guesses:
            self._guesses.pop(clause_id, None)
            self._confirmed.pop(clause_id, None)
        self._show(clause_id, self._guessed(clause_id) if guesses else confirmed)

    def status(self, clause_id: int) -> str:
        if clause_id in self._guesses:
            return "saving…"
        error = self._failed.get(clause_id)
        return f"not saved: {error}" if error else ""

    def _guessed(self, clause_id: int) -> ClauseCoding:
        coding = self._confirmed.get(clause_id, self.coding(clause_id))
        for guess in self._guesses.get(clause_id, {}).values():
            coding = guess(coding)
        return coding

    def _show(self, clause_id: int, coding: ClauseCoding) -> None:
        row = self._row_of.get(clause_id)
        if row is None:
            return
        old = self._coding.get(clause_id, EMPTY)
        self._coded += int(coding.coded) - int(old.coded)
        self._coding[clause_id] = coding
        if self._coders is not None and self._own:
            self._by_coder.setdefault(self._own, {})[clause_id] = coding
        index = self.index(row)
        self.dataChanged.emit(index, index)

    # -- queries -------------------------------------------------------------------------------

    @property
    def coded_count(self) -> int:
        return self._coded

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self._clauses)

    def row_of(self, clause_id: int) -> int | None:
        return self._row_of.get(clause_id)

    def clause(self, row: int) -> ClauseInfo:
        return self._clauses[row]

    def clause_text(self, row: int) -> str:
        c = self._clauses[row]
        return self._text[c.start : c.end]

    def coding(self, clause_id: int) -> ClauseCoding:
        return self._coding.get(clause_id, EMPTY)

    def next_uncoded(self, row: int, step: int = 1) -> int | None:
        """The next row after ``row`` in direction ``step`` (wrapping) whose clause is uncoded."""
        n = len(self._clauses)
        for i in range(1, n + 1):
            candidate = (row + step * i) % n
            if not self.coding(self._clauses[candidate].id).coded:
                return candidate
        return None

    def matches_filter(self, row: int, how: str) -> bool:
        """Whether ``row`` passes the filter ``how``: a key of :data:`FILTERS` or "cat:<key>"."""
        coding = self.coding(self._clauses[row].id)
        if how == "uncoded":
            return not coding.coded
        if how == "flagged":
            return coding.flagged
        if how == "memo":
            return bool(coding.memo) or any(s.memo for s in coding.spans)
        if how.startswith("cat:"):
            return how[4:] in coding.categories
        return True

    def search_rows(self, pattern: re.Pattern[str]) -> list[int]:
        """Rows whose clause text (or label) matches ``pattern``."""
        text = self._text
        return [
            r
            for r, c in enumerate(self._clauses)
            if pattern.search(text, c.start, c.end) or pattern.search(c.label)
        ]

    def coder_values(self, clause_id: int) -> list[tuple[str, ClauseCoding | None]]:
        """Reviewer mode: each coder's name and coding of the clause (None: not coded)."""
        out = []
        for cid, name in self._coders or []:
            coding = self._by_coder.get(cid, {}).get(clause_id)
            out.append((name, coding if coding is not None and coding.coded else None))
        return out

    def disagree(self, clause_id: int) -> bool:
        sets = {c.categories for _, c in self.coder_values(clause_id) if c is not None}
        return len(sets) > 1

    def categories_of(self, coding: ClauseCoding) -> list[Category]:
        """The categories on a clause (whole or spans), in codebook order."""
        keys = sorted(coding.categories, key=lambda k: (self._order.get(k, 1 << 30), k))
        return [self._categories.get(k) or Category(k, k) for k in keys]

    def spans_of(self, row: int) -> list[tuple[int, int, Category]]:
        """Span tags of ``row`` as clause-relative code-point ranges."""
        clause = self._clauses[row]
        out = []
        for span in self.coding(clause.id).spans:
            cat = self._categories.get(span.category) or Category(span.category, span.category)
            out.append((span.start - clause.start, span.end - clause.start, cat))
        return out

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._clauses):
            return None
        row = index.row()
        clause = self._clauses[row]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{clause.label}  {self.clause_text(row)}"
        if role == Role.KEY:
            return clause.id
        if role == Role.LABEL:
            return clause.label
        if role == Role.TEXT:
            return self.clause_text(row)
        if role == Role.KIND:
            return clause.kind
        if role == Role.STATUS:
            return self.status(clause.id)
        coding = self.coding(clause.id)
        if role == Role.CATEGORIES:
            return self.categories_of(coding)
        if role == Role.REVIEW:
            return coding.review
        if role == Role.CODED:
            return coding.coded
        if role == Role.SPANS:
            return self.spans_of(row)
        if role == Role.CODING:
            return coding
        if role == Role.CODERS:
            if self._coders is None:
                return None
            return [
                (name, None if c is None else self.categories_of(c), c)
                for name, c in self.coder_values(clause.id)
            ]
        if role == Role.DISAGREE:
            return self._coders is not None and self.disagree(clause.id)
        if role == Qt.ItemDataRole.ToolTipRole:
            status = self.status(clause.id)
            note = f"\n{status}" if status else ""
            if coding.review == "none" and not coding.categories:
                return f"{clause.label} ({clause.kind}): no category applies{note}"
            names = ", ".join(c.name for c in self.categories_of(coding))
            return f"{clause.label} ({clause.kind}): {names or 'not coded yet'}{note}"
        return None
