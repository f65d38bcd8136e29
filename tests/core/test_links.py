"""Clause-link suggestions (TF-IDF cosine) and the side-by-side alignment."""

from __future__ import annotations

import itertools
import math
import random
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core.links import (
    ADDED,
    DROPPED,
    LINKED,
    MOVED,
    AlignedRow,
    Suggestion,
    align,
    content_tokens,
    similarity_matrix,
    suggest_links,
    tokens,
)

DRAFT = [
    ("1", "1. A complete ceasefire on land, at sea and in the air takes effect at once."),
    ("2", "2. Sanctions are lifted in three stages after verification."),
    ("3", "3. Elections are held within one hundred days."),
    ("4", "4. The armed forces of Avalon shall not exceed 600,000 personnel."),
    ("5", "5. The Guarantor Group assures Avalon of collective defence against renewed attack."),
]
REVISION = [
    ("1", "1. A complete ceasefire on land, at sea and in the air takes effect."),
    ("2", "2. Elections are held within one hundred days of the ceasefire."),
    ("3", "3. Peacetime armed forces of Avalon shall not exceed 800,000 personnel."),
    ("4", "4. The Guarantor Group assures Avalon of collective defence."),
    ("5", "5. A reconstruction fund of 100 billion is set up."),
]


def _naive_matrix(
    source: list[tuple[str, str]], target: list[tuple[str, str]]
) -> list[list[float]]:
    """The same cosine, written out plainly with dicts (an independent reference)."""

    def bag(label: str, text: str) -> Counter[str]:
        words = content_tokens(label, text)
        out = Counter(words)
        for k in range(len(words) - 1):
            out[words[k] + " " + words[k + 1]] += 1
        return out

    bags = [bag(*c) for c in source] + [bag(*c) for c in target]
    n = len(bags)
    df = Counter(f for b in bags for f in b)
    vecs = []
    for b in bags:
        v = {f: (1 + math.log(c)) * (math.log((1 + n) / (1 + df[f])) + 1) for f, c in b.items()}
        norm = math.sqrt(sum(w * w for w in v.values())) or 1.0
        vecs.append({f: w / norm for f, w in v.items()})
    src, tgt = vecs[: len(source)], vecs[len(source) :]
    return [[sum(w * t.get(f, 0.0) for f, w in s.items()) for t in tgt] for s in src]


def test_tokens_are_casefolded_unicode_words_with_numbers() -> None:
    assert tokens("Збройні сили НЕ перевищують 600 000 осіб; Straße") == [
        "збройні",
        "сили",
        "не",
        "перевищують",
        "600",
        "000",
        "осіб",
        "strasse",
    ]


@pytest.mark.parametrize(
    ("label", "text", "expected"),
    [
        ("5", "5. The parties agree.", ["the", "parties", "agree"]),
        ("5", "Point 5. The parties agree.", ["the", "parties", "agree"]),
        ("10.b", "(10.b) Funds flow.", ["funds", "flow"]),
        ("7", "Пункт 7. Сторони погоджуються.", ["сторони", "погоджуються"]),
        (
            "Preamble",
            "The parties, recalling 5 accords.",
            ["the", "parties", "recalling", "5", "accords"],
        ),
        ("3", "Under 3 parties agree.", ["parties", "agree"]),  # taken as "Point 3"
        ("3", "The two 3 parties agree.", ["the", "two", "3", "parties", "agree"]),
        ("3", "The parties agree to 3 steps.", ["the", "parties", "agree", "to", "3", "steps"]),
    ],
)
def test_content_tokens_drop_only_a_leading_label(
    label: str, text: str, expected: list[str]
) -> None:
    assert content_tokens(label, text) == expected


def test_matrix_matches_a_plain_reference() -> None:
    got = similarity_matrix(DRAFT, REVISION)
    want = _naive_matrix(DRAFT, REVISION)
    assert got.shape == (5, 5)
    for i, j in itertools.product(range(5), range(5)):
        assert got[i, j] == pytest.approx(want[i][j], abs=1e-12)


WORDS = ["peace", "fund", "армія", "сили", "100", "guarantor", "the", "of", "elections", "zone"]
clause_lists = st.lists(
    st.tuples(
        st.sampled_from(["1", "2", "a", "Preamble"]),
        st.lists(st.sampled_from(WORDS), max_size=12).map(" ".join),
    ),
    max_size=8,
)


@settings(max_examples=60, deadline=None)
@given(clause_lists, clause_lists)
def test_matrix_matches_the_reference_on_random_clauses(
    source: list[tuple[str, str]], target: list[tuple[str, str]]
) -> None:
    got = similarity_matrix(source, target)
    want = _naive_matrix(source, target)
    assert got.shape == (len(source), len(target))
    for i, j in itertools.product(range(len(source)), range(len(target))):
        assert got[i, j] == pytest.approx(min(1.0, want[i][j]), abs=1e-9)
        assert 0.0 <= got[i, j] <= 1.0


def test_identical_content_scores_one_whatever_the_label() -> None:
    got = similarity_matrix(
        [("5", "5. Sanctions are lifted.")], [("9", "9. Sanctions are lifted.")]
    )
    assert got[0, 0] == pytest.approx(1.0)


def test_point_5_of_the_draft_is_point_4_of_the_revision() -> None:
    found = suggest_links(DRAFT, REVISION, limit_per_clause=1)
    best = {s.source_index: s.target_index for s in found}
    # Content, not labels: draft 5 ↔ revision 4, draft 3 ↔ revision 2, draft 4 ↔ revision 3.
    assert best == {0: 0, 2: 1, 3: 2, 4: 3}  # draft 2 (sanctions) has no counterpart
    assert all(isinstance(s, Suggestion) and s.score >= 0.2 for s in found)
    assert [s.score for s in found] == sorted((s.score for s in found), reverse=True)


