"""Exports written as they are read: the exchange file and the long CSV straight from the tables.

A project with a million annotations used to become one Contract 2 dict (3 GB), then one string,
then bytes, before a byte reached the disk. Here rows go from the database cursor to the file in
small batches, so memory stays flat whatever the size, and the bytes are exactly those of
:func:`~annotator.core.exchange.dump_exchange` and :func:`~annotator.core.datasets.write_long_csv`
on the whole document (the tests compare them).

- Exchange: the small lists (codebook, coders, documents, notes, links) are read and sorted as
  before; annotations and reviews come from the database in canonical order. Their order is
  checked as they pass; should a database ever sort differently, the export starts again the
  slow way rather than write a non-canonical file.
- Long CSV: one query per plan, in the plans' order, rows by clause; within a clause the tags are
  deduplicated and ordered exactly as :class:`~annotator.core.compare.ExchangeView` does.
- Preview (:func:`export_preview`): the export dialog's first rows and counts, from the same
  writers into a sink that keeps only the head of the text: memory stays flat, and what the
  dialog shows is the head of the file written.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Any, TextIO, cast

from annotator.core.compare import ExchangeView
from annotator.core.wording import plural
from annotator.services.exchange import atomic_file, export_document
from annotator.services.project import Project
from annotator.storage.connection import Connection
from annotator.storage.export_rows import live_tag_batches


class _OrderBroken(Exception):
    """The database returned rows out of canonical order."""


def write_exchange_export(project: Project, path: Path, coder_id: str | None = None) -> str:
    """Write the project's exchange file (or one coder's) to ``path``; returns a summary."""
    counts = stream_exchange_file(project, path, coder_id)
    return f"{plural(counts['annotations'], 'annotation')} by {plural(counts['coders'], 'coder')}"


def stream_exchange_file(
    project: Project, path: Path, coder_id: str | None = None
) -> dict[str, int]:
    """Write the project's exchange file (or one coder's) to ``path`` as it is read, atomically.

    Returns how many coders, documents, annotations and reviews it holds, for the caller to
    report. Every exchange file the program writes goes through here.
    """
    from annotator.core.exchange import canonical_form, write_exchange

    counts = {"annotations": 0, "reviews": 0}
    with project.engine.connect() as conn, atomic_file(path) as out:
        doc = export_document(conn, coder_id, stream=True)
        counts["coders"] = len(doc["coders"])
        counts["documents"] = len(doc["documents"])
        try:
            head = canonical_form({**doc, "annotations": [], "reviews": []})
            head["annotations"] = _ordered(
                doc["annotations"], lambda a: a["id"], counts, "annotations"
            )
            head["reviews"] = _ordered(
                doc["reviews"],
                lambda r: (r["coder"], r["document"], r["clause"]),
                counts,
                "reviews",
            )
            write_exchange(head, out, presorted=True)
        except _OrderBroken:  # pragma: no cover - no supported database sorts differently
            out.seek(0)
            out.truncate()
            whole = export_document(conn, coder_id)
            counts["annotations"] = len(whole["annotations"])
            counts["reviews"] = len(whole["reviews"])
            write_exchange(whole, out)
    return counts


def _ordered(
    items: Iterable[dict[str, Any]],
    key: Callable[[dict[str, Any]], Any],
    counts: dict[str, int],
    name: str,
) -> Iterator[dict[str, Any]]:
    """``items`` unchanged, counted, checked to be in strictly increasing ``key`` order."""
    previous: Any = None
    n = 0
    for item in items:
        current = key(item)
        if previous is not None and not previous < current:
            raise _OrderBroken(name)
        previous = current
        n += 1
        yield item
    counts[name] = n


def write_long_export(
    project: Project,
    path: Path,
    *,
    coder: str | None = None,
    consensus: bool = False,
    bom: bool = False,
) -> str:
    """Write the long CSV of the project to ``path``; returns a summary."""
    from annotator.core.datasets import write_long_csv

    with project.engine.connect() as conn, atomic_file(path) as out:
        head = export_document(conn, None, stream=True)
        # Only the small lists are read: the tags stream below, plan by plan.
        view = ExchangeView({**head, "annotations": [], "reviews": []})
        text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=False)
        rows = write_long_csv(
            view, text, coder=coder, consensus=consensus, bom=bom, tags=live_tags(conn, view)
        )
        text.flush()
        text.detach()
    return plural(rows, "row")


def live_tags(conn: Connection, view: ExchangeView) -> Iterator[TagRow]:
    """The project's live tags as :class:`Tag` field tuples, in the order of ``ExchangeView.tags``.

    One per (clause, coder, category, span), the newest (``updated``, then ``id``) kept. Read plan
    by plan, clause by clause; each clause's few tags are settled and ordered here, in Python, so
    the order is exactly the view's whatever the database's collation.
    """
    order = {c.key: i for i, c in enumerate(view.categories)}

    def rank(row: tuple[Any, ...]) -> tuple[Any, ...]:
        # The view's order within a clause: coder, category, span (the whole clause first).
        return (row[2], order[row[3]], (-1, -1) if row[4] is None else (row[4], row[5]))

    for document in view.documents:
        key = document.key
        group: list[tuple[Any, ...]] = []
        ordered = True  # the clause's rows so far are in rank order: one coder's one tag each
        # Rows come by clause, then coder: a clause's rows then usually need no sort here. The
        # order is checked as rows pass, so a collation that differs costs a sort.
        for row in chain.from_iterable(live_tag_batches(conn, key)):
            if group:
                last = group[-1]
                if row[0] != last[0] or row[1] != last[1]:
                    yield from _settled(key, group, None if ordered else rank)
                    group = []
                    ordered = True
                elif row[2] <= last[2]:
                    ordered = False  # a coder's second tag, or rows out of order: sort
            group.append(row)
        if group:
            yield from _settled(key, group, None if ordered else rank)


TagRow = tuple[str, int, int, str, str, "tuple[int, int] | None", str, str, str, str]


def _settled(
    key: str, group: list[tuple[Any, ...]], rank: Callable[[tuple[Any, ...]], Any] | None
) -> Iterator[TagRow]:
    """One clause's rows: the newest (``updated``, then ``id``) of each (coder, category, span),
    in the view's order. ``rank`` None: the rows are in order already, one per coder."""
    if rank is not None:
        group.sort(key=rank)
        kept: list[tuple[Any, ...]] = []
        for row in group:
            if kept and row[2:6] == kept[-1][2:6]:  # the same tag again: keep the newest
                if (row[8] or "", row[9] or "") > (kept[-1][8] or "", kept[-1][9] or ""):
                    kept[-1] = row
            else:
                kept.append(row)
        group = kept
    for start, end, coder, category, s0, s1, memo, created, updated, ident in group:
        span = None if s0 is None else (s0, s1)
        yield (key, start, end, coder, category, span, memo or "", created or "", updated or "",
               ident or "")  # fmt: skip


