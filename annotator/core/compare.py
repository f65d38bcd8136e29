"""Which plan says what: a categories × plans table of clauses coded, from an exchange document.

:class:`ExchangeView` is the read-only index of a Contract 2 dict that the dataset writers and the
REFI-QDA export share: live (non-deleted) tags, reviews, plans in a stable order. It checks the
references it follows and raises :class:`FormatError` naming the JSON path, so a hand-edited file
gives a message instead of a ``KeyError``.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple, TextIO

from annotator.core.codebook import Category, codebook_from_json
from annotator.core.errors import FormatError, InputError

Rule = Literal["any", "majority", "coder"]
RULES: tuple[str, ...] = ("any", "majority", "coder")
REVIEW_STATUSES = ("done", "none")
META_FIELDS = ("date", "party", "source", "language", "stage", "revises")


class Tag(NamedTuple):
    """One live annotation: a category a coder applied to a clause (or a span inside it)."""

    document: str
    start: int
    end: int
    coder: str
    category: str
    span: tuple[int, int] | None
    memo: str
    created: str
    updated: str
    id: str


@dataclass
class Document:
    """A plan: its key, title, normalised text, clauses ``(start, end, label)`` sorted, metadata."""

    key: str
    title: str
    text: str
    clauses: list[tuple[int, int, str]]
    meta: dict[str, Any] = field(default_factory=dict)


def _meta_text(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True)


class ExchangeView:
    """An index over one exchange dict (format ``plan-annotations``, version 1).

    Attributes: ``categories`` (by position, then key), ``coders`` (``{"id", "name",
    "consensus"}`` by id), ``documents`` (by ``meta.date``, title, key), ``tags`` (live tags, one
    per (coder, clause, category, span), the newest ``updated`` kept, sorted) and ``reviews``
    (``(coder, document, start, end) -> status``).
    """

    def __init__(self, exchange: Mapping[str, Any], *, source: str = "exchange") -> None:
        self.source = source
        if not isinstance(exchange, Mapping):
            raise FormatError("an exchange document must be a JSON object", source=source)
        codebook = exchange.get("codebook")
        items = codebook.get("categories") if isinstance(codebook, Mapping) else codebook
        self.categories: list[Category] = sorted(
            codebook_from_json(items if items is not None else [], source=source),
            key=lambda c: (c.position, c.key),
        )
        self.category_names = {c.key: c.name for c in self.categories}
        self.coders = self._read_coders(exchange.get("coders", []))
        self.coder_names = {c["id"]: c["name"] for c in self.coders}
        self.documents = self._read_documents(exchange.get("documents", []))
        self.by_key = {d.key: d for d in self.documents}
        self.tags = self._read_tags(exchange.get("annotations", []))
        self.review_times: dict[tuple[str, str, int, int], str] = {}
        self.reviews = self._read_reviews(exchange.get("reviews", []))

    # -- reading ---------------------------------------------------------------------------
    def _fail(self, message: str, where: str) -> FormatError:
        return FormatError(message, source=self.source, where=where)

    def _list(self, value: Any, where: str) -> list[Any]:
        if not isinstance(value, list):
            raise self._fail("expected a list", where)
        return value

    def _read_coders(self, items: Any) -> list[dict[str, Any]]:
        coders: dict[str, dict[str, Any]] = {}
        for i, c in enumerate(self._list(items, "$.coders")):
            if not isinstance(c, Mapping) or not isinstance(c.get("id"), str) or not c["id"]:
                raise self._fail("a coder needs an id", f"$.coders[{i}]")
            name = c.get("name") if isinstance(c.get("name"), str) else ""
            coders[c["id"]] = {"id": c["id"], "name": name, "consensus": c.get("consensus") is True}
        return [coders[k] for k in sorted(coders)]

    def _read_documents(self, items: Any) -> list[Document]:
        docs: dict[str, Document] = {}
        for i, d in enumerate(self._list(items, "$.documents")):
            where = f"$.documents[{i}]"
            if not isinstance(d, Mapping):
                raise self._fail("a document must be an object", where)
            key, text = d.get("key"), d.get("text")
            if not isinstance(key, str) or not isinstance(text, str):
                raise self._fail("a document needs a key and a text", where)
            clauses: set[tuple[int, int, str]] = set()
            for j, c in enumerate(self._list(d.get("clauses", []), f"{where}.clauses")):
                try:
                    start, end, label = int(c["start"]), int(c["end"]), str(c.get("label", ""))
                except (KeyError, TypeError, ValueError):
                    raise self._fail(
                        "a clause needs start and end", f"{where}.clauses[{j}]"
                    ) from None
                if not 0 <= start < end <= len(text):
                    raise self._fail(
                        f"clause [{start}, {end}) is outside the text", f"{where}.clauses[{j}]"
                    )
                clauses.add((start, end, label))
            meta, title = d.get("meta"), d.get("title")
            meta = dict(meta) if isinstance(meta, Mapping) else {}
            title = title if isinstance(title, str) else ""
            docs[key] = Document(key, title, text, sorted(clauses), meta)
        return sorted(docs.values(), key=lambda d: (_meta_text(d.meta.get("date")), d.title, d.key))

    def _clause_ref(self, item: Mapping[str, Any], where: str) -> tuple[str, int, int]:
        doc = item.get("document")
        ref = item.get("clause")
        if (
            not isinstance(ref, list | tuple)
            or len(ref) != 2
            or not all(type(x) is int for x in ref)
        ):
            raise self._fail("clause must be [start, end]", f"{where}.clause")
        if not isinstance(doc, str) or doc not in self.by_key:
            raise self._fail(f"unknown document {doc!r}", f"{where}.document")
        return doc, ref[0], ref[1]

    def _check_tag(self, a: Any, where: str) -> FormatError:
        """The error for an annotation that failed the fast test, naming the field at fault."""
        if not isinstance(a, Mapping):
            return self._fail("an annotation must be an object", where)
        doc, start, end = self._clause_ref(a, where)
        if (start, end) not in {(s, e) for s, e, _ in self.by_key[doc].clauses}:
            return self._fail(
                f"no clause [{start}, {end}] in document {doc[:12]}", f"{where}.clause"
            )
        if not isinstance(a.get("coder"), str) or a["coder"] not in self.coder_names:
            return self._fail(f"unknown coder {a.get('coder')!r}", f"{where}.coder")
        if not isinstance(a.get("category"), str) or a["category"] not in self.category_names:
            return self._fail(f"unknown category {a.get('category')!r}", f"{where}.category")
        return self._fail("span must be [start, end] inside the clause", f"{where}.span")

    def _read_tags(self, items: Any) -> list[Tag]:
        clause_sets = {d.key: {(s, e) for s, e, _ in d.clauses} for d in self.documents}
        coders, categories = self.coder_names, self.category_names
        best: dict[tuple[Any, ...], Tag] = {}
        # Hot loop (a million annotations): one cheap combined test per item; only an item that
        # fails it goes through _check_tag, which finds the field at fault.
        for i, a in enumerate(self._list(items, "$.annotations")):
            try:
                get = a.get
                if get("deleted") is True:
                    continue  # tombstones never count
                doc, (start, end), coder, category = (
                    get("document"),
                    get("clause"),
                    get("coder"),
                    get("category"),
                )
                span = get("span")
                ok = (
                    (start, end) in clause_sets[doc]
                    and type(start) is int
                    and type(end) is int
                    and coder in coders
                    and category in categories
                )
                if ok and span is not None:
                    s0, s1 = span
                    ok = type(s0) is int and type(s1) is int and start <= s0 < s1 <= end
                    span = (s0, s1)
            except (AttributeError, TypeError, ValueError, KeyError):
                ok = False
            if not ok:
                raise self._check_tag(a, f"$.annotations[{i}]")
            tag = Tag(
                doc,
                start,
                end,
                coder,
                category,
                span,
                str(get("memo") or ""),
                str(get("created") or ""),
                str(get("updated") or ""),
                str(get("id") or ""),
            )
            ident = (doc, start, end, coder, category, span)
            old = best.get(ident)
            if old is None or (tag.updated, tag.id) > (old.updated, old.id):
                best[ident] = tag
        order = {c.key: i for i, c in enumerate(self.categories)}
        plan = {d.key: i for i, d in enumerate(self.documents)}
        return sorted(
            best.values(),
            key=lambda t: (
                plan[t.document],
                t.start,
                t.end,
                t.coder,
                order[t.category],
                t.span or (-1, -1),
                t.id,
            ),
        )

    def _read_reviews(self, items: Any) -> dict[tuple[str, str, int, int], str]:
        out: dict[tuple[str, str, int, int], tuple[str, str]] = {}
        for i, r in enumerate(self._list(items, "$.reviews")):
            where = f"$.reviews[{i}]"
            if not isinstance(r, Mapping):
                raise self._fail("a review must be an object", where)
            doc, start, end = self._clause_ref(r, where)
            coder = r.get("coder")
            if not isinstance(coder, str) or coder not in self.coder_names:
                raise self._fail(f"unknown coder {coder!r}", f"{where}.coder")
            ident = (str(coder), doc, start, end)
            # A tombstone (an un-marked review) is kept until the end: it may be the newest word.
            status = "" if r.get("deleted") is True else str(r.get("status") or "")
            value = (str(r.get("updated") or ""), status)
            if ident not in out or value > out[ident]:
                out[ident] = value
        live = {k: v for k, v in out.items() if v[1]}
        self.review_times = {k: updated for k, (updated, _) in live.items()}
        return {k: status for k, (_, status) in live.items()}

    # -- questions ---------------------------------------------------------------------------
    @property
    def consensus_ids(self) -> list[str]:
        """Ids of the coders marked ``"consensus": true``."""
        return [c["id"] for c in self.coders if c["consensus"]]

    def select_coders(self, coder: str | None = None, consensus: bool = False) -> list[str]:
        """The coders an export counts: one coder, the consensus coder, or all but consensus."""
        if coder is not None and consensus:
            raise InputError("choose either one coder or the consensus, not both")
        if coder is not None:
            if coder not in self.coder_names:
                raise InputError(f"no coder {coder!r} in the file", source=self.source)
            return [coder]
        if consensus:
            ids = self.consensus_ids
            if not ids:
                raise InputError("no consensus coder in the file", source=self.source)
            return ids[:1]
        return [c["id"] for c in self.coders if not c["consensus"]]

    def clause_codings(
        self, coders: Iterable[str]
    ) -> dict[tuple[str, int, int], tuple[set[str], dict[str, set[str]]]]:
        """Per clause ``(document, start, end)``: the coders who reviewed it, and per category
        the coders who applied it (to the clause or to a span inside it)."""
        wanted = set(coders)
        out: dict[tuple[str, int, int], tuple[set[str], dict[str, set[str]]]] = {}
        for (coder, doc, start, end), status in self.reviews.items():
            if coder in wanted and status in REVIEW_STATUSES:
                out.setdefault((doc, start, end), (set(), defaultdict(set)))[0].add(coder)
        for t in self.tags:
            if t.coder in wanted:
                reviewed, applied = out.setdefault(
                    (t.document, t.start, t.end), (set(), defaultdict(set))
                )
                reviewed.add(t.coder)  # tagging a clause counts as reviewing it
                applied[t.category].add(t.coder)
        return out


@dataclass
class Comparison:
    """Categories × plans: for each plan and category, the clauses coded with it and their share."""

    plans: list[dict[str, Any]]  # key, title, date, clauses, coded_clauses
    categories: list[tuple[str, str]]  # (key, name)
    counts: dict[tuple[str, str], int]  # (category key, plan key) -> clauses
    rule: str
    coders: list[str]

    def share(self, category: str, plan: str) -> float | None:
        """Share of the plan's clauses coded with ``category`` (None for a plan with no clause)."""
        total = next(p["clauses"] for p in self.plans if p["key"] == plan)
        return round(self.counts[(category, plan)] / total, 6) if total else None

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready object with stable field names (see the README)."""
        return {
            "rule": self.rule,
            "coders": list(self.coders),
            "plans": [dict(p) for p in self.plans],
            "categories": [
                {
                    "key": key,
                    "name": name,
                    "counts": {p["key"]: self.counts[(key, p["key"])] for p in self.plans},
                    "shares": {p["key"]: self.share(key, p["key"]) for p in self.plans},
                }
                for key, name in self.categories
            ],
        }

    def column_names(self, *, keys: bool = False) -> list[str]:
        """One name per plan for CSV headers: its title (``keys``: its document key).

        Titles are what a reader looks for; two plans with the same (or no) title are told apart
        by the start of their key.
        """
        if keys:
            return [p["key"] for p in self.plans]
        titles = [p["title"] or p["key"][:12] for p in self.plans]
        return [
            f"{t} [{p['key'][:8]}]" if titles.count(t) > 1 else t
            for t, p in zip(titles, self.plans, strict=True)
        ]

    def write_csv(self, out: TextIO, *, keys: bool = False) -> None:
        """One row per category: key, name, then per plan ``<title> n`` and ``<title> share``.

        With ``keys`` the plan columns are ``<document key>_n`` and ``<document key>_share``.
        """
        w = csv.writer(out, lineterminator="\r\n")
        header = ["category_key", "category_name"]
        for name in self.column_names(keys=keys):
            header += [f"{name}_n", f"{name}_share"] if keys else [f"{name} n", f"{name} share"]
        w.writerow(header)
        for key, name in self.categories:
            row: list[Any] = [key, name]
            for p in self.plans:
                share = self.share(key, p["key"])
                row += [self.counts[(key, p["key"])], "" if share is None else share]
            w.writerow(row)

    def render(self, width: int = 18) -> str:
        """A plain-text table: one row per category, one column per plan, ``n (share %)``."""
        titles = [(p["title"] or p["key"][:12])[:width] for p in self.plans]
        name_w = max([len("category"), *(len(n) for _, n in self.categories)])
        lines = [f"{'category':<{name_w}}  " + "  ".join(f"{t:>{width}}" for t in titles)]
        lines.append(
            f"{'clauses':<{name_w}}  " + "  ".join(f"{p['clauses']:>{width}}" for p in self.plans)
        )
        for key, name in self.categories:
            cells = []
            for p in self.plans:
                share = self.share(key, p["key"])
                pct = "–" if share is None else f"{share * 100:.0f}%"
                cells.append(f"{self.counts[(key, p['key'])]} ({pct})".rjust(width))
            lines.append(f"{name:<{name_w}}  " + "  ".join(cells))
        return "\n".join(lines)


def clause_has(reviewed: set[str], appliers: set[str], rule: str) -> bool:
    """Whether a clause counts for a category: ``any`` coder applied it, or a strict
    ``majority`` of the coders who reviewed it did (``coder`` behaves as ``any`` over one coder)."""
    if rule == "majority":
        return 2 * len(appliers) > len(reviewed)
    return bool(appliers)


def compare_plans(
    exchange: Mapping[str, Any] | ExchangeView,
    coder: str | None = None,
    consensus: bool = False,
    rule: str = "any",
    *,
    source: str = "exchange",
) -> Comparison:
    """The categories × plans table.

    ``rule``: ``any`` (a clause counts when any chosen coder applied the category), ``majority``
    (more than half of the chosen coders who reviewed the clause) or ``coder`` (one coder's
    coding; needs ``coder`` or ``consensus``). Without ``coder``/``consensus`` the chosen coders
    are all but the consensus coder. Plans are ordered by ``meta.date``, then title.
    """
    if rule not in RULES:
        raise InputError(f"unknown rule {rule!r}; choose one of {', '.join(RULES)}")
    if rule == "coder" and coder is None and not consensus:
        raise InputError("rule 'coder' needs a coder id (or the consensus)")
    view = exchange if isinstance(exchange, ExchangeView) else ExchangeView(exchange, source=source)
    coders = view.select_coders(coder, consensus)
    codings = view.clause_codings(coders)
    counts = {(c.key, d.key): 0 for c in view.categories for d in view.documents}
    plans = []
    for d in view.documents:
        coded = 0
        for start, end, _ in d.clauses:
            entry = codings.get((d.key, start, end))
            if entry is None:
                continue
            reviewed, applied = entry
            for cat, who in applied.items():
                if clause_has(reviewed, who, rule):
                    counts[(cat, d.key)] += 1
            coded += bool(reviewed)  # as the GUI counts: "none applies" is coded too
        plans.append(
            {
                "key": d.key,
                "title": d.title,
                "date": _meta_text(d.meta.get("date")) or None,
                "clauses": len(d.clauses),
                "coded_clauses": coded,
            }
        )
    return Comparison(
        plans=plans,
        categories=[(c.key, c.name) for c in view.categories],
        counts=counts,
        rule=rule,
        coders=coders,
    )
