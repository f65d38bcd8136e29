"""Merging exchange files (Contract 2): a pure function of the *set* of input files.

Every kind of object has an identity and a rule that picks one version per identity. Each rule is a
"maximum" under a fixed total order, so the merge is idempotent, commutative and associative, and
its output (written with :func:`~annotator.core.exchange.dump_exchange`) is byte-for-byte the same
whatever the order or repetition of the inputs.

- Annotations by ``id``, reviews by ``(coder, document, clause)`` and links by ``id`` are
  *versioned*: the newest ``updated`` instant wins as a whole object (a tombstone is just a newer
  or older version). Equal instants with different content: the larger canonical JSON wins, and
  a conflict is reported.
- Documents by ``key`` (their clauses united by ``(start, end)``), coders by ``id``, categories by
  ``key``, and any other field (of the file or of the codebook) are merged field by field: a field
  present in one input only is kept; differing values are settled by the larger canonical JSON and
  reported. Unknown fields are kept everywhere.
- Clauses of different inputs that overlap without being equal are reported as units that cannot
  be compared (both are kept).

The inputs are expected to be valid (see :func:`~annotator.core.exchange.validate_exchange`);
the merged document then validates too. It shares objects with the inputs: do not mutate them.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from annotator.core.exchange import (
    CLAUSE_KEYED_COLLECTIONS,
    FORMAT,
    KEYED_COLLECTIONS,
    VERSION,
    Doc,
    canonical_form,
    canonical_json,
    gc_paused,
    timestamp_key,
)

Progress = Callable[[int, int], None]
Obj = dict[str, Any]
Variants = list[tuple[Obj, list[str]]]

ANNOTATION_FIELDS = frozenset(
    {
        "id",
        "coder",
        "document",
        "clause",
        "category",
        "span",
        "memo",
        "created",
        "updated",
        "deleted",
    }
)
REVIEW_FIELDS = frozenset({"coder", "document", "clause", "status", "updated", "deleted"})
NOTE_FIELDS = frozenset({"coder", "document", "clause", "memo", "flagged", "updated"})
CLAUSE_FIELDS = frozenset({"start", "end", "label"})
# Fields of a file (and of its codebook) that have their own merge rule.
STRUCTURAL_FIELDS = (
    frozenset({"format", "version", "codebook", "coders", "documents", "annotations", "reviews"})
    | frozenset(KEYED_COLLECTIONS)
    | frozenset(CLAUSE_KEYED_COLLECTIONS)
)

# Conflict kinds, in the order reports list them.
CONFLICT_KINDS = (
    "field",
    "category",
    "coder",
    "document",
    "clause",
    "clause_overlap",
    "annotation",
    "review",
    "clause_note",
    "link",
)


@dataclass(frozen=True)
class Conflict:
    """A difference between inputs that the merge settled by a rule; reported, never silent.

    ``kind`` is one of :data:`CONFLICT_KINDS`; ``identifier`` names the object (an annotation id,
    a category key, ``"<document key>[start,end]"`` for a clause, a JSON path for a field);
    ``sources`` are the input files involved; ``resolution`` says what was kept and why;
    ``detail`` says what differed.
    """

    kind: str
    identifier: str
    sources: tuple[str, ...]
    resolution: str
    detail: str = ""

    def to_json(self) -> dict[str, Any]:
        """The conflict as an object for ``--json`` reports."""
        return {
            "kind": self.kind,
            "id": self.identifier,
            "sources": list(self.sources),
            "resolution": self.resolution,
            "detail": self.detail,
        }

    def __str__(self) -> str:
        detail = f"; {self.detail}" if self.detail else ""
        return (
            f"{self.kind} {self.identifier} ({', '.join(self.sources)}): {self.resolution}{detail}"
        )


@dataclass
class MergeResult:
    """The merged file, the conflicts met on the way, and what it holds.

    ``counts`` has ``inputs``, ``categories``, ``coders``, ``documents``, ``clauses``,
    ``annotations`` (tombstones included), ``deleted`` (tombstones), ``reviews``, ``links``,
    ``superseded`` (input versions replaced by a newer one) and ``conflicts``.
    """

    document: Doc
    conflicts: list[Conflict] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


# ---------------------------------------------------------------------------------------------
# Versioned objects: whole-object last writer wins


def _same(a: Obj, b: Obj, known: frozenset[str]) -> bool:
    # `==` alone would call 1, 1.0 and true equal; that can only happen in fields the schema
    # does not type, so with only known fields `==` is exact and much cheaper than dumping JSON.
    if a is b:
        return True
    if a != b:
        return False
    return a.keys() <= known or canonical_json(a) == canonical_json(b)


class _Versions:
    """The winners of a versioned collection, per identity.

    Kept lean because there are hundreds of thousands of identities: the newest object and who
    holds it (a name, or a list once several inputs do); other variants at the same instant
    (ties) in a side table.
    """

    __slots__ = ("best", "held", "superseded", "ties")

    def __init__(self) -> None:
        self.best: dict[Hashable, Obj] = {}
        self.held: dict[Hashable, str | list[str]] = {}
        self.ties: dict[Hashable, Variants] = {}
        self.superseded = 0

    def add_holder(self, ident: Hashable, source: str) -> None:
        held = self.held[ident]
        if isinstance(held, str):
            self.held[ident] = [held, source]
        else:
            held.append(source)

    def holders(self, ident: Hashable) -> list[str]:
        held = self.held[ident]
        return [held] if isinstance(held, str) else held

    def replace(self, ident: Hashable, obj: Obj, source: str) -> None:
        self.superseded += len(self.holders(ident))
        for _, sources in self.ties.pop(ident, ()):
            self.superseded += len(sources)
        self.best[ident] = obj
        self.held[ident] = source


def _merge_versioned(
    streams: Iterable[tuple[str, Iterable[Obj]]],
    identity: Callable[[Obj], Hashable],
    known: frozenset[str],
    tick: Callable[[int], None],
) -> _Versions:
    """Per identity, the version(s) with the newest ``updated`` instant."""
    versions = _Versions()
    best = versions.best
    for source, items in streams:
        n = 0
        for obj in items:
            n += 1
            ident = identity(obj)
            current = best.get(ident)
            if current is None:
                best[ident] = obj
                versions.held[ident] = source
                continue
            if current is obj:  # the same object reached us twice (a merged file re-merged)
                versions.add_holder(ident, source)
                continue
            ours, theirs = obj["updated"], current["updated"]
            if ours != theirs:
                ours, theirs = timestamp_key(ours), timestamp_key(theirs)
            if ours > theirs:
                versions.replace(ident, obj, source)
            elif ours < theirs:
                versions.superseded += 1
            elif _same(obj, current, known):
                versions.add_holder(ident, source)
            else:
                for variant, sources in versions.ties.setdefault(ident, []):
                    if _same(obj, variant, known):
                        sources.append(source)
                        break
                else:
                    versions.ties[ident].append((obj, [source]))
        tick(n)
    return versions


def _settle_versions(
    versions: _Versions,
    kind: str,
    name: Callable[[Hashable], str],
    conflicts: list[Conflict],
) -> list[Obj]:
    out = versions.best
    for ident, ties in versions.ties.items():
        candidates = [(out[ident], versions.holders(ident)), *ties]
        ranked = sorted(candidates, key=lambda v: canonical_json(v[0]), reverse=True)
        winner, winner_sources = ranked[0]
        out[ident] = winner
        differing = _differing_fields([v for v, _ in ranked])
        conflicts.append(
            Conflict(
                kind=kind,
                identifier=name(ident),
                sources=_sources(s for _, ss in ranked for s in ss),
                resolution=(
                    f"same 'updated' ({winner['updated']}) with different content; kept the"
                    f" version of {', '.join(sorted(set(winner_sources)))} (larger canonical JSON)"
                ),
                detail="differs in " + ", ".join(differing),
            )
        )
    return list(out.values())


# ---------------------------------------------------------------------------------------------
# Unversioned objects: field by field, the larger canonical JSON wins


def _merge_fields(
    variants: Variants, skip: frozenset[str] = frozenset()
) -> tuple[Obj, list[str], list[str]]:
    """Join objects field by field: (merged, descriptions of differing fields, sources involved).

    A field absent from some variants is not a difference. Differing values: the larger
    canonical JSON wins.
    """
    merged: Obj = {}
    differences: list[str] = []
    involved: set[str] = set()
    names = sorted({k for obj, _ in variants for k in obj} - skip)
    for key in names:
        values: dict[str, tuple[Any, set[str]]] = {}
        for obj, sources in variants:
            if key in obj:
                text = canonical_json(obj[key])
                values.setdefault(text, (obj[key], set()))[1].update(sources)
        best = max(values)
        merged[key] = values[best][0]
        if len(values) > 1:
            shown = "; ".join(
                f"{_short(text)} in {', '.join(sorted(values[text][1]))}"
                for text in sorted(values, reverse=True)
            )
            differences.append(f"{key}: {shown}")
            for _, value_sources in values.values():
                involved |= value_sources
    return merged, differences, sorted(involved)


def _merge_unversioned(
    streams: Iterable[tuple[str, Iterable[tuple[Hashable, Obj]]]],
    known: frozenset[str] = frozenset(),
) -> dict[Hashable, Variants]:
    """Group (identity, object) pairs: per identity, the distinct objects and who holds them."""
    groups: dict[Hashable, Variants] = {}
    for source, items in streams:
        for ident, obj in items:
            group = groups.get(ident)
            if group is None:
                groups[ident] = [(obj, [source])]
                continue
            for other, sources in group:
                if _same(obj, other, known):
                    sources.append(source)
                    break
            else:
                group.append((obj, [source]))
    return groups


def _settle_unversioned(
    groups: dict[Hashable, Variants],
    kind: str,
    name: Callable[[Hashable], str],
    conflicts: list[Conflict],
) -> dict[Hashable, Obj]:
    out: dict[Hashable, Obj] = {}
    for ident, variants in groups.items():
        if len(variants) == 1:
            out[ident] = variants[0][0]
            continue
        merged, differences, involved = _merge_fields(variants)
        out[ident] = merged
        if differences:
            conflicts.append(
                Conflict(
                    kind=kind,
                    identifier=name(ident),
                    sources=tuple(involved),
                    resolution="kept the larger canonical JSON of each differing field",
                    detail=" | ".join(differences),
                )
            )
    return out


def _with_ids(items: Iterable[Obj], field_name: str) -> Iterable[tuple[Hashable, Obj]]:
    return ((item[field_name], item) for item in items)


# ---------------------------------------------------------------------------------------------
# The merge


def merge_documents(
    docs: Sequence[Doc], sources: Sequence[str], *, progress: Progress | None = None
) -> MergeResult:
    """Merge validated exchange files into one; ``sources`` names them in conflicts.

    A pure function of the set of inputs (see the module docstring). ``progress(done, total)``
    is called as items are processed. With no input, returns an empty file.
    """
    if len(docs) != len(sources):
        raise ValueError("merge_documents needs one source name per document")
    with gc_paused():
        return _merge(docs, sources, progress)


def _merge(docs: Sequence[Doc], sources: Sequence[str], progress: Progress | None) -> MergeResult:
    pairs = list(zip(sources, docs, strict=True))
    total = sum(
        len(d["annotations"])
        + len(d["reviews"])
        + sum(len(d.get(k) or ()) for k in (*KEYED_COLLECTIONS, *CLAUSE_KEYED_COLLECTIONS))
        for d in docs
    )
    done = 0

    def tick(n: int) -> None:
        nonlocal done
        done += n
        if progress is not None:
            progress(min(done, total), total)

    conflicts: list[Conflict] = []
    out: Doc = {"format": FORMAT, "version": VERSION}

    # Fields of the file and of the codebook without a rule of their own: joined field by field.
    top_extra, top_differences, top_sources = _merge_fields(
        [(d, [s]) for s, d in pairs], STRUCTURAL_FIELDS
    )
    book_extra, book_differences, book_sources = _merge_fields(
        [(d["codebook"], [s]) for s, d in pairs], frozenset({"categories"})
    )
    for prefix, differences, involved in (
        ("$.", top_differences, top_sources),
        ("$.codebook.", book_differences, book_sources),
    ):
        for difference in differences:
            path = prefix + difference.split(":", 1)[0]
            conflicts.append(
                Conflict(
                    "field", path, tuple(involved), "kept the larger canonical JSON", difference
                )
            )
    out.update(top_extra)

    categories = _settle_unversioned(
        _merge_unversioned([(s, _with_ids(d["codebook"]["categories"], "key")) for s, d in pairs]),
        "category",
        str,
        conflicts,
    )
    out["codebook"] = {**book_extra, "categories": list(categories.values())}
    coders = _settle_unversioned(
        _merge_unversioned([(s, _with_ids(d["coders"], "id")) for s, d in pairs]),
        "coder",
        str,
        conflicts,
    )
    out["coders"] = list(coders.values())
    out["documents"] = _merge_plan_documents(pairs, conflicts)

    versions = _merge_versioned(
        [(s, d["annotations"]) for s, d in pairs], _id, ANNOTATION_FIELDS, tick
    )
    superseded = versions.superseded
    out["annotations"] = _settle_versions(versions, "annotation", str, conflicts)
    versions = _merge_versioned(
        [(s, d["reviews"]) for s, d in pairs], _review_identity, REVIEW_FIELDS, tick
    )
    superseded += versions.superseded
    out["reviews"] = _settle_versions(versions, "review", _review_name, conflicts)
    # Per-coder, per-clause objects (memos and flags): merged exactly like reviews.
    for name in CLAUSE_KEYED_COLLECTIONS:
        present = [(s, d[name]) for s, d in pairs if name in d]
        if present:
            versions = _merge_versioned(present, _review_identity, NOTE_FIELDS, tick)
            superseded += versions.superseded
            out[name] = _settle_versions(versions, name[:-1], _review_name, conflicts)
    links = 0
    for name in KEYED_COLLECTIONS:
        present = [(s, d[name]) for s, d in pairs if name in d]
        if present:
            kind = name[:-1] if name.endswith("s") else name
            versions = _merge_versioned(present, _id, frozenset(), tick)
            superseded += versions.superseded
            out[name] = _settle_versions(versions, kind, str, conflicts)
            links += len(out[name])

    out = canonical_form(out)
    order = {kind: i for i, kind in enumerate(CONFLICT_KINDS)}
    conflicts.sort(key=lambda c: (order.get(c.kind, len(order)), c.identifier, c.detail))
    counts = {
        "inputs": len(docs),
        "categories": len(out["codebook"]["categories"]),
        "coders": len(out["coders"]),
        "documents": len(out["documents"]),
        "clauses": sum(len(d["clauses"]) for d in out["documents"]),
        "annotations": len(out["annotations"]),
        "deleted": sum(1 for a in out["annotations"] if a["deleted"]),
        "reviews": len(out["reviews"]),
        "links": links,
        "superseded": superseded,
        "conflicts": len(conflicts),
    }
    if progress is not None:
        progress(total, total)
    return MergeResult(document=out, conflicts=conflicts, counts=counts)


def _merge_plan_documents(pairs: list[tuple[str, Doc]], conflicts: list[Conflict]) -> list[Obj]:
    # The text is the same wherever the key is (the key is its hash): it is set aside, not compared.
    texts: dict[str, str] = {}
    heads_in: list[tuple[str, list[tuple[Hashable, Obj]]]] = []
    clauses_in: list[tuple[str, list[tuple[Hashable, Obj]]]] = []
    for source, doc in pairs:
        heads: list[tuple[Hashable, Obj]] = []
        clauses: list[tuple[Hashable, Obj]] = []
        for document in doc["documents"]:
            key = document["key"]
            texts[key] = document["text"]
            heads.append((key, {k: v for k, v in document.items() if k not in ("text", "clauses")}))
            clauses.extend(((key, c["start"], c["end"]), c) for c in document["clauses"])
        heads_in.append((source, heads))
        clauses_in.append((source, clauses))
    merged_heads = _settle_unversioned(_merge_unversioned(heads_in), "document", str, conflicts)
    clause_groups = _merge_unversioned(clauses_in, CLAUSE_FIELDS)
    merged_clauses = _settle_unversioned(clause_groups, "clause", _clause_name, conflicts)
    by_document: dict[Hashable, list[Obj]] = {key: [] for key in merged_heads}
    for ident, clause in merged_clauses.items():
        by_document[_document_of(ident)].append(clause)
    documents = []
    for key, head in merged_heads.items():
        document = dict(head)
        document["text"] = texts[str(key)]
        document["clauses"] = sorted(by_document[key], key=lambda c: (c["start"], c["end"]))
        documents.append(document)
        _report_overlaps(str(key), document["clauses"], clause_groups, conflicts)
    return documents


def _report_overlaps(
    key: str,
    clauses: list[Obj],
    groups: dict[Hashable, Variants],
    conflicts: list[Conflict],
) -> None:
    """Clauses that overlap without being equal, unless one input already held both."""
    for i, a in enumerate(clauses):
        for b in clauses[i + 1 :]:
            if b["start"] >= a["end"]:
                break
            a_sources = {s for _, ss in groups[(key, a["start"], a["end"])] for s in ss}
            b_sources = {s for _, ss in groups[(key, b["start"], b["end"])] for s in ss}
            if a_sources & b_sources:
                continue
            conflicts.append(
                Conflict(
                    kind="clause_overlap",
                    identifier=f"{key}[{a['start']},{a['end']}]~[{b['start']},{b['end']}]",
                    sources=_sources(a_sources | b_sources),
                    resolution="kept both clauses: units that cannot be compared",
                    detail=(
                        f"[{a['start']},{a['end']}] in {', '.join(sorted(a_sources))};"
                        f" [{b['start']},{b['end']}] in {', '.join(sorted(b_sources))}"
                    ),
                )
            )


# ---------------------------------------------------------------------------------------------
# Small helpers


def _id(obj: Obj) -> Hashable:
    return obj["id"]


def _review_identity(review: Obj) -> Hashable:
    start, end = review["clause"]
    return (review["coder"], review["document"], start, end)


def _review_name(ident: Hashable) -> str:
    assert isinstance(ident, tuple)
    coder, document, start, end = ident
    return f"{coder}/{document}[{start},{end}]"


def _document_of(ident: Hashable) -> Hashable:
    assert isinstance(ident, tuple)
    return ident[0]


def _clause_name(ident: Hashable) -> str:
    assert isinstance(ident, tuple)
    document, start, end = ident
    return f"{document}[{start},{end}]"


def _sources(names: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(set(names)))


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _differing_fields(objs: list[Obj]) -> list[str]:
    names = sorted({k for obj in objs for k in obj})
    first = objs[0]
    return [
        k
        for k in names
        if any(
            k not in obj or canonical_json(obj[k]) != canonical_json(first.get(k)) for obj in objs
        )
    ] or ["representation"]
