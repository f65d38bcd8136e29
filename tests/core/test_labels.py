"""Clause labels stay unique within a plan through any splits and joins (core.labels)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from annotator.core.labels import base, join_label, split_label, unique


def test_a_split_reads_like_a_repeated_number() -> None:
    assert split_label("5", {"5"}) == "5bis"
    assert split_label("5", {"5", "5bis"}) == "5ter"
    assert split_label("5bis", {"5", "5bis"}) == "5ter"  # not "5bisbis"
    assert split_label("2:1.a", {"2:1.a"}) == "2:1.abis"
    assert split_label("Preamble", {"Preamble"}) == "Preamblebis"


def test_base_strips_only_a_suffix_after_a_number() -> None:
    assert [base(x) for x in ("4quater", "4ter", "4(11)", "Charter", "10.b", "•2")] == [
        "4",
        "4",
        "4",
        "Charter",
        "10.b",
        "•2",
    ]


def test_a_split_joined_back_gets_its_label_back() -> None:
    assert join_label("5", "5bis", set()) == "5"
    assert join_label("5bis", "5ter", set()) == "5bis"
    assert join_label("5", "6", set()) == "5–6"
    assert join_label("5", "6", {"5–6"}) == "5–6bis"


def test_past_the_latin_suffixes_a_number_in_brackets() -> None:
    used = {"4"} | {f"4{s}" for s in ("bis", "ter", "quater", "quinquies")}
    used |= {f"4{s}" for s in ("sexies", "septies", "octies", "novies")}
    assert unique("4", used) == "4(10)"
    assert unique("4", used | {"4(10)"}) == "4(11)"


@given(
    st.lists(st.sampled_from(["1", "2", "2bis", "3", "2:1", "¶1", "H1"]), min_size=1, unique=True),
    st.lists(st.tuples(st.booleans(), st.integers(0, 100)), max_size=60),
)
def test_labels_stay_unique_through_splits_and_joins(
    start: list[str], steps: list[tuple[bool, int]]
) -> None:
    labels = list(start)
    for split, n in steps:
        i = n % len(labels)
        if split:
            labels.insert(i + 1, split_label(labels[i], set(labels)))
        elif i + 1 < len(labels):
            others = set(labels) - {labels[i], labels[i + 1]}
            labels[i : i + 2] = [join_label(labels[i], labels[i + 1], others)]
        assert len(set(labels)) == len(labels), labels
