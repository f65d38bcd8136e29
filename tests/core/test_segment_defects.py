"""The segmenter against the defects of plan texts it did not write: page headers and footers,
invisible characters, OCR'd numbers, keyword headers -- and, over generated documents that mix
them, the laws of Contract 1: offsets are code points into the normalised text, clauses are in
order and never overlap, their union and the gaps between them is the text (a gap holds only
white space, invisible characters, rule lines and page furniture), and labels are unique.
"""

from __future__ import annotations

import random
import re
import textwrap
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core.readers import read_plan
from annotator.core.segment import segment_plan
from annotator.core.text import normalise

INVISIBLE = "\u00ad\u200b\u200c\u200d\u200e\u200f\u2060\u202a\u202c\u2066\u2069\ufeff"
FURNITURE = re.compile(
    r"(?i:page|p\.)[ \t]*\d+(?:[ \t]*(?:of|/)[ \t]*\d+)?|[-–—][ \t]*\d+[ \t]*[-–—]"
)
RULE = re.compile(r"[ \t]*([-*_=~])(?:[ \t]*\1){2,}[ \t]*")


def spans(text: str) -> dict[str, str]:
    return {c.label: text[c.start : c.end] for c in segment_plan(text).clauses}


# -- page headers and footers -------------------------------------------------------------------


def test_page_furniture_between_points_is_in_no_clause() -> None:
    text = (
        "PLAN\nPage 1 of 2\n\n1. The ceasefire holds.\n2. Monitors are deployed.\nPage 2 of 2\n"
        "3. Elections follow.\n"
    )
    result = segment_plan(text)
    found = spans(text)
    assert list(found) == ["H1", "1", "2", "3"]
    assert found["H1"] == "PLAN"
    assert found["2"] == "2. Monitors are deployed."
    assert [n.kind for n in result.notes] == ["page_furniture"]
    assert "2 page headers or footers" in result.notes[0].message


def test_a_point_interrupted_by_a_page_footer_goes_on_after_it() -> None:
    text = "1. The fund is financed by the Parties,\n- 3 -\nand by the guarantors.\n2. Next.\n"
    found = spans(text)
    assert list(found) == ["1", "2"]
    assert found["1"].endswith("and by the guarantors.")


def test_a_title_above_a_page_header_is_a_heading() -> None:
    text = "Framework for Peace\nPage 1 of 3\n\nThe Parties agree as follows.\n\n1. One.\n2. Two.\n"
    assert list(spans(text)) == ["H1", "Preamble", "1", "2"]


def test_a_running_title_repeated_on_every_page_is_furniture_after_the_first() -> None:
    title = "PEACE FRAMEWORK — WORKING DRAFT"
    text = (
        f"{title}\n1. The fund is financed by\n{title}\nthe Parties.\n2. Two.\n{title}\n3. Three.\n"
    )
    found = spans(text)
    assert list(found) == ["H1", "1", "2", "3"]
    assert found["1"].endswith("the Parties.") and found["2"] == "2. Two."
    assert "2 page headers or footers" in segment_plan(text).notes[0].message


def test_a_heading_in_capitals_twice_is_not_a_running_title() -> None:
    text = "PLAN\n\nSECURITY\n\n1. One.\n\nSECURITY\n\n2. Two.\n"
    assert [c.label for c in segment_plan(text).clauses] == ["H1", "H2", "1", "H3", "2"]


def test_page_words_inside_a_sentence_stay_text() -> None:
    text = "1. See the map on\npage 3 of the annex.\n2. Two.\n"
    assert spans(text)["1"] == "1. See the map on\npage 3 of the annex."


# -- line breaks other than "\n" ---------------------------------------------------------------


def test_form_feeds_and_line_separators_break_lines(tmp_path: Path) -> None:
    """pdftotext puts a form feed between pages, Word a vertical tab for a manual line break,
    web copies a Unicode line separator: each ends a line, and a point after it is a point."""
    raw = (
        "Plan\n\n1. The fund is financed by\n\fthe Parties.\f2. Forces withdraw.\n"
        "3. Talks\u2028begin.\u20284. Elections.\x0b5. Sanctions end.\n"
    )
    path = tmp_path / "pdftotext.txt"
    path.write_bytes(raw.encode("utf-8"))
    text = read_plan(path).text
    found = spans(text)
    assert list(found) == ["H1", "1", "2", "3", "4", "5"]
    assert found["1"] == "1. The fund is financed by\n\fthe Parties."
    assert found["3"] == "3. Talks\u2028begin."
    assert segment_plan(text).notes == []


