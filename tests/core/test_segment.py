"""The automatic segmenter (Contract 1): samples, tricky inputs, invariants, speed."""

from __future__ import annotations

from importlib import resources

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core.segment import Clause, segment, segment_plan
from annotator.core.text import normalise


def sample(name: str) -> str:
    return normalise((resources.files("annotator.resources") / "samples" / name).read_text("utf-8"))


def labels(text: str, kind: str | None = None) -> list[str]:
    return [c.label for c in segment(text) if kind is None or c.kind == kind]


def texts(text: str) -> dict[str, str]:
    return {c.label: text[c.start : c.end] for c in segment(text)}


def check_invariants(text: str, clauses: list[Clause]) -> None:
    previous_end = 0
    for c in clauses:
        assert 0 <= previous_end <= c.start < c.end <= len(text)
        span = text[c.start : c.end]
        assert span == span.strip() and span
        assert c.kind in {"point", "subpoint", "bullet", "heading", "preamble", "paragraph"}
        previous_end = c.end


# -- the samples --------------------------------------------------------------------------------


def test_draft_28_points_with_subpoints() -> None:
    text = sample("draft-28-point.md")
    clauses = segment(text)
    check_invariants(text, clauses)
    assert labels(text, "point") == [str(n) for n in range(1, 29)]
    subs = labels(text, "subpoint")
    assert {"3.a", "3.c", "10.d", "12.a", "13.c", "21.c", "24.d"} <= set(subs)
    assert all(s.split(".")[1] in "abcd" for s in subs)
    spans = texts(text)
    assert spans["6"].startswith("6. The peacetime strength") and "600,000" in spans["6"]
    assert (
        spans["12.a"]
        == "a) a fund of 2.5 billion in the first year, raised from guarantor contributions;"
    )
    # "2028." starts a line inside point 14 and is not a point.
    assert spans["14"].endswith("divided by a decision of the Joint Commission.")
    assert "\n2028. Any balance" in spans["14"]
    assert "Article 5-like" in spans["4"]
    assert [c.label for c in clauses[:3]] == ["H1", "Preamble", "Preamble ¶2"]
    assert clauses[-1].kind == "paragraph"


def test_framework_20_points_and_preamble() -> None:
    text = sample("framework-20-point.txt")
    clauses = segment(text)
    check_invariants(text, clauses)
    assert [c.label for c in clauses[:2]] == ["H1", "Preamble"]
    assert clauses[1].kind == "preamble"
    assert labels(text, "point") == [str(n) for n in range(1, 21)]
    spans = texts(text)
    # Two pairs of points share a line in the file.
    assert spans["7"].endswith("within 500 km of the other's border.")
    assert spans["8"].startswith("8. The Parties exchange annual data")
    assert spans["13"].startswith("13. Trade in grain")
    line_of = {c.label: text.count("\n", 0, c.start) for c in clauses}
    assert line_of["7"] == line_of["8"] and line_of["12"] == line_of["13"]


def test_counter_24_points_ukrainian() -> None:
    text = sample("counter-24-point-uk.txt")
    assert any(ord(ch) > 0xFFFF for ch in text)
    assert "\u0301" in text  # the combining accent survives NFC
    clauses = segment(text)
    check_invariants(text, clauses)
    assert labels(text, "point") == [str(n) for n in range(1, 25)]
    assert labels(text, "subpoint") == ["4.а", "4.б", "4.в", "9.а", "9.б", "9.в"]
    assert clauses[0].kind == "heading" and clauses[1].kind == "preamble"
    assert "🕊" in texts(text)["Preamble"]
    assert "зобов'я́зуючі" in texts(text)["4"]


# -- markers --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("marker", "second"),
    [("1.", "2."), ("1)", "2)"), ("(1)", "(2)"), ("1.º", "2.º"), ("1.°", "2.°"),
     ("**1.**", "**2.**"), ("Point 1:", "Point 2:"), ("Paragraph 1.", "Paragraph 2."),
     ("Пункт 1.", "Пункт 2."),
     ("ARTICLE 1 —", "ARTICLE 2 —"), ("1\\.", "2\\.")],
)  # fmt: skip
def test_point_marker_styles(marker: str, second: str) -> None:
    text = f"{marker} First clause text.\n{second} Second clause text.\n"
    clauses = segment(text)
    assert [(c.label, c.kind) for c in clauses] == [("1", "point"), ("2", "point")]
    assert clauses[0].start == 0
    assert text[clauses[1].start : clauses[1].end] == f"{second} Second clause text."