def write_export_file(
    project: Project,
    fmt: str,
    path: Path,
    *,
    coder: str | None = None,
    consensus: bool = False,
    bom: bool = False,
) -> str | None:
    """Stream ``fmt`` to ``path`` if it streams (exchange, long); None if it does not."""
    if fmt == "exchange":
        return write_exchange_export(project, path, coder)
    if fmt == "long":
        return write_long_export(project, path, coder=coder, consensus=consensus, bom=bom)
    return None


PREVIEW_ROWS = 20
#: Text kept for the preview's rows, however long their memos; the rest is only counted.
HEAD_CHARS = 1 << 20
TICK = 4096  # rows between progress reports (a Cancel is noticed at the next one)


@dataclass(frozen=True)
class ExportPreview:
    """The first rows of the table an export holds, as its CSV text has them, and its counts.

    For the CSVs that table is the file itself; for the exchange file, .qdpx and the workbook it
    is the long table of the tags they hold (the workbook's first sheet). ``annotations`` (with
    deletions), ``plans`` and ``coders`` are the exchange file's counts, else None.
    """

    fmt: str
    header: list[str]
    rows: list[list[str]]
    total: int
    plans: int | None = None
    coders: int | None = None
    annotations: int | None = None


class _Head:
    """A text sink for a CSV writer that keeps the first ``rows`` records and counts the rest."""

    def __init__(self, rows: int, progress: Callable[[int, int], None] | None) -> None:
        self.keep = rows + 1  # and the header
        self.parts: list[str] = []
        self.size = 0
        self.writes = 0
        self.progress = progress

    def write(self, text: str) -> int:
        self.writes += 1  # csv.writer writes each record in one call
        if self.writes <= self.keep and self.size < HEAD_CHARS:
            self.parts.append(text)
            self.size += len(text)
        if self.progress is not None and self.writes % TICK == 0:
            self.progress(self.writes, 0)  # raises the runner's Cancelled once cancelled
        return len(text)

    def records(self) -> list[list[str]]:
        records = list(csv.reader(io.StringIO("".join(self.parts), newline="")))
        if self.size >= HEAD_CHARS and len(records) < self.keep:
            records = records[:-1]  # the last one may be cut short: not shown
        return records[: self.keep]


def export_preview(
    project: Project,
    fmt: str,
    *,
    coder: str | None = None,
    consensus: bool = False,
    rows: int = PREVIEW_ROWS,
    progress: Callable[[int, int], None] | None = None,
) -> ExportPreview:
    """The first ``rows`` rows and the counts of what :func:`~annotator.services.exports.
    write_export` would write with the same arguments. Off the UI thread: its own connection.

    The exchange file and the long table stream from the tables (flat memory, whatever the
    project's size); the wide and plans tables need the whole document, as their writers do.
    """
    from annotator.core.datasets import write_long_csv, write_plans_csv, write_wide_csv
    from annotator.services.exchange import export_exchange_dict
    from annotator.services.exports import NARROWED

    head = _Head(rows, progress)
    sink = cast(TextIO, head)  # a write() is all a CSV writer needs
    if fmt in ("wide", "plans"):
        writer = write_wide_csv if fmt == "wide" else write_plans_csv
        total = writer(export_exchange_dict(project), sink, coder=coder, consensus=consensus)
        return _preview(fmt, head, total)
    narrowed = fmt in NARROWED  # the file holds one coder's rows (or everyone's): no selection
    with project.engine.connect() as conn:
        doc = export_document(conn, coder if narrowed else None, stream=True)
        view = ExchangeView({**doc, "annotations": [], "reviews": []})
        total = write_long_csv(
            view,
            sink,
            coder=coder,
            consensus=consensus and not narrowed,
            tags=live_tags(conn, view),
        )
        if fmt != "exchange":
            return _preview(fmt, head, total)
        annotations = 0
        for annotations, _ in enumerate(doc["annotations"], 1):  # counted as they stream
            if progress is not None and annotations % TICK == 0:
                progress(annotations, 0)
    return _preview(
        fmt, head, total, plans=len(doc["documents"]), coders=len(doc["coders"]),
        annotations=annotations,
    )  # fmt: skip


def _preview(fmt: str, head: _Head, total: int, **counts: int) -> ExportPreview:
    records = head.records()
    header, first = (records[0], records[1:]) if records else ([], [])
    return ExportPreview(fmt, header, first, total, **counts)