# -- the laws, over documents that mix the defects ------------------------------------------------

PIECES = st.sampled_from(
    ["1. ", "2. ", "3) ", "(4) ", "7. ", "7. ", "1O. ", "l2. ", "Article 1\n", "Art. 2 ", "§ 3 ",
     "§3 ", "Point 4. ", "Part II\n", "I. ", "II. ", "(a) ", "a) ", "i. ", "ii. ", "а) ",
     "within 30 days", "UN Resolution 2202", "1.5 million", "24 February 2022",
     "Article 5 of the treaty", "Page 3 of 12", "\nPage 3 of 12\n", "- 4 -", "[text missing]",
     "[...]", "[sic]", "compre-\nhensive", "\u00a0", "\u200b", "\u00ad", "\u200f", "\ufeff",
     "１. ", "Повне припинення", "guarantees. 12. Ukraine", ". ", "; ", ":\n", "\n", "\n\n",
     "  ", "The Parties agree", "---", "🕊", "1 The ", "2 Forces ", "3 March ", "\n4 Talks ",
     "\f", "\n\f", "\u2028", "\x0b", "б) ", "e) ", "\nв) ", "\n2a. ", "\n3bis. "]
)  # fmt: skip


BREAKS = re.compile(r"[\n\f\v\u2028\u2029\x85]")
SPACES = "".join(ch for ch in map(chr, range(0x3001)) if ch.isspace())


def _body(line: str) -> str:
    return line.strip(SPACES + INVISIBLE)


def gap_is_empty(gap: str, text: str) -> bool:
    """A gap between clauses: white space, invisible characters, rules and page furniture (a
    page number, or a running title: a line the text repeats)."""
    lines = [_body(line) for line in BREAKS.split(text)]
    for line in BREAKS.split(gap):
        body = _body(line)
        furniture = RULE.fullmatch(body) or FURNITURE.fullmatch(body) or lines.count(body) > 1
        if body and not furniture:
            return False
    return True


@settings(max_examples=400, deadline=None)
@given(st.lists(PIECES, max_size=60).map("".join), st.sampled_from(["auto", "paragraphs"]))
def test_laws_over_documents_with_defects(raw: str, mode: str) -> None:
    text = normalise(raw)
    result = segment_plan(text, mode)
    labels = [c.label for c in result.clauses]
    assert len(labels) == len(set(labels))
    cursor = 0
    pieces = []
    for c in result.clauses:
        assert cursor <= c.start < c.end <= len(text)  # in order, never overlapping
        span = text[c.start : c.end]
        assert span == span.strip() and span
        gap = text[cursor : c.start]
        assert gap_is_empty(gap, text), (gap, c)
        pieces += [gap, span]
        cursor = c.end
    assert gap_is_empty(text[cursor:], text)
    assert "".join(pieces) + text[cursor:] == text  # the clauses and the gaps are the text
    assert result == segment_plan(text, mode)


# -- numbers without a delimiter ----------------------------------------------------------------


def test_points_numbered_without_a_delimiter() -> None:
    text = "Plan\n\n1 The ceasefire begins.\n2 Forces withdraw.\n3 Prisoners are exchanged.\n"
    assert [c.label for c in segment_plan(text).clauses] == ["H1", "1", "2", "3"]


def test_a_date_at_a_wrapped_line_start_is_not_a_point() -> None:
    text = "The Parties met in Geneva on\n1 March 2026 and agreed to talk again.\n"
    result = segment_plan(text)
    assert [c.kind for c in result.clauses] == ["paragraph"]


# -- numbers a wrapped line starts with ---------------------------------------------------------


def test_a_wrapped_reference_is_never_a_point() -> None:
    text = (
        "1. The guarantee applies (see\npoint 4) as agreed.\n2. Forces withdraw in two stages:\n"
        "1) first,\n2) second.\n3. The fund is set up under No.\n12. Then Art.\n4. applies.\n"
        "4. Talks begin.\n"
    )
    assert [c.label for c in segment_plan(text).clauses if c.kind == "point"] == [
        "1", "2", "3", "4",
    ]  # fmt: skip