def test_span_includes_marker_and_is_trimmed() -> None:
    text = "\n\n   5x\n\n1. The parties agree.   \n\n  2. The parties sign.\n\n"
    clauses = segment(text)
    spans = [text[c.start : c.end] for c in clauses]
    assert spans == ["5x", "1. The parties agree.", "2. The parties sign."]
    assert [c.label for c in clauses] == ["Preamble", "1", "2"]


def test_article_heading_only_at_line_start() -> None:
    text = (
        "Article 1\nThe guarantors assure collective defence.\n"
        "Article 5 of the Washington Treaty is the model for this guarantee.\n"
        "Article 2\n\nForces are capped at 600,000.\n"
    )
    clauses = segment(text)
    assert [c.label for c in clauses] == ["1", "2"]
    assert text[clauses[0].start : clauses[0].end].endswith("model for this guarantee.")
    # "Article 2" alone on its line takes the following paragraph.
    assert text[clauses[1].start : clauses[1].end] == "Article 2\n\nForces are capped at 600,000."


def test_article_inside_sentence_is_not_a_point() -> None:
    text = "1. A guarantee like Article 2. The parties agree.\n2. Next.\n"
    assert labels(text) == ["1", "2"]


def test_lettered_and_roman_nesting() -> None:
    text = (
        "10. The guarantee:\n"
        "  a. applies at once;\n"
        "  b. covers:\n"
        "     (i) air defence;\n"
        "     (ii) naval patrols;\n"
        "  c. ends after ten years.\n"
        "11. Next point.\n"
    )
    text = "1. One.\n" + "".join(f"{n}. Filler.\n" for n in range(2, 10)) + text
    assert labels(text)[9:] == ["10", "10.a", "10.b", "10.b.i", "10.b.ii", "10.c", "11"]
    kinds = {c.label: c.kind for c in segment(text)}
    assert kinds["10.b.ii"] == "subpoint" and kinds["10"] == "point"


def test_paren_letters_and_i_after_h_is_a_letter() -> None:
    items = "".join(f"({ch}) item {ch};\n" for ch in "abcdefghij")
    text = "1. Intro:\n" + items + "2. End.\n"
    assert labels(text) == ["1"] + [f"1.{ch}" for ch in "abcdefghij"] + ["2"]


def test_cyrillic_letters() -> None:
    text = "1. Вступ:\nа) перше;\nб) друге;\nв) третє.\n2. Далі.\n"
    assert labels(text) == ["1", "1.а", "1.б", "1.в", "2"]


def test_bullets_under_points_and_at_top_level() -> None:
    text = "- intro bullet\n• another\n\n1. Point:\n- one\n- two\n* three\n2. Next\n– dash bullet\n"
    clauses = segment(text)
    assert [(c.label, c.kind) for c in clauses] == [
        ("•1", "bullet"), ("•2", "bullet"), ("1", "point"), ("1.•1", "bullet"),
        ("1.•2", "bullet"), ("1.•3", "bullet"), ("2", "point"), ("2.•1", "bullet"),
    ]  # fmt: skip
    # Bullets are counted under their item whatever their character: "* three" used to be a
    # second "1.•1", and labels must be unique within a plan (issue 12).


def test_semicolon_clauses_run_together() -> None:
    text = "1. The parties agree: a) to withdraw; b) to exchange prisoners; c) to hold elections.\n"
    spans = texts(text)
    assert list(spans) == ["1", "1.a", "1.b", "1.c"]
    assert spans["1"] == "1. The parties agree:"
    assert spans["1.b"] == "b) to exchange prisoners;"


def test_points_running_together_on_one_line() -> None:
    text = (
        "1. Ceasefire.\n"
        "2. Withdrawal of forces. 3. The parties shall exchange prisoners. 4. Sanctions ease.\n"
        "5. Elections.\n"
    )
    spans = texts(text)
    assert list(spans) == ["1", "2", "3", "4", "5"]
    assert spans["2"] == "2. Withdrawal of forces."
    assert spans["3"] == "3. The parties shall exchange prisoners."


