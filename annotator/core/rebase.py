"""Work cut on another segmentation of a plan, carried onto the project's clauses.

An exchange file names clauses by ``(document key, start, end)``. After a plan is re-segmented
(``annotator resegment``), a file a coder exported before still names the old clauses: merged as it
is, every old clause would come back next to the new ones (overlapping, labelled twice) and the
coder's work would sit on the resurrected clauses. The text is the same (the key is its hash); only
the cut differs, and spans are code-point offsets into that text. So before a file is merged into a
project that holds the plan, :func:`rebase` moves the file's work onto the project's cut, the way
re-segmenting moves the project's own work:

* a clause the project has keeps everything on it, and takes the project's label and kind;
* a span annotation goes to the project's clause that holds its text; a span that now crosses a
  boundary is clipped to the clause that holds most of it (and counted);
* a whole-clause tag, a review, a clause memo or flag, and a link end go to the project's clause
  that shares the most text with the old clause (and are counted);
* two reviews of one coder that land on one clause keep the newer one; two memos are joined; two
  whole-clause tags of one coder and category are one;
* what cannot be placed (a span over white space only) is left out and counted -- never silently.

Only the clauses the project's re-segmentations removed are an old cut (the project remembers their
spans): they are dropped from the file, so they never come back. Any other clause the project
lacks -- a coder's own split -- is left to the merge, which keeps both cuts and reports them, so
that importing files stays merging them. Pure: the input document is not mutated.
"""

from __future__ import annotations

import bisect
import copy
from dataclasses import dataclass
from typing import Any

from annotator.core.exchange import CLAUSE_KEYED_COLLECTIONS, Doc, timestamp_key
from annotator.core.wording import plural

Span = tuple[int, int]


@dataclass
class Rebased:
    """What :func:`rebase` did to one plan of one file."""

    document: str  # key
    title: str
    clauses_not_here: int = 0  # the file's clauses the project's cut lacks
    spans_moved: int = 0
    spans_clipped: int = 0
    tags_moved: int = 0
    tags_joined: int = 0  # a tag that landed where the coder had the same tag: one is kept
    reviews_moved: int = 0
    reviews_dropped: int = 0  # the coder had a newer review on that clause in the file
    notes_moved: int = 0
    links_moved: int = 0
    left_out: int = 0  # annotations that could not be placed

    def message(self, source: str) -> str:
        """One line for the merge preview, naming the file and the plan."""
        parts = [
            f"{source}: plan “{self.title}” is cut there as it was before this project "
            f"re-segmented it: {plural(self.clauses_not_here, 'old clause')}; its work is "
            "carried onto this project's clauses"
        ]
        for count, word, what in (
            (self.spans_moved, "span", "moved to the clause that now holds its text"),
            (self.spans_clipped, "span", "clipped at a clause boundary"),
            (self.tags_moved, "whole-clause tag", "put on the clause holding most of its text"),
            (self.tags_joined, "whole-clause tag", "joined with the coder's same tag there"),
            (self.reviews_moved, "review", "moved likewise"),
            (self.reviews_dropped, "review", "dropped for the coder's newer one there"),
            (self.notes_moved, "clause memo or flag", "moved likewise"),
            (self.links_moved, "link end", "moved likewise"),
            (self.left_out, "annotation", "left out (its span holds no text of a clause)"),
        ):
            if count:
                parts.append(f"{plural(count, word)} {what}")
        return "; ".join(parts)


class Cut:
    """A plan's clauses as sorted spans: which one holds a span, or most of it."""

    def __init__(self, spans: list[Span]):
        self.spans = sorted(spans)
        self.starts = [s for s, _ in self.spans]

    def best(self, start: int, end: int) -> Span | None:
        """The clause sharing the most text with ``[start, end)``; for an empty share, the clause
        that starts next (or the last); None without clauses."""
        if not self.spans:
            return None
        i = max(0, bisect.bisect_right(self.starts, start) - 1)
        best: Span | None = None
        most = 0
        while i < len(self.spans) and self.spans[i][0] < max(end, start + 1):
            s, e = self.spans[i]
            shared = min(end, e) - max(start, s)
            if shared > most:
                best, most = (s, e), shared
            i += 1
        if best is None:
            i = bisect.bisect_left(self.starts, start)
            best = self.spans[min(i, len(self.spans) - 1)]
        return best


def rebase(
    doc: Doc,
    cuts: dict[str, list[dict[str, Any]]],
    retired: dict[str, set[Span]],
    titles: dict[str, str] | None = None,
) -> tuple[Doc, list[Rebased]]:
    """``doc`` with its work on retired clauses moved onto ``cuts`` (document key -> the project's
    clauses, each with start, end, label and kind), and a report per plan it changed.

    ``retired`` holds, per plan, the spans of the clauses the project's re-segmentations removed:
    only those are an old cut. Any other clause the project lacks (a coder's own split in the
    file) is left to the merge, which keeps both cuts and reports the overlap, so that importing
    files stays merging them."""
    stale: dict[str, tuple[Cut, set[Span], Rebased]] = {}
    for document in doc["documents"]:
        key = document["key"]
        here = cuts.get(key)
        if here is None or not retired.get(key):
            continue
        spans = {(c["start"], c["end"]) for c in here}
        old = {(c["start"], c["end"]) for c in document["clauses"]} & retired[key] - spans
        if not old:
            continue
        name = (titles or {}).get(key) or document.get("title") or key[:12]
        stale[key] = (Cut(list(spans)), old, Rebased(key, name, clauses_not_here=len(old)))
    if not stale:
        return doc, []
    out = dict(doc)
    out["documents"] = [
        _recut_document(d, cuts, stale[d["key"]][1]) if d["key"] in stale else d
        for d in doc["documents"]
    ]
    out["annotations"] = _annotations(doc["annotations"], stale)
    out["reviews"] = _per_clause(doc["reviews"], stale, "reviews")
    for name in CLAUSE_KEYED_COLLECTIONS:
        if name in doc:
            out[name] = _per_clause(doc[name], stale, name)
    if "links" in doc:
        out["links"] = [_link(x, stale) for x in doc["links"]]
    return out, [report for _, _, report in stale.values()]


