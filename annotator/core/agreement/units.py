"""Contract 3 units: one per clause, one value per coder, from an exchange document.

A coder's value for a clause is the set of categories they applied to the clause or to any span
inside it, provided they reviewed it (a review with status "done" or "none", or any live
annotation on it: tagging counts as reviewing). Otherwise the value is missing. Tombstoned
annotations never count. The input is a plain dict in the Contract 2 format; nothing here touches
storage.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from annotator.core.agreement.coding import MISSING, Codes, IntArray
from annotator.core.errors import FormatError, InputError

REVIEWED_STATUSES = frozenset({"done", "none"})

Unit = tuple[str, int, int]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class UnitTable:
    """Per clause and coder: whether the coder reviewed it and which categories they applied.

    ``reviewed`` has shape (units, coders); ``present`` has shape (units, coders, categories).
    ``labels`` are the coders' display names (made unique).
    """

    units: tuple[Unit, ...]
    coders: tuple[str, ...]
    labels: tuple[str, ...]
    categories: tuple[str, ...]
    reviewed: BoolArray
    present: BoolArray

    def value(self, unit: int, coder: int) -> frozenset[str] | None:
        """The set of category keys a coder gave a unit, or None if missing."""
        if not self.reviewed[unit, coder]:
            return None
        return frozenset(
            k for k, on in zip(self.categories, self.present[unit, coder], strict=True) if on
        )

    def category_codes(self, category: int) -> Codes:
        """Present (1) / absent (0) / missing for one category, as codes over values (0, 1)."""
        codes: IntArray = np.where(self.reviewed, self.present[:, :, category], MISSING).astype(
            np.intp
        )
        return Codes(codes, (0, 1))

    def set_codes(self) -> Codes:
        """Each distinct set of categories as one value; the values are frozensets."""
        n_units, n_coders, n_cats = self.present.shape
        if n_cats == 0:  # no categories: every reviewed clause holds the empty set
            empty: IntArray = np.where(self.reviewed, 0, MISSING).astype(np.intp)
            return Codes(empty, (frozenset(),) if self.reviewed.any() else ())
        flat = self.present.reshape(n_units * n_coders, n_cats)
        if n_cats <= 62:  # one integer per set: a far cheaper unique than on rows
            bits = flat.astype(np.int64) @ (np.int64(1) << np.arange(n_cats, dtype=np.int64))
            keys, inverse = np.unique(bits, return_inverse=True)
            uniques = (keys[:, None] >> np.arange(n_cats, dtype=np.int64)) & 1 == 1
        else:
            uniques, inverse = np.unique(flat, axis=0, return_inverse=True)
        codes = np.asarray(inverse, dtype=np.intp).reshape(n_units, n_coders)
        codes = np.where(self.reviewed, codes, MISSING)
        # Renumber the sets actually given by a reviewing coder in a canonical order (size, then
        # sorted keys), so results do not depend on the codebook's category order.
        used = np.unique(codes[codes != MISSING])
        sets = {
            int(u): frozenset(k for k, on in zip(self.categories, uniques[u], strict=True) if on)
            for u in used
        }
        order = sorted(sets, key=lambda u: (len(sets[u]), sorted(sets[u])))
        lookup = np.full(len(uniques), MISSING, dtype=np.intp)
        lookup[order] = np.arange(len(order))
        codes = np.where(codes == MISSING, MISSING, lookup[np.maximum(codes, 0)])
        values = tuple(sets[u] for u in order)
        return Codes(codes.astype(np.intp), values)


def _require(
    obj: Any, key: str, kind: type | tuple[type, ...], where: str, source: str | None
) -> Any:
    if not isinstance(obj, dict) or key not in obj:
        raise FormatError(f"missing field {key!r}", source=source, where=where)
    value = obj[key]
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise FormatError(
            f"field {key!r} has the wrong type", source=source, where=f"{where}.{key}"
        )
    return value


def _clause(obj: Any, where: str, source: str | None) -> tuple[int, int]:
    clause = _require(obj, "clause", list, where, source)
    if len(clause) != 2 or not all(isinstance(x, int) and not isinstance(x, bool) for x in clause):
        raise FormatError("clause must be [start, end]", source=source, where=f"{where}.clause")
    return int(clause[0]), int(clause[1])


def _list(exchange: dict[str, Any], key: str, source: str | None) -> list[Any]:
    value = exchange.get(key, [])
    if not isinstance(value, list):
        raise FormatError(f"{key!r} must be a list", source=source, where=key)
    return value


def _select(
    selectors: Sequence[str] | None, options: dict[str, set[str]], what: str
) -> set[str] | None:
    """Map user selectors (id, name, key prefix ...) to ids; an unknown selector is an error."""
    if selectors is None:
        return None
    chosen: set[str] = set()
    for sel in selectors:
        hits = {ident for ident, names in options.items() if sel in names}
        if not hits and len(sel) >= 6:
            hits = {ident for ident in options if ident.startswith(sel)}
        if not hits:
            raise InputError(f"no {what} {sel!r} in the data")
        if len(hits) > 1:
            raise InputError(f"{what} {sel!r} is ambiguous ({len(hits)} match)")
        chosen |= hits
    return chosen


def _labels(ids: list[str], names: dict[str, str]) -> tuple[str, ...]:
    plain = [names.get(i) or i for i in ids]
    return tuple(
        label if plain.count(label) == 1 else f"{label} ({ident[:8]})"
        for ident, label in zip(ids, plain, strict=True)
    )


Record = tuple[
    str, str, int, int, Any, bool
]  # coder, document, start, end, category/status, deleted


def _records(items: list[Any], kind: str, field: str, source: str | None) -> list[Record]:
    """Read annotations or reviews in one pass; a bad item is explained with its path."""
    out: list[Record] = []
    for i, item in enumerate(items):
        try:
            start, end = item["clause"]
            record = (
                item["coder"],
                item["document"],
                start,
                end,
                item.get(field),
                item.get("deleted") is True,
            )
            ok = (
                type(record[0]) is str
                and type(record[1]) is str
                and type(start) is int
                and type(end) is int
            )
        except (KeyError, TypeError, ValueError, AttributeError):
            ok = False
        if ok and field == "category" and type(record[4]) is not str:
            raise FormatError(
                "category must be a key", source=source, where=f"{kind}[{i}].category"
            )
        if not ok:
            where = f"{kind}[{i}]"
            _require(item, "coder", str, where, source)
            _require(item, "document", str, where, source)
            _clause(item, where, source)
            raise FormatError("malformed item", source=source, where=where)  # not reached
        out.append(record)
    return out


def unit_values(
    exchange: dict[str, Any],
    *,
    categories: Sequence[str] | None = None,
    coders: Sequence[str] | None = None,
    documents: Sequence[str] | None = None,
    include_consensus: bool = False,
    source: str | None = None,
) -> UnitTable:
    """Build the Contract 3 units of an exchange document.

    Units are every clause of the selected documents plus any clause that an annotation or review
    refers to, sorted by (document key, start, end). ``coders`` selects by id or name,
    ``documents`` by key, title or a key prefix of six or more characters, ``categories`` by key;
    an unknown selector raises :class:`InputError`. A coder marked ``"consensus": true`` is left
    out unless ``include_consensus`` is set or ``coders`` names it.
    """
    if not isinstance(exchange, dict):
        raise FormatError("an exchange file must hold a JSON object", source=source)
    annotations = _records(
        _list(exchange, "annotations", source), "annotations", "category", source
    )
    reviews = _records(_list(exchange, "reviews", source), "reviews", "status", source)

    coder_names: dict[str, str] = {}
    consensus: set[str] = set()
    for i, coder in enumerate(_list(exchange, "coders", source)):
        ident = _require(coder, "id", str, f"coders[{i}]", source)
        coder_names[ident] = str(coder.get("name") or "")
        if coder.get("consensus") is True:
            consensus.add(ident)
    for record in (*annotations, *reviews):
        coder_names.setdefault(record[0], "")
    wanted_coders = _select(coders, {i: {i, n} for i, n in coder_names.items()}, "coder")
    if wanted_coders is None:
        wanted_coders = set(coder_names) if include_consensus else set(coder_names) - consensus
    coder_ids = sorted(wanted_coders, key=lambda i: (coder_names[i].casefold(), i))

    doc_clauses: dict[str, list[tuple[int, int]]] = {}
    doc_titles: dict[str, str] = {}
    for i, doc in enumerate(_list(exchange, "documents", source)):
        key = _require(doc, "key", str, f"documents[{i}]", source)
        doc_titles[key] = str(doc.get("title") or "")
        clauses = doc.get("clauses", [])
        if not isinstance(clauses, list):
            raise FormatError("'clauses' must be a list", source=source, where=f"documents[{i}]")
        spans = doc_clauses.setdefault(key, [])
        for j, clause in enumerate(clauses):
            w = f"documents[{i}].clauses[{j}]"
            spans.append(
                (_require(clause, "start", int, w, source), _require(clause, "end", int, w, source))
            )
    for record in (*annotations, *reviews):
        doc_titles.setdefault(record[1], "")
    wanted_docs = _select(documents, {k: {k, t} for k, t in doc_titles.items()}, "document")

    codebook = exchange.get("codebook") or {}
    known = (
        [c.get("key") for c in codebook.get("categories", []) if isinstance(c, dict)]
        if isinstance(codebook, dict)
        else []
    )
    all_categories = [k for k in known if isinstance(k, str)]
    used = {r[4] for r in annotations if not r[5]} - set(all_categories)
    all_categories += sorted(used)
    if categories is not None:
        unknown = [k for k in categories if k not in all_categories]
        if unknown:
            raise InputError(f"no category {unknown[0]!r} in the codebook or the annotations")
        all_categories = [k for k in all_categories if k in set(categories)]
    category_index = {k: n for n, k in enumerate(all_categories)}
    coder_index = {c: n for n, c in enumerate(coder_ids)}

    unit_set: set[Unit] = {
        (k, s, e)
        for k, spans in doc_clauses.items()
        if wanted_docs is None or k in wanted_docs
        for s, e in spans
    }
    marks: list[tuple[Unit, int, int]] = []  # (unit, coder, category or -1 for a review only)
    for coder, doc, start, end, value, deleted in annotations:
        if (
            deleted
            or coder not in coder_index
            or (wanted_docs is not None and doc not in wanted_docs)
        ):
            continue
        # A category outside the selection still shows that the coder reviewed the clause.
        marks.append(((doc, start, end), coder_index[coder], category_index.get(value, -1)))
    for coder, doc, start, end, value, deleted in reviews:
        if (
            deleted
            or coder not in coder_index
            or (wanted_docs is not None and doc not in wanted_docs)
        ):
            continue
        unit_set.add((doc, start, end))
        if value in REVIEWED_STATUSES:
            marks.append(((doc, start, end), coder_index[coder], -1))
    unit_set.update(mark[0] for mark in marks)

    units = tuple(sorted(unit_set))
    unit_index = {u: n for n, u in enumerate(units)}
    reviewed = np.zeros((len(units), len(coder_ids)), dtype=bool)
    present = np.zeros((len(units), len(coder_ids), len(all_categories)), dtype=bool)
    if marks:
        rows = np.fromiter((unit_index[m[0]] for m in marks), dtype=np.intp, count=len(marks))
        cols = np.fromiter((m[1] for m in marks), dtype=np.intp, count=len(marks))
        cats = np.fromiter((m[2] for m in marks), dtype=np.intp, count=len(marks))
        reviewed[rows, cols] = True
        tagged = cats >= 0
        present[rows[tagged], cols[tagged], cats[tagged]] = True
    return UnitTable(
        units=units,
        coders=tuple(coder_ids),
        labels=_labels(coder_ids, coder_names),
        categories=tuple(all_categories),
        reviewed=reviewed,
        present=present,
    )