def test_numbers_that_are_not_points() -> None:
    text = (
        "1. Armed forces are capped at\n600,000 personnel and a fund of\n2.5 billion is created.\n"
        "2. The treaty runs until\n2026. Then it is reviewed.\n"
        "3. As agreed in\n1994 Budapest memoranda.\n"
        "4. A fund of 2.5 billion. 7. Not next. 5. Next point.\n"
    )
    spans = texts(text)
    assert list(spans) == ["1", "2", "3", "4", "5"]
    assert spans["2"] == "2. The treaty runs until\n2026. Then it is reviewed."
    assert spans["4"] == "4. A fund of 2.5 billion. 7. Not next."


def test_sequence_must_start_at_one() -> None:
    text = "Preface.\n\n3. Not a point because nothing came before.\n"
    assert [c.kind for c in segment(text)] == ["paragraph", "paragraph"]


def test_restart_of_numbering() -> None:
    text = "1. A.\n2. B.\n\nANNEX\n\n1. Annex one.\n2. Annex two.\n"
    # The annex's points are labelled "2:1", "2:2" (second run of the numbering): two clauses
    # labelled "1" broke Go to point and every dataset (issue 12).
    assert labels(text) == ["1", "2", "H1", "2:1", "2:2"]


def test_headings() -> None:
    text = (
        "# Markdown Title\n\nPreamble text.\n\nSECURITY GUARANTEES\n1. First.\n\n"
        "Economic provisions\n\n2. Second.\n**Territory**\n3. Third.\n"
        "II. FINAL PROVISIONS\n4. Fourth.\n"
    )
    clauses = segment(text)
    assert [(c.label, c.kind) for c in clauses] == [
        ("H1", "heading"), ("Preamble", "preamble"), ("H2", "heading"), ("1", "point"),
        ("H3", "heading"), ("2", "point"), ("H4", "heading"), ("3", "point"), ("H5", "heading"),
        ("4", "point"),
    ]  # fmt: skip
    assert text[clauses[4].start : clauses[4].end] == "Economic provisions"


def test_short_line_inside_paragraph_is_not_a_heading() -> None:
    text = "The parties agree that the ceasefire\nline stays where it is\nuntil talks end.\n"
    assert [(c.label, c.kind) for c in segment(text)] == [("¶1", "paragraph")]


def test_preamble_paragraphs_are_numbered() -> None:
    text = "We the parties.\n\nHaving met.\n\n1. Point.\n\nClosing words.\n\nSigned.\n"
    assert labels(text) == ["Preamble", "Preamble ¶2", "1", "¶1", "¶2"]


def test_no_numbers_falls_back_to_paragraphs() -> None:
    text = (
        "The parties meet.\nThey talk for long.\n\nThey agree on a ceasefire.\n\n\nThey sign it.\n"
    )
    clauses = segment(text)
    assert [(c.label, c.kind) for c in clauses] == [
        ("¶1", "paragraph"), ("¶2", "paragraph"), ("¶3", "paragraph"),
    ]  # fmt: skip
    assert text[clauses[0].start : clauses[0].end] == "The parties meet.\nThey talk for long."


def test_markdown_list_with_indented_continuation() -> None:
    text = "1. **Ceasefire** first.\n\n   Continued paragraph of point one.\n\n2. Second.\n"
    spans = texts(text)
    assert list(spans) == ["1", "2"]
    assert spans["1"].endswith("Continued paragraph of point one.")


def test_rule_lines_belong_to_no_clause() -> None:
    text = "1. One.\n\n---\n\n2. Two.\n"
    assert [text[c.start : c.end] for c in segment(text)] == ["1. One.", "2. Two."]


def test_empty_and_blank_text() -> None:
    assert segment("") == []
    assert segment(" \n\n\t\n") == []


def test_astral_offsets_are_code_points() -> None:
    text = "🕊 Мир.\n\n1. Пункт 𝟏 перший.\n2. Другий.\n"
    clauses = segment(text)
    assert text[clauses[1].start : clauses[1].end] == "1. Пункт 𝟏 перший."
    assert clauses[1].start == text.index("1.")


