"""The segmentation corpus (tests/fixtures/segment_corpus): every case, in every file form.

Each case must give exactly its expected point, sub-point and bullet labels, no duplicate label,
and the notes it expects -- as read from its own file, through ``annotator segment --json``, and
as UTF-16, cp1251, HTML (paragraphs and lists, with hidden elements), Word (pasted paragraphs and
automatic numbering) and PDF (lines wrapped inside points).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.cli.main import run
from annotator.core.readers import read_plan
from annotator.core.segment import segment_plan
from annotator.core.text import normalise
from tests.segment_corpus import Case, load_cases, problems, score, segment_case
from tests.segment_corpus import variants as v

CASES = load_cases()
BY_NAME = {c.name: c for c in CASES}
REQUIRED = {
    "gap", "late_start", "mixed_delimiter", "no_delimiter_bracket", "subpoints_restart",
    "inline_subpoints", "bullets", "run_together", "editorial_marks", "footnotes",
    "prose_numbers", "repeated_number", "annex_restart", "table_of_figures", "unfollowable",
    "no_numbering", "cyrillic", "roman", "keyword",
}  # fmt: skip
# Cases whose layout is a list an author would make with Word numbering or an HTML <ol>.
LISTS = [
    "gap-28-draft", "late-start-excerpt", "subpoints-restart", "subpoint-letters-then-gap",
    "bullets-under-points", "repeated-number", "line-wrapped", "paren-numbers",
    "bullets-top-and-under", "preamble-and-closing", "parts-restart", "cyrillic-paren-points",
    "wrapped-subpoints", "ocr-misread-numbers", "amended-inserted-points",
]  # fmt: skip
WORD_LISTS = [
    "gap-28-draft", "late-start-excerpt", "subpoint-letters-then-gap", "bullets-under-points",
    "line-wrapped", "preamble-and-closing", "repeated-number", "parts-restart",
    "wrapped-subpoints", "ocr-misread-numbers", "amended-inserted-points",
]  # fmt: skip


def as_list(case: Case) -> Case:
    """The case as a list writes it: every point in the list's style, so no delimiter notes."""
    return dataclasses.replace(case, notes=tuple(n for n in case.notes if not set(n) & set(")–[")))


def ids(cases: list[Case]) -> list[str]:
    return [c.name for c in cases]


def test_corpus_is_large_and_covers_every_phenomenon() -> None:
    assert len(CASES) >= 30
    covered = {p for c in CASES for p in c.phenomena}
    assert covered >= REQUIRED, REQUIRED - covered
    assert len({c.file for c in CASES}) == len(CASES)
    on_disk = {p.name for p in v.Path(CASES[0].path).parent.iterdir() if p.suffix != ".json"}
    assert on_disk == {c.file for c in CASES}  # no plan without expectations


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_case(case: Case) -> None:
    clauses, notes = segment_case(case)
    assert problems(case, clauses, notes) == []


def test_score_is_complete() -> None:
    table = score(CASES)
    assert table["all"] == (len(CASES), len(CASES))