def test_suggestions_respect_limit_threshold_and_exclusions() -> None:
    every = suggest_links(DRAFT, REVISION, limit_per_clause=5, min_score=0.0)
    per_source = Counter(s.source_index for s in every)
    assert max(per_source.values()) <= 5
    assert all(s.score > 0 for s in every)
    high = suggest_links(DRAFT, REVISION, limit_per_clause=5, min_score=0.5)
    assert {(s.source_index, s.target_index) for s in high} <= {
        (s.source_index, s.target_index) for s in every if s.score >= 0.5
    }
    without = suggest_links(DRAFT, REVISION, limit_per_clause=1, exclude={(4, 3)})
    assert (4, 3) not in {(s.source_index, s.target_index) for s in without}
    assert suggest_links(DRAFT, REVISION, limit_per_clause=0) == []
    assert suggest_links([], REVISION) == []
    assert suggest_links(DRAFT, [("1", "1.")]) == []


def test_ukrainian_clauses_match() -> None:
    source = [
        ("1", "1. Повне припинення вогню на суші, на морі та в повітрі."),
        ("2", "2. Санкції знімаються поетапно."),
    ]
    target = [
        ("1", "1. Санкції знімаються поетапно після перевірки."),
        ("2", "2. Повне припинення вогню на суші та на морі."),
    ]
    best = {
        s.source_index: s.target_index for s in suggest_links(source, target, limit_per_clause=1)
    }
    assert best == {0: 1, 1: 0}


def test_500_by_500_clauses_each_finds_its_copy() -> None:
    """Its speed is measured in tests/benchmarks/bench_limits.py."""
    rng = random.Random(7)
    vocab = [f"w{k}" for k in range(1500)]
    weights = [1 / (k + 1) for k in range(1500)]
    source = [(str(k), f"{k}. " + " ".join(rng.choices(vocab, weights, k=45))) for k in range(500)]
    target = [(lab, text + " and more") for lab, text in source]
    rng.shuffle(target)
    found = suggest_links(source, target)
    # Each clause's best suggestion is its own lengthened copy.
    tops: dict[int, Suggestion] = {}
    for s in found:
        tops.setdefault(s.source_index, s)
    for i, s in tops.items():
        assert target[s.target_index][1].startswith(source[i][1])


# -- alignment ----------------------------------------------------------------------------------


def test_align_pairs_in_order_with_dropped_and_added() -> None:
    rows = align(4, 4, [(0, 0), (2, 1), (3, 3)])
    assert rows == [
        AlignedRow(0, 0, LINKED),
        AlignedRow(1, None, DROPPED),
        AlignedRow(2, 1, LINKED),
        AlignedRow(None, 2, ADDED),
        AlignedRow(3, 3, LINKED),
    ]


def test_align_marks_a_crossing_link_as_moved() -> None:
    # Draft 1 became revision 3; the rest kept their order.
    rows = align(3, 3, [(0, 2), (1, 0), (2, 1)])
    assert rows == [
        AlignedRow(0, 2, MOVED),
        AlignedRow(1, 0, LINKED),
        AlignedRow(2, 1, LINKED),
    ]


def test_align_keeps_a_split_clause_in_order() -> None:
    rows = align(2, 3, [(0, 0), (0, 1), (1, 2)])
    assert [r.status for r in rows] == [LINKED, LINKED, LINKED]
    assert [(r.source, r.target) for r in rows] == [(0, 0), (0, 1), (1, 2)]


def test_align_without_links_lists_everything() -> None:
    assert align(1, 2, []) == [
        AlignedRow(0, None, DROPPED),
        AlignedRow(None, 0, ADDED),
        AlignedRow(None, 1, ADDED),
    ]
    with pytest.raises(ValueError):
        align(1, 1, [(0, 1)])


def _longest_chain(links: list[tuple[int, int]]) -> int:
    """Brute force: the largest subset ordered in both coordinates."""
    best = 0
    for size in range(len(links), 0, -1):
        for subset in itertools.combinations(sorted(links), size):
            if all(a[1] <= b[1] for a, b in itertools.pairwise(subset)):
                return size
    return best


@settings(max_examples=150, deadline=None)
@given(
    st.integers(0, 6),
    st.integers(0, 6),
    st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5)), max_size=7),
)
def test_align_laws(n: int, m: int, raw: list[tuple[int, int]]) -> None:
    links = sorted({(i, j) for i, j in raw if i < n and j < m})
    rows = align(n, m, links)
    linked = [(r.source, r.target) for r in rows if r.status == LINKED]
    moved = [(r.source, r.target) for r in rows if r.status == MOVED]
    # Every link shows once; the in-order ones form a longest chain, in order on both sides.
    assert sorted(linked + moved) == links
    assert len(linked) == _longest_chain(links)
    assert linked == sorted(linked)
    assert all(a[1] <= b[1] for a, b in itertools.pairwise(linked))
    # Every clause shows; a clause without a link is dropped / added, exactly once.
    assert {r.source for r in rows if r.source is not None} == set(range(n))
    assert {r.target for r in rows if r.target is not None} == set(range(m))
    assert [r.source for r in rows if r.status == DROPPED] == sorted(
        set(range(n)) - {i for i, _ in links}
    )
    assert [r.target for r in rows if r.status == ADDED] == sorted(
        set(range(m)) - {j for _, j in links}
    )
    # Sources come in order; targets of linked and added rows come in order.
    sources = [r.source for r in rows if r.source is not None]
    assert sources == sorted(sources)
    targets = [r.target for r in rows if r.status in (LINKED, ADDED)]
    assert targets == sorted(targets)