def test_deterministic() -> None:
    text = sample("draft-28-point.md")
    assert segment(text) == segment(text)
    assert segment(text) == segment(str(text))


# -- invariants -----------------------------------------------------------------------------------

PIECES = st.sampled_from(
    ["1. ", "2. ", "3) ", "a) ", "(b) ", "(i) ", "ii. ", "- ", "• ", "Point 4: ", "Article 5 of ",
     "# ", "**6.** ", "SECURITY", "The parties agree", ". ", "; ", ": ", "\n", "\n\n", "  ", "\t",
     "600,000", "2.5", "2026.", "🕊", "я\u0301", "Пункт 1.", "а) ", "---", "*"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, max_size=40).map("".join))
def test_invariants(raw: str) -> None:
    text = normalise(raw)
    clauses = segment(text)
    check_invariants(text, clauses)
    assert clauses == segment(text)
    # Every non-space character outside the rule lines belongs to some clause -- but for a
    # running title repeated on every page (a line the text repeats).
    covered = set()
    for c in clauses:
        covered.update(range(c.start, c.end))
    lines = [line.strip() for line in text.split("\n")]
    for i, ch in enumerate(text):
        if not ch.isspace() and i not in covered:
            line = text[text.rfind("\n", 0, i) + 1 : (text.find("\n", i) + 1 or len(text) + 1) - 1]
            repeated = lines.count(line.strip()) > 1
            assert set(line.strip()) <= set("-*_=~ \t") or repeated, (i, line)


def test_ten_thousand_clauses() -> None:
    """Its speed is measured in tests/benchmarks/bench_limits.py."""
    parts = ["SYNTHETIC PLAN\n\nPreamble text for the plan.\n"]
    for n in range(1, 10_001):
        parts.append(f"{n}. The parties cap forces at 600,000 within 2.5 years; clause {n}.")
    text = "\n".join(parts)
    clauses = segment(text)
    assert len([c for c in clauses if c.kind == "point"]) == 10_000
    assert clauses[-1].label == "10000"


def test_lines_indented_with_unusual_spaces_keep_their_points() -> None:
    # A no-break space or an ideographic space before the number (pasted from a web page).
    text = "Plan\n\n\u00a01. One.\n\u00a02. Two.\n\u30003. Three.\n"
    assert labels(text, "point") == ["1", "2", "3"]


def test_inline_list_without_a_colon_when_b_follows() -> None:
    text = "1. A package including a) a fund, b) joint projects and c) reconstruction.\n"
    text += "2. Next point, see (a) above.\n"
    assert labels(text) == ["1", "1.a", "1.b", "1.c", "2"]


# -- a title's bracketed qualifier ------------------------------------------------------------


def test_title_with_a_bracketed_qualifier_is_a_heading() -> None:
    # A press copy's title: the qualifier is the copy's, the title is measured without it.
    text = (
        "Framework for a Settlement (working translation of the text as circulated on 21 May)\n\n"
        "1. A ceasefire holds.\n2. Monitors watch the line.\n"
    )
    first = segment(text)[0]
    assert (first.label, first.kind) == ("H1", "heading")


def test_title_with_qualifier_and_the_preamble_straight_under_it() -> None:
    text = (
        "Framework for a Settlement (working translation)\n"
        "The delegations, having met in the spring, set down these terms.\n\n"
        "1. A ceasefire holds.\n2. Monitors watch the line.\n"
    )
    spans = [(c.label, c.kind, text[c.start : c.end]) for c in segment(text)]
    assert spans[0] == ("H1", "heading", "Framework for a Settlement (working translation)")
    assert spans[1][:2] == ("Preamble", "preamble")


def test_qualifier_on_its_own_line_belongs_to_the_title() -> None:
    text = (
        "Framework for a Settlement\n(working translation)\n\n1. A ceasefire holds.\n2. Monitors.\n"
    )
    first = segment(text)[0]
    assert (first.label, first.kind) == ("H1", "heading")
    assert text[first.start : first.end] == "Framework for a Settlement\n(working translation)"


