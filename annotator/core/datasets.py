"""Coded datasets from an exchange document: long, wide and plan-level CSV, and one xlsx workbook.

Every writer streams to a file object it is given and returns the number of data rows. Rows come
in a fixed order (plans by date, title and key; clauses by position; then coder, category and
span), so the same input gives the same bytes. CSV follows RFC 4180 (CRLF, minimal quoting) in
UTF-8; open text files with ``newline=""``. ``bom=True`` adds the byte-order mark Excel wants.

Options shared by all writers: ``coder`` (one coder's work only), ``consensus`` (the coder marked
``"consensus": true`` only). Without either, the long table holds every coder's rows and the
counting tables (wide, plans) count every coder except the consensus one.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from operator import itemgetter
from typing import IO, Any, BinaryIO, TextIO

from annotator import __version__
from annotator.core.compare import (
    META_FIELDS,
    ExchangeView,
    _meta_text,
    compare_plans,
)
from annotator.core.errors import InputError
from annotator.core.safezip import restamp

LONG_COLUMNS = (
    "document_key",
    "document_title",
    "clause_label",
    "clause_start",
    "clause_end",
    "clause_text",
    "coder_id",
    "coder_name",
    "category_key",
    "category_name",
    "span_start",
    "span_end",
    "memo",
    "updated",
)
WIDE_FIXED = (
    "document_key",
    "document_title",
    "clause_label",
    "clause_start",
    "clause_end",
    "clause_text",
    "coders_reviewed",
)
XLSX_MAX_ROWS = 1_048_576  # Excel's sheet limit, header included

Table = tuple[list[str], Iterator[tuple[Any, ...]]]
Source = Mapping[str, Any] | ExchangeView


def _view(exchange: Source) -> ExchangeView:
    return exchange if isinstance(exchange, ExchangeView) else ExchangeView(exchange)


def long_table(
    exchange: Source,
    coder: str | None = None,
    consensus: bool = False,
    tags: Iterable[tuple[Any, ...]] | None = None,
) -> Table:
    """Header and rows of the long table: one row per live (coder, clause, category, span).

    ``tags`` replaces the view's own: tuples of :class:`Tag`'s fields in the view's order, for
    rows streamed from a database.
    """
    view = _view(exchange)
    if coder is not None or consensus:
        wanted: set[str] | None = set(view.select_coders(coder, consensus))
    else:
        wanted = None
    names = view.coder_names
    cats = view.category_names

    def rows() -> Iterator[tuple[Any, ...]]:
        prefix_cache: dict[tuple[str, int, int], tuple[Any, ...]] = {}
        labels = {(d.key, s, e): lab for d in view.documents for s, e, lab in d.clauses}
        for document, start, end, coder, category, span, memo, _, updated, _ in (
            view.tags if tags is None else tags
        ):
            if wanted is not None and coder not in wanted:
                continue
            clause = (document, start, end)
            prefix = prefix_cache.get(clause)
            if prefix is None:
                doc = view.by_key[document]
                prefix = (doc.key, doc.title, labels[clause], start, end, doc.text[start:end])
                prefix_cache.clear()  # tags come clause by clause: keep one prefix alive
                prefix_cache[clause] = prefix
            s0, s1 = span or ("", "")
            yield (*prefix, coder, names[coder], category, cats[category], s0, s1, memo, updated)

    return list(LONG_COLUMNS), rows()


def wide_table(exchange: Source, coder: str | None = None, consensus: bool = False) -> Table:
    """Header and rows of the wide table: one row per clause, one count column per category."""
    view = _view(exchange)
    coders = view.select_coders(coder, consensus)
    codings = view.clause_codings(coders)
    keys = [c.key for c in view.categories]

    def rows() -> Iterator[tuple[Any, ...]]:
        empty: tuple[set[str], dict[str, set[str]]] = (set(), {})
        for d in view.documents:
            for start, end, label in d.clauses:
                reviewed, applied = codings.get((d.key, start, end), empty)
                counts = tuple(len(applied.get(k, ())) for k in keys)
                yield (d.key, d.title, label, start, end, d.text[start:end], len(reviewed), *counts)

    return [*WIDE_FIXED, *keys], rows()


def plans_table(
    exchange: Source, coder: str | None = None, consensus: bool = False, rule: str = "any"
) -> Table:
    """Header and rows of the plan table: clause counts and shares per category, per plan."""
    view = _view(exchange)
    comp = compare_plans(view, coder, consensus, rule)
    keys = [k for k, _ in comp.categories]
    with_meta = any(d.meta for d in view.documents)
    header = ["document_key", "title", "clauses", "coded_clauses"]
    for k in keys:
        header += [f"{k}_n", f"{k}_share"]
    if with_meta:
        header += list(META_FIELDS)

    def rows() -> Iterator[tuple[Any, ...]]:
        for plan, doc in zip(comp.plans, view.documents, strict=True):
            row: list[Any] = [plan["key"], plan["title"], plan["clauses"], plan["coded_clauses"]]
            for k in keys:
                share = comp.share(k, plan["key"])
                row += [comp.counts[(k, plan["key"])], "" if share is None else share]
            if with_meta:
                row += [_meta_text(doc.meta.get(f)) for f in META_FIELDS]
            yield tuple(row)

    return header, rows()


def codebook_table(exchange: Source) -> Table:
    """Header and rows describing the codebook (key, name, description, colour, parent)."""
    view = _view(exchange)
    rows = (
        (c.key, c.name, c.description, c.color, c.parent or "", c.position) for c in view.categories
    )
    return ["key", "name", "description", "color", "parent", "position"], rows


def _write_csv(table: Table, out: TextIO, bom: bool) -> int:
    header, rows = table
    if bom:
        out.write("\ufeff")
    w = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(header)
    # Rows are counted by a C-level zip with a counter: the loop never enters Python per row.
    counter = itertools.count()
    w.writerows(map(itemgetter(0), zip(rows, counter, strict=False)))  # the counter never ends
    return next(counter)


def write_long_csv(
    exchange: Source,
    out: TextIO,
    *,
    coder: str | None = None,
    consensus: bool = False,
    bom: bool = False,
    tags: Iterable[tuple[Any, ...]] | None = None,
) -> int:
    """Write the long table (columns :data:`LONG_COLUMNS`); returns the number of rows."""
    return _write_csv(long_table(exchange, coder, consensus, tags), out, bom)


def write_wide_csv(
    exchange: Source,
    out: TextIO,
    *,
    coder: str | None = None,
    consensus: bool = False,
    bom: bool = False,
) -> int:
    """Write the wide table (one row per clause); returns the number of rows."""
    return _write_csv(wide_table(exchange, coder, consensus), out, bom)


def write_plans_csv(
    exchange: Source,
    out: TextIO,
    *,
    coder: str | None = None,
    consensus: bool = False,
    rule: str = "any",
    bom: bool = False,
) -> int:
    """Write the plan table (one row per document); returns the number of rows."""
    return _write_csv(plans_table(exchange, coder, consensus, rule), out, bom)


def _iso(moment: datetime) -> str:
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.replace(microsecond=0).isoformat() + "Z"


def write_xlsx(
    exchange: Source,
    out: BinaryIO,
    *,
    coder: str | None = None,
    consensus: bool = False,
    fixed_time: datetime | None = None,
) -> dict[str, int]:
    """Write the sheets long, wide, plans, codebook and provenance; returns rows per sheet.

    With ``fixed_time`` the file is byte-identical for the same input: the workbook properties
    and every zip entry carry that time.
    """
    from openpyxl import Workbook  # imported here: only this export needs it

    view = _view(exchange)
    wanted = set(view.select_coders(coder, consensus))  # bad options fail before any writing
    long_rows = sum(1 for t in view.tags if (coder is None and not consensus) or t.coder in wanted)
    wide_rows = sum(len(d.clauses) for d in view.documents)
    if max(long_rows, wide_rows) >= XLSX_MAX_ROWS:
        raise InputError(
            f"{max(long_rows, wide_rows)} rows: more rows than Excel allows; export CSV"
        )
    moment = fixed_time or datetime.now(UTC)
    wb = Workbook(write_only=True)
    naive = moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment
    wb.properties.created = naive
    wb.properties.creator = f"Plan Annotator {__version__}"
    counts: dict[str, int] = {}
    tables = {
        "long": long_table(view, coder, consensus),
        "wide": wide_table(view, coder, consensus),
        "plans": plans_table(view, coder, consensus),
        "codebook": codebook_table(view),
        "provenance": _provenance(view, coder, consensus, _iso(moment)),
    }
    for name, (header, rows) in tables.items():
        ws = wb.create_sheet(name)
        ws.append(header)
        n = 0
        for row in rows:
            ws.append(row)
            n += 1
        counts[name] = n
    with tempfile.SpooledTemporaryFile(max_size=64 << 20) as tmp:
        wb.save(tmp)
        tmp.seek(0)
        if fixed_time is None:
            shutil.copyfileobj(tmp, out)
        else:
            _rezip_fixed(tmp, out, naive)
    return counts


def _provenance(view: ExchangeView, coder: str | None, consensus: bool, when: str) -> Table:
    rows: list[tuple[Any, ...]] = [
        ("tool", "Plan Annotator", ""),
        ("version", __version__, ""),
        ("exported", when, ""),
        ("coder option", coder or "", ""),
        ("consensus option", "yes" if consensus else "no", ""),
    ]
    rows += [("coder", c["id"], c["name"]) for c in view.coders]
    rows += [("document", d.key, d.title) for d in view.documents]
    rows += [("category", c.key, c.name) for c in view.categories]
    return ["field", "value", "detail"], iter(rows)


_MODIFIED_RE = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def _rezip_fixed(src: IO[bytes], out: BinaryIO, moment: datetime) -> None:
    """Copy an xlsx zip with every entry dated ``moment`` and the core ``modified`` time fixed
    (openpyxl stamps both with the current time)."""
    stamp = moment.strftime("%Y-%m-%dT%H:%M:%SZ").encode()

    def fix_modified(name: str, data: bytes) -> bytes:
        if name != "docProps/core.xml":
            return data
        return _MODIFIED_RE.sub(rb"\g<1>" + stamp + rb"\g<2>", data)

    buffer = io.BytesIO() if not out.seekable() else None
    restamp(src, buffer if buffer is not None else out, moment, mode=0o600, edit=fix_modified)
    if buffer is not None:
        out.write(buffer.getvalue())
