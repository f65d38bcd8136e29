"""Clause links across plans: similarity suggestions and a side-by-side alignment (pure).

:func:`suggest_links` ranks, for each clause of one plan, the clauses of another plan that say
the same thing, by the cosine of TF-IDF vectors over word unigrams and bigrams. Only the content
counts: the clause's own number ("5." or "Point 5") is stripped first, so that point 5 of a draft
is not pulled towards point 5 of its revision merely by its label.

:func:`align` turns the accepted links between two plans into the rows of a side-by-side view:
linked clauses side by side in order, clauses of the first plan without a counterpart marked
*dropped*, those of the second *added*, and links that cross the order marked *moved*.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from itertools import pairwise
from typing import NamedTuple

import numpy as np

LINKED = "linked"
MOVED = "moved"
DROPPED = "dropped"
ADDED = "added"

# \w is Unicode-aware: Cyrillic, accented Latin and digits are all word characters.
_WORD = re.compile(r"\w+")
# The label may follow at most this many leading words ("Point 5", "Пункт 5", "Article 5").
_LABEL_SEARCH = 1


class Suggestion(NamedTuple):
    """Clause ``source_index`` of the first plan may be clause ``target_index`` of the second."""

    source_index: int
    target_index: int
    score: float


class AlignedRow(NamedTuple):
    """One row of a side-by-side view: a clause index on each side (None = nothing there).

    ``status`` is :data:`LINKED`, :data:`MOVED` (linked, but against the order of the other
    links), :data:`DROPPED` (source only) or :data:`ADDED` (target only).
    """

    source: int | None
    target: int | None
    status: str


def tokens(text: str) -> list[str]:
    """Casefolded word tokens (letters of any script, digits kept), in order."""
    return _WORD.findall(text.casefold())


def content_tokens(label: str, text: str) -> list[str]:
    """The tokens of a clause without its leading number: ``("5", "5. The parties")`` → the rest.

    The label's tokens are looked for at the start of the text or after one word (so "Point 5."
    and "Пункт 5." lose their prefix too); elsewhere the text is left whole.
    """
    words = tokens(text)
    mark = tokens(label)
    if not mark:
        return words
    size = len(mark)
    for at in range(min(_LABEL_SEARCH, len(words)) + 1):
        if words[at : at + size] == mark:
            return words[at + size :]
    return words


def _features(words: Sequence[str]) -> Counter[str]:
    # A bigram joined by a space cannot collide with a unigram (tokens hold no spaces).
    counts = Counter(words)
    counts.update(f"{a} {b}" for a, b in pairwise(words))
    return counts


class _Entries(NamedTuple):
    """A sparse matrix as parallel arrays: one entry per (clause, feature) present."""

    row: np.ndarray
    feature: np.ndarray
    weight: np.ndarray


def _entries(bags: list[Counter[str]], vocabulary: dict[str, int]) -> _Entries:
    rows: list[int] = []
    features: list[int] = []
    counts: list[int] = []
    for r, bag in enumerate(bags):
        for f, n in bag.items():
            rows.append(r)
            features.append(vocabulary.setdefault(f, len(vocabulary)))
            counts.append(n)
    return _Entries(
        np.asarray(rows, dtype=np.int64),
        np.asarray(features, dtype=np.int64),
        np.asarray(counts, dtype=np.float64),
    )


def _tfidf(entries: _Entries, idf: np.ndarray, n_rows: int) -> _Entries:
    """Sub-linear TF times IDF, L2-normalised per row: the dot product of two rows is a cosine."""
    weight = (1.0 + np.log(entries.weight)) * idf[entries.feature]
    norms = np.sqrt(np.bincount(entries.row, weight * weight, minlength=n_rows))
    safe = np.where(norms > 0.0, norms, 1.0)
    return _Entries(entries.row, entries.feature, weight / safe[entries.row])


# A feature whose source × target occurrences exceed this goes to the dense product.
_DENSE_PAIRS = 64


def similarity_matrix(
    source_clauses: Sequence[tuple[str, str]], target_clauses: Sequence[tuple[str, str]]
) -> np.ndarray:
    """Cosine similarities (source × target) of the clauses' TF-IDF vectors, in [0, 1].

    Clauses are ``(label, text)``. The IDF is taken over both plans together (smoothed:
    ``ln((1 + N) / (1 + df)) + 1``), so a word every clause of both plans uses weighs little.
    """
    src_bags = [_features(content_tokens(label, text)) for label, text in source_clauses]
    tgt_bags = [_features(content_tokens(label, text)) for label, text in target_clauses]
    n_src, n_tgt = len(src_bags), len(tgt_bags)
    result = np.zeros((n_src, n_tgt), dtype=np.float64)
    if not n_src or not n_tgt:
        return result
    vocabulary: dict[str, int] = {}
    src = _entries(src_bags, vocabulary)
    tgt = _entries(tgt_bags, vocabulary)
    size = len(vocabulary)
    df_src = np.bincount(src.feature, minlength=size)
    df_tgt = np.bincount(tgt.feature, minlength=size)
    idf = np.log((1.0 + n_src + n_tgt) / (1.0 + df_src + df_tgt)) + 1.0
    src, tgt = _tfidf(src, idf, n_src), _tfidf(tgt, idf, n_tgt)
    # Only features on both sides add to a dot product. The few frequent ones (many pairs of
    # clauses) are multiplied as small dense matrices; the many rare ones pair by pair.
    pairs = df_src * df_tgt
    dense = np.flatnonzero(pairs > _DENSE_PAIRS)
    if dense.size:
        column = np.full(size, -1, dtype=np.int64)
        column[dense] = np.arange(dense.size)
        result += _dense(src, column, n_src, dense.size) @ _dense(tgt, column, n_tgt, dense.size).T
    sparse = (pairs > 0) & (pairs <= _DENSE_PAIRS)
    if sparse.any():
        result += _pairwise(src, tgt, sparse, n_src, n_tgt)
    np.clip(result, 0.0, 1.0, out=result)  # rounding can step just past 1
    return result


def _dense(entries: _Entries, column: np.ndarray, n_rows: int, n_cols: int) -> np.ndarray:
    matrix = np.zeros((n_rows, n_cols), dtype=np.float64)
    keep = column[entries.feature] >= 0
    matrix[entries.row[keep], column[entries.feature[keep]]] = entries.weight[keep]
    return matrix


def _pairwise(
    src: _Entries, tgt: _Entries, selected: np.ndarray, n_src: int, n_tgt: int
) -> np.ndarray:
    """The dot products over ``selected`` features, by expanding every (source, target) pair."""
    keep = selected[src.feature]
    s_row, s_feat, s_w = src.row[keep], src.feature[keep], src.weight[keep]
    keep = selected[tgt.feature]
    order = np.argsort(tgt.feature[keep], kind="stable")
    t_row, t_feat, t_w = tgt.row[keep][order], tgt.feature[keep][order], tgt.weight[keep][order]
    # Target entries of feature f sit at first[f] .. first[f] + count[f] - 1.
    count = np.bincount(t_feat, minlength=selected.size)
    first = np.cumsum(count) - count
    repeat = count[s_feat]
    total = int(repeat.sum())
    if total == 0:
        return np.zeros((n_src, n_tgt), dtype=np.float64)
    which = np.repeat(np.arange(s_feat.size), repeat)
    offset = np.arange(total) - np.repeat(np.cumsum(repeat) - repeat, repeat)
    partner = first[s_feat][which] + offset
    cell = s_row[which] * n_tgt + t_row[partner]
    flat = np.bincount(cell, s_w[which] * t_w[partner], minlength=n_src * n_tgt)
    return flat.reshape(n_src, n_tgt)


def suggest_links(
    source_clauses: Sequence[tuple[str, str]],
    target_clauses: Sequence[tuple[str, str]],
    *,
    limit_per_clause: int = 3,
    min_score: float = 0.2,
    exclude: Collection[tuple[int, int]] = (),
) -> list[Suggestion]:
    """The likeliest counterparts in ``target_clauses`` of each of ``source_clauses``.

    Clauses are ``(label, text)``. For each source clause, at most ``limit_per_clause`` target
    clauses scoring at least ``min_score`` (cosine similarity, see :func:`similarity_matrix`);
    pairs ``(source_index, target_index)`` in ``exclude`` (already decided) are never suggested.
    Sorted by falling score, then by indexes: the same input always gives the same list.
    """
    if limit_per_clause <= 0:
        return []
    scores = similarity_matrix(source_clauses, target_clauses)
    for i, j in exclude:
        if 0 <= i < scores.shape[0] and 0 <= j < scores.shape[1]:
            scores[i, j] = -1.0
    out: list[Suggestion] = []
    # Stable sort on the negated scores: equal scores keep the target order.
    best = np.argsort(-scores, axis=1, kind="stable")[:, :limit_per_clause]
    for i, order in enumerate(best.tolist()):
        for j in order:
            score = float(scores[i, j])
            if score < min_score or score <= 0.0:
                break
            out.append(Suggestion(i, j, round(score, 6)))
    out.sort(key=lambda s: (-s.score, s.source_index, s.target_index))
    return out


def _ordered_chain(links: list[tuple[int, int]]) -> set[tuple[int, int]]:
    """The longest chain of links whose both ends never go back (ties: the first found).

    Links are sorted by (source, target); the chain is a longest non-decreasing subsequence of
    the targets, found by patience sorting in O(L log L). Non-decreasing rather than increasing,
    so one clause split in two in the revision (5 → 4 and 5 → 5) keeps both links in order.
    """
    tails: list[int] = []  # tails[k]: smallest last target of a chain of length k + 1
    tail_at: list[int] = []  # index in links of that chain's last link
    back: list[int] = [-1] * len(links)
    for n, (_, j) in enumerate(links):
        k = bisect.bisect_right(tails, j)
        if k == len(tails):
            tails.append(j)
            tail_at.append(n)
        else:
            tails[k] = j
            tail_at[k] = n
        back[n] = tail_at[k - 1] if k else -1
    chain: set[tuple[int, int]] = set()
    n = tail_at[-1] if tail_at else -1
    while n >= 0:
        chain.add(links[n])
        n = back[n]
    return chain


def align(source_n: int, target_n: int, links: Iterable[tuple[int, int]]) -> list[AlignedRow]:
    """The rows of a side-by-side view of two plans of ``source_n`` and ``target_n`` clauses.

    ``links`` are accepted ``(source_index, target_index)`` pairs (duplicates ignored). The
    longest order-keeping chain of links gives rows marked :data:`LINKED`, with both plans'
    clauses in order; every other link gives a :data:`MOVED` row at its source clause's place.
    Source clauses without a link are :data:`DROPPED` rows, target clauses without a link
    :data:`ADDED` rows, placed before the next linked row. Every clause appears in at least one
    row; a clause with several links appears once per link.
    """
    pairs = sorted(set(links))
    for i, j in pairs:
        if not (0 <= i < source_n and 0 <= j < target_n):
            raise ValueError(f"link ({i}, {j}) is outside {source_n} × {target_n} clauses")
    chain = _ordered_chain(pairs)
    by_source: dict[int, list[int]] = {}
    linked_targets: set[int] = set()
    for i, j in pairs:
        by_source.setdefault(i, []).append(j)
        linked_targets.add(j)
    rows: list[AlignedRow] = []
    next_target = 0

    def added_until(stop: int) -> int:
        for j in range(next_target, stop):
            if j not in linked_targets:
                rows.append(AlignedRow(None, j, ADDED))
        return max(next_target, stop)

    for i in range(source_n):
        targets = by_source.get(i)
        if not targets:
            rows.append(AlignedRow(i, None, DROPPED))
            continue
        for j in targets:
            if (i, j) in chain:
                next_target = added_until(j)
                rows.append(AlignedRow(i, j, LINKED))
                next_target = max(next_target, j + 1)
            else:
                rows.append(AlignedRow(i, j, MOVED))
    added_until(target_n)
    return rows