def _recut_document(
    document: dict[str, Any], cuts: dict[str, list[dict[str, Any]]], old: set[Span]
) -> Any:
    """The file's clauses without the old cut's, and the project's clauses the work moved to;
    a span both have takes the project's label and kind (labels belong to the cut: "H1" then
    may be "¶1" now)."""
    here = {(c["start"], c["end"]): c for c in cuts[document["key"]]}
    clauses = []
    for clause in document["clauses"]:
        span = (clause["start"], clause["end"])
        if span in old:
            continue
        ours = here.pop(span, None)
        if ours is not None:
            clause = {**clause, **{k: ours[k] for k in ("label", "kind") if k in ours}}
        clauses.append(clause)
    clauses.extend(here.values())
    clauses.sort(key=lambda c: (c["start"], c["end"]))
    return {**document, "clauses": clauses}


def _annotations(
    annotations: list[dict[str, Any]], stale: dict[str, tuple[Cut, set[Span], Rebased]]
) -> list[dict[str, Any]]:
    out = []
    tags: set[tuple[Any, ...]] = set()  # (coder, document, clause, category) of live tags
    for ann in annotations:
        if ann["span"] is None and not ann["deleted"]:
            tags.add((ann["coder"], ann["document"], *ann["clause"], ann["category"]))
    for ann in annotations:
        found = stale.get(ann["document"])
        clause = tuple(ann["clause"])
        if found is None or clause not in found[1]:
            out.append(ann)
            continue
        cut, _, report = found
        span = ann["span"]
        if span is None:
            target = cut.best(clause[0], clause[1])
            assert target is not None
            tag = (ann["coder"], ann["document"], *target, ann["category"])
            if not ann["deleted"] and tag in tags:
                report.tags_joined += 1  # the coder's same tag is on that clause already
                continue
            tags.add(tag)
            out.append({**ann, "clause": list(target)})
            report.tags_moved += not ann["deleted"]
            continue
        s, e = span
        target = cut.best(s, e)
        assert target is not None
        ns, ne = max(s, target[0]), min(e, target[1])
        if ns >= ne:
            report.left_out += 1
            continue
        out.append({**ann, "clause": list(target), "span": [ns, ne]})
        if not ann["deleted"]:
            if (ns, ne) == (s, e):
                report.spans_moved += 1
            else:
                report.spans_clipped += 1
    return out


def _per_clause(
    items: list[dict[str, Any]], stale: dict[str, tuple[Cut, set[Span], Rebased]], name: str
) -> list[dict[str, Any]]:
    """Reviews or clause notes, keyed by (coder, document, clause): moved, then one per key."""
    kept: dict[tuple[Any, ...], dict[str, Any]] = {}
    order: list[tuple[Any, ...]] = []
    for item in items:
        found = stale.get(item["document"])
        clause = tuple(item["clause"])
        moved = found is not None and clause in found[1]
        if moved:
            assert found is not None
            cut, _, report = found
            target = cut.best(clause[0], clause[1])
            assert target is not None
            item = {**item, "clause": list(target)}
            if name == "reviews":
                report.reviews_moved += 1
            else:
                report.notes_moved += 1
        key = (item["coder"], item["document"], *item["clause"])
        there = kept.get(key)
        if there is None:
            kept[key] = item
            order.append(key)
            continue
        report = stale[item["document"]][2]  # two on one clause: only after a move
        if name == "reviews":
            newer = max(there, item, key=lambda r: timestamp_key(r["updated"]))
            kept[key] = newer
            report.reviews_moved -= 1
            report.reviews_dropped += 1
        else:
            joined = copy.deepcopy(there)
            joined["memo"] = "\n".join(m for m in (there.get("memo"), item.get("memo")) if m)
            joined["flagged"] = bool(there.get("flagged") or item.get("flagged"))
            joined["updated"] = max(there["updated"], item["updated"], key=timestamp_key)
            kept[key] = joined
    return [kept[k] for k in order]


def _link(link: dict[str, Any], stale: dict[str, tuple[Cut, set[Span], Rebased]]) -> Any:
    out = link
    for end in ("source", "target"):
        item = link.get(end)
        if not isinstance(item, dict):
            continue
        clause = item.get("clause")
        found = stale.get(item.get("document", ""))
        if found is None or not isinstance(clause, list) or tuple(clause) not in found[1]:
            continue
        cut, _, report = found
        target = cut.best(clause[0], clause[1])
        assert target is not None
        out = {**out, end: {**item, "clause": list(target)}}
        report.links_moved += 1
    return out
