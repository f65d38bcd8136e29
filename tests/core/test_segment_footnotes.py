"""Numbered footnotes after the last point are the copy's notes: text, never points "2:1"."""

from __future__ import annotations

from annotator.core.segment import segment_plan
from annotator.core.text import normalise

POINTS = (
    "1. A ceasefire takes effect within 72 hours of signing.{m1}\n"
    "2. Prisoners are exchanged all for all.\n"
    "3. A monitoring mission is deployed.{m2}\n"
)
NOTES = "1. The 72 hours were added in the second draft.\n2. Which states take part is open.\n"


def _cut(text: str) -> list[tuple[str, str, str]]:
    text = normalise(text)
    return [(c.label, c.kind, text[c.start : c.end]) for c in segment_plan(text).clauses]


def test_under_a_notes_heading_footnotes_are_one_unlabelled_part() -> None:
    clauses = _cut("Plan\n\n" + POINTS.format(m1="", m2="") + "\nFootnotes:\n\n" + NOTES)
    assert [c[0] for c in clauses if c[1] == "point"] == ["1", "2", "3"]
    assert clauses[-1][1] == "paragraph" and clauses[-1][0].startswith("¶")
    assert clauses[-1][2] == NOTES.strip()
    last = next(c for c in clauses if c[0] == "3")
    assert "second draft" not in last[2]  # the last point's text is the point's only
    assert not any(c[1] == "subpoint" for c in clauses)  # not "3.1", "3.2" either


def test_footnote_marks_identify_notes_without_a_heading() -> None:
    for m1, m2 in (("[1]", "[2]"), ("¹", "²")):
        result = segment_plan(normalise(POINTS.format(m1=m1, m2=m2) + "\n" + NOTES))
        assert [c.label for c in result.clauses] == ["1", "2", "3", "¶1"], (m1, m2)
        assert [n.kind for n in result.notes] == ["footnotes"]


def test_an_annex_numbered_afresh_is_still_an_annex() -> None:
    """No notes heading, no marks for its numbers: the restart is an annex, labelled 2:1 …"""
    text = POINTS.format(m1="[1]", m2="") + "\nANNEX ON MONITORING\n\n" + NOTES
    labels = [c.label for c in segment_plan(normalise(text)).clauses]
    assert labels == ["1", "2", "3", "H1", "2:1", "2:2"]