def cli_segment(path: Path, capsys: pytest.CaptureFixture[str]) -> dict:  # type: ignore[type-arg]
    assert run(["segment", str(path), "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert isinstance(payload, dict)
    return payload


def check_file(case: Case, path: Path, capsys: pytest.CaptureFixture[str]) -> dict:  # type: ignore[type-arg]
    payload = cli_segment(path, capsys)
    assert problems(case, payload["clauses"], payload["notes"]) == [], path.name
    text = read_plan(path).text
    for c in payload["clauses"]:
        assert text[c["start"] : c["end"]] == c["text"]
    return payload


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_case_through_cli_json(case: Case, capsys: pytest.CaptureFixture[str]) -> None:
    payload = check_file(case, case.path, capsys)
    assert len(payload["notes"]) == len(payload["note_kinds"])


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_utf16(case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = v.write_utf16(case.path.read_text("utf-8"), tmp_path / case.file)
    check_file(case, path, capsys)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("name", ["gap-28-draft", "cyrillic-uk", "mixed-delimiters"])
def test_utf16_without_byte_order_mark(
    name: str, encoding: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case = BY_NAME[name]
    path = tmp_path / case.file
    path.write_bytes(case.path.read_text("utf-8").encode(encoding))
    check_file(case, path, capsys)


CP1251 = [c for c in CASES if v.encodable(c.path.read_text("utf-8"), "cp1251")]


@pytest.mark.parametrize("case", CP1251, ids=ids(CP1251))
def test_cp1251(case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = v.write_cp1251(case.path.read_text("utf-8"), tmp_path / case.file)
    check_file(case, path, capsys)


def test_cp1251_includes_the_cyrillic_cases() -> None:
    assert {"cyrillic-uk", "cyrillic-ru"} <= {c.name for c in CP1251}


Writer = Callable[[str, Path], Path]
FORMS: list[tuple[str, Writer, str]] = [
    ("html-paragraphs", v.write_html_paragraphs, ".html"),
    ("docx-paragraphs", v.write_docx_paragraphs, ".docx"),
]


@pytest.mark.parametrize("form", FORMS, ids=[f[0] for f in FORMS])
@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_html_and_word_paragraphs(
    case: Case, form: tuple[str, Writer, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, write, suffix = form
    path = write(case.path.read_text("utf-8"), tmp_path / f"{case.name}{suffix}")
    check_file(case, path, capsys)
    text = read_plan(path).text
    assert not any(word in text for word in v.HIDDEN_WORDS)


@pytest.mark.parametrize("name", LISTS)
def test_html_lists(name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = as_list(BY_NAME[name])
    path = v.write_html_lists(case.path.read_text("utf-8"), tmp_path / f"{name}.html")
    check_file(case, path, capsys)
    assert not any(word in read_plan(path).text for word in v.HIDDEN_WORDS)


@pytest.mark.parametrize("name", WORD_LISTS)
def test_word_automatic_numbering(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case = as_list(BY_NAME[name])
    path = v.write_docx_numbered(case.path.read_text("utf-8"), tmp_path / f"{name}.docx")
    import docx

    paragraphs = [p.text for p in docx.Document(str(path)).paragraphs]
    assert not any(p.startswith(("1.", "9.", "10.")) for p in paragraphs)  # numbers are Word's
    check_file(case, path, capsys)


PDF = [c for c in CASES if v.encodable(c.path.read_text("utf-8"), "latin-1")]


@pytest.mark.parametrize("case", PDF, ids=ids(PDF))
def test_pdf_with_lines_wrapped_inside_points(
    case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = v.write_pdf(case.path.read_text("utf-8"), tmp_path / f"{case.name}.pdf")
    # A PDF keeps no blank line, so a sentence-case heading between points reads as their text.
    check_file(dataclasses.replace(case, headings=None), path, capsys)


def test_pdf_cases_are_many() -> None:
    assert len(PDF) >= 10


# -- hidden HTML --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "hidden",
    [
        '<div style="display:none">1. Hidden.</div>',
        '<div style="DISPLAY : none;">1. Hidden.</div>',
        '<div style="visibility: hidden">1. Hidden.</div>',
        "<div hidden>1. Hidden.</div>",
        "<section hidden><div><p>1. Hidden.<p>still hidden</div></section>",
        "<template><p>1. Hidden.</p></template>",
        "<script>document.write('1. Hidden.')</script>",
        "<aside><h3>Most read</h3><ol><li>Hidden.</li><li>Also hidden.</li></ol></aside>",
        '<span aria-hidden="true">1. Hidden.</span>',
    ],
)
def test_hidden_html_is_never_text(hidden: str, tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(f"<html><body>{hidden}<p>Visible words.</p></body></html>", encoding="utf-8")
    plan = read_plan(path)
    assert plan.text == "Visible words."
    assert [c.label for c in segment_plan(plan.text).clauses] == ["¶1"]


# -- properties ---------------------------------------------------------------------------------

PIECES = st.sampled_from(
    ["1. ", "2. ", "4. ", "14) ", "7 – ", "10 [x] ", "a) ", "(b) ", "ii. ", "- ", "• ",
     "Point 3: ", "[…] ", "[B]", "[...truncated] ", "¹", "2025. ", "600,000 ", "Article 5 ",
     "point 7 says ", "The parties agree", ". ", "; ", ": ", "\n", "\n\n", "  ", "а) ", "9. ",
     "| 3 | 4 |", "# ", "**6.** ", "🕊", "ANNEX", "3. 1,200 45"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, max_size=50).map("".join), st.sampled_from(["auto", "paragraphs"]))
def test_offsets_and_labels(raw: str, mode: str) -> None:
    text = normalise(raw)
    result = segment_plan(text, mode)
    previous_end = 0
    labels = [c.label for c in result.clauses]
    assert len(labels) == len(set(labels))
    for c in result.clauses:
        assert previous_end <= c.start < c.end <= len(text)  # ordered, never overlapping
        span = text[c.start : c.end]
        assert span == span.strip() and span
        previous_end = c.end
    assert result == segment_plan(text, mode)


def test_html_list_items_that_carry_their_own_numbers(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(
        "<html><body><ol><li>1. First.</li><li><p>2. Second.</p></li><li>14) Fourteenth.</li>"
        "<li><b>17.</b> Seventeenth.</li></ol><ol start='18'><li>2025 was a year.</li>"
        "<li>Unnumbered.</li></ol></body></html>",
        encoding="utf-8",
    )
    text = read_plan(path).text
    assert [line for line in text.split("\n") if line] == [
        "1. First.", "2. Second.", "14) Fourteenth.", "17. Seventeenth.", "18. 2025 was a year.",
        "19. Unnumbered.",
    ]  # fmt: skip
    result = segment_plan(text)
    assert [c.label for c in result.clauses] == ["1", "2", "14", "17", "18", "19"]


def test_word_items_that_carry_their_own_numbers(tmp_path: Path) -> None:
    from tests.core.conftest import build_docx

    items = [("1. First typed.", 0), ("Second numbered by Word.", 0), ("4) Typed.", 0)]
    path = build_docx(tmp_path / "double.docx", [*items, ("a) typed", 1), ("by Word", 1)])
    text = read_plan(path).text
    assert [line for line in text.split("\n") if line] == [
        "1. First typed.", "2. Second numbered by Word.", "4) Typed.", "a) typed", "b) by Word",
    ]  # fmt: skip
    labels = [c.label for c in segment_plan(text).clauses]
    assert labels == ["1", "2", "4", "4.a", "4.b"]