def test_a_number_before_lower_case_is_no_repeated_point() -> None:
    text = "1. One.\n2. Two, as per\n3. above.\n3. Three.\n4. Four.\n"
    found = spans(text)
    assert list(found) == ["1", "2", "3", "4"]
    assert found["3"] == "3. Three."


def test_a_list_inside_the_preamble_sentence_is_text() -> None:
    text = "Plan\n\nThe Parties act in two stages: 1) first,\n2) second.\n\n1) One.\n2) Two.\n"
    result = segment_plan(text)
    assert [c.label for c in result.clauses] == ["H1", "Preamble", "1", "2"]
    assert any(n.kind == "front_list" for n in result.notes)


# -- generated plans keep their authors' numbering ----------------------------------------------

PROSE = [
    "within 30 days", "under UN Resolution 2202", "of 1.5 million euros", "on 24 February 2022",
    "as in Article 5 of the treaty", "by 600,000 troops", "in 2026", "at 15 kilometres",
    "as point 7 of the Minsk package says", "by 1 June 2026", "(see point 4)", "(2022)",
    "in two stages: 1) first, 2) second", "as per 3. above", "by 2027. 5,000 monitors", "[...]",
    "[sic]", "No. 12", "12.5 percent", "§ 4 of the law", "Art. 3",
]  # fmt: skip
WORDS = [
    "the",
    "parties",
    "agree",
    "guarantee",
    "forces",
    "withdraw",
    "monitors",
    "deploy",
    "sanctions",
    "lift",
    "fund",
]


def generated_plan(seed: int) -> tuple[str, list[str]]:
    """A plan with prose numbers, page footers, wrapped at a random width, some lines joined."""
    r = random.Random(seed)
    n = r.randint(3, 28)
    lines = [r.choice(["Peace Plan", "FRAMEWORK FOR PEACE", "Twenty-Point Plan (draft)"]), ""]
    delimiter = r.choice([". ", ") "])

    def sentence() -> str:
        words = [r.choice(WORDS) for _ in range(r.randint(3, 9))]
        words.insert(r.randint(0, len(words)), r.choice(PROSE))
        joined = " ".join(words)
        return joined[0].upper() + joined[1:] + "."

    if r.random() < 0.5:
        lines += [sentence(), ""]
    for i in range(1, n + 1):
        lines.append(f"{i}{delimiter}" + " ".join(sentence() for _ in range(r.randint(1, 3))))
        if r.random() < 0.2:
            lines.append(r.choice(["Page 2 of 9", "- 4 -"]))
    width = r.choice([0, 25, 40, 60, 75])
    wrapped = []
    for line in lines:
        wrapped.extend(textwrap.wrap(line, width) if width and line else [line])
    text = "\n".join(wrapped)
    if r.random() < 0.3:  # a copy that lost some line breaks
        text = text.replace(".\n", ". ", r.randint(1, 5))
    return normalise(text), [str(i) for i in range(1, n + 1)]


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 2**32))
def test_generated_plans_keep_their_numbering(seed: int) -> None:
    text, expected = generated_plan(seed)
    assert [c.label for c in segment_plan(text).clauses if c.kind == "point"] == expected


def test_a_plan_in_lower_case_before_its_annex_keeps_its_points() -> None:
    text = "Plan\n\n1. the ceasefire holds. 2. forces withdraw. 3. prisoners go home.\n\n"
    text += "ANNEX\n\n1. The map.\n2. The list.\n"
    labels = [c.label for c in segment_plan(text).clauses]
    assert labels == ["H1", "1", "2", "3", "H2", "2:1", "2:2"]


def test_a_numbered_list_inside_a_line_goes_on_after_commas_and_and() -> None:
    text = "1. Forces withdraw in two stages: 1) first, 2) second and 3) third.\n"
    text += "2. Talks (see point 2) begin, as 1) says.\n"
    found = spans(text)
    assert list(found) == ["1", "1.1", "1.2", "1.3", "2"]
    assert found["1.2"] == "2) second and"
    assert found["2"] == "2. Talks (see point 2) begin, as 1) says."