@pytest.mark.parametrize(
    "sentence",
    [
        # A sentence with a long aside is not a title once its aside is left out.
        "The parties review these terms together every six months (or sooner, at the request "
        "of either party)",
        "The parties review the terms every six months (or sooner).",
        "The parties meet in Geneva (or in Vienna) and sign the accord\nwithin a week.",
    ],
)
def test_sentences_with_brackets_stay_text(sentence: str) -> None:
    text = f"{sentence}\n\n1. A ceasefire holds.\n2. Monitors watch the line.\n"
    assert segment(text)[0].kind == "preamble"


def test_title_and_qualifier_lines_without_blank_lines_as_a_pdf_gives_them() -> None:
    text = "Framework for a Settlement\n(working translation)\nThe delegations met.\n1. A.\n2. B.\n"
    spans = [(c.label, text[c.start : c.end]) for c in segment(text)]
    assert spans[:2] == [
        ("H1", "Framework for a Settlement\n(working translation)"),
        ("Preamble", "The delegations met."),
    ]


# -- bullets run together on one line --------------------------------------------------------


def test_bullets_run_together_after_a_bullet_are_split_with_a_note() -> None:
    text = "• an immediate ceasefire • the exchange of prisoners • talks within 100 days\n"
    result = segment_plan(text)
    spans = [(c.label, c.kind, text[c.start : c.end]) for c in result.clauses]
    assert spans == [
        ("•1", "bullet", "• an immediate ceasefire"),
        ("•2", "bullet", "• the exchange of prisoners"),
        ("•3", "bullet", "• talks within 100 days"),
    ]
    (note,) = [n for n in result.notes if n.kind == "run_together"]
    assert "•2, •3" in note.message


def test_bullets_run_together_after_a_points_text_are_its_bullets() -> None:
    text = "1. The board publishes: - its accounts. - its projects. - its audits.\n2. Next.\n"
    assert texts(text) == {
        "1": "1. The board publishes:",
        "1.•1": "- its accounts.",
        "1.•2": "- its projects.",
        "1.•3": "- its audits.",
        "2": "2. Next.",
    }


@pytest.mark.parametrize(
    "line",
    [
        "1. The board - two from each side and one chosen by both - meets in Vienna.",
        "1. The parties — after long talks — agree to meet.",
        "- a - b",  # ambiguous: a dash after a word is punctuation
        "1. Roads; bridges; schools.",  # a list separated by "; " has no bullets
        "1. The fund pays • once.",  # one glyph in a point's text is no list
        "- The parties agree. – Then they sign.",  # another glyph is not the same list
    ],
)
def test_dashes_as_punctuation_never_split(line: str) -> None:
    text = f"{line}\n"
    assert [c.kind for c in segment(text) if c.kind == "bullet"] == (
        ["bullet"] if line.startswith("-") else []
    )


GLYPHS = st.sampled_from(["•", "▪", "-", "–", "*"])
WORDS = st.sampled_from(["roads", "the parties", "600,000", "2.5 billion", "🕊", "мир", "a - b"])
ENDS = st.sampled_from(["", ".", ";", ",", " "])


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(["", "1. The fund finances: "]),
    GLYPHS,
    st.lists(st.tuples(WORDS, ENDS), min_size=1, max_size=6),
    st.booleans(),
)
def test_run_on_bullets_keep_offsets_exact(
    head: str, glyph: str, items: list[tuple[str, str]], after: bool
) -> None:
    """Whatever is split, every clause is its own text, the clauses never overlap, and every
    non-space character belongs to a clause; a strong bullet glyph always splits."""
    line = head + " ".join(f"{glyph} {w}{e}" for w, e in items)
    text = normalise(f"{line}\n\n2. After.\n" if after else line)
    clauses = segment(text)
    check_invariants(text, clauses)
    covered = {i for c in clauses for i in range(c.start, c.end)}
    assert all(ch.isspace() or i in covered for i, ch in enumerate(text))
    bullets = [c for c in clauses if c.kind == "bullet"]
    for b in bullets:
        assert text[b.start] == glyph
    if glyph in "•▪" and (not head or (after and len(items) >= 2)):
        assert len(bullets) == len(items)
