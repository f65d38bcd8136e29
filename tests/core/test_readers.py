"""Plan-file readers: every format, every encoding, every bad input."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from annotator.core.errors import InputError
from annotator.core.readers import MAX_BYTES, PlanText, read_plan, sniff_plan_format
from annotator.core.segment import segment
from annotator.core.text import document_key, is_normalised

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "plans"
UK_TEXT = (
    "ПЛАН ВРЕГУЛЮВАННЯ\n\nПреамбула документа.\n\n1. Перший пункт про гарантії безпеки.\n"
    "2. Другий пункт:\n   а) санкції;\n   б) вибори.\n3. Третій пункт про амністію.\n"
)


def labels(plan: PlanText) -> list[str]:
    return [c.label for c in segment(plan.text)]


# -- text and markdown --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["plan-cp1251.txt", "plan-utf16.txt", "plan-utf8-bom.txt"])
def test_text_encodings_decode_to_the_same_plan(name: str) -> None:
    plan = read_plan(FIXTURES / name)
    assert plan.text == UK_TEXT
    assert plan.key == document_key(UK_TEXT)
    assert plan.title == "ПЛАН ВРЕГУЛЮВАННЯ"
    assert (plan.source_format, plan.source_name) == ("txt", name)
    assert labels(plan) == ["H1", "Preamble", "1", "2", "2.а", "2.б", "3"]


def test_plain_text_keeps_every_character(tmp_path: Path) -> None:
    raw = "  Title  \r\n\r\n1.\tPoint with trailing spaces   \r\n\u200b2. Zero-width 🕊 e\u0301\r\n"
    path = tmp_path / "odd.txt"
    path.write_bytes(raw.encode("utf-8"))
    plan = read_plan(str(path))
    assert plan.text == "  Title  \n\n1.\tPoint with trailing spaces   \n\u200b2. Zero-width 🕊 é\n"
    assert plan.title == "Title"


def test_markdown(tmp_path: Path) -> None:
    plan = read_plan(FIXTURES / "plan.md")
    assert plan.source_format == "md"
    assert plan.title == "Markdown Plan"
    assert labels(plan) == ["H1", "Preamble", "1", "2", "2.a", "2.b", "3"]


def test_title_falls_back_to_stem(tmp_path: Path) -> None:
    path = tmp_path / "my-plan.txt"
    path.write_text("1. The parties agree to a ceasefire.\n2. Elections follow.\n", "utf-8")
    assert read_plan(path).title == "my-plan"


def test_unknown_extension_text_is_read(tmp_path: Path) -> None:
    path = tmp_path / "plan.v2"
    path.write_text("1. Ceasefire.\n", "utf-8")
    assert sniff_plan_format(path) == "txt"
    assert read_plan(path).text == "1. Ceasefire.\n"


def test_samples_read_and_segment() -> None:
    samples = Path(__file__).resolve().parents[2] / "resources" / "samples"
    points = {"draft-28-point.md": 28, "framework-20-point.txt": 20, "counter-24-point-uk.txt": 24}
    for name, count in points.items():
        assert (samples / name).stat().st_size < 12_000
        plan = read_plan(samples / name)
        assert is_normalised(plan.text)
        assert sum(c.kind == "point" for c in segment(plan.text)) == count
        assert "synthetic" in plan.title.lower() or "СИНТЕТИЧНИЙ" in plan.title


# -- HTML -----------------------------------------------------------------------------------------


def test_html_visible_text_only() -> None:
    plan = read_plan(FIXTURES / "plan.html")
    assert plan.source_format == "html"
    assert plan.title == "HTML Plan & Annex"
    assert plan.text == (
        "HTML Plan & Annex\n\nThe parties agree on the following points.\n\n"
        "1. Ceasefire on all fronts.\n2. Exchange of prisoners:\na. military;\nb. civilian.\n"
        "3. Sanctions relief in stages.\n\n• Note one\n\nFund | 2.5 billion"
    )
    for hidden in ("not a point", "Menu", "banner", "color", "JavaScript", "template", "footer"):
        assert hidden not in plan.text
    assert labels(plan) == ["H1", "Preamble", "1", "2", "2.a", "2.b", "3", "3.•1", "¶1"]


def test_html_sniffed_without_extension_and_meta_charset(tmp_path: Path) -> None:
    path = tmp_path / "page"
    html = '<!DOCTYPE html><html><head><meta charset="windows-1251"><title>Т</title></head>'
    html += '<body><ol start="3"><li>Третій</li><li value="7">Сьомий</li></ol></body></html>'
    path.write_bytes(html.encode("cp1251"))
    assert sniff_plan_format(path) == "html"
    plan = read_plan(path)
    assert plan.text == "3. Третій\n7. Сьомий"
    assert plan.title == "Т"


# -- Word -----------------------------------------------------------------------------------------


def test_docx_reconstructs_automatic_numbering(make_docx: Callable[..., Path]) -> None:
    path = make_docx(
        [("Preamble of the plan.", None), ("Ceasefire.", 0), ("Guarantees:", 0),
         ("consultations;", 1), ("assistance;", 1), ("air defence", 2), ("Elections.", 0)],
        table=[["Fund", "2.5 billion"], ["Troops", "600,000"]],
        title="Docx Plan",
    )  # fmt: skip
    plan = read_plan(path)
    assert plan.source_format == "docx"
    assert plan.title == "Docx Plan"
    assert plan.text == (
        "Docx Plan\n\nPreamble of the plan.\n\n1. Ceasefire.\n\n2. Guarantees:\n\n"
        "a) consultations;\n\nb) assistance;\n\n(i) air defence\n\n3. Elections.\n\n"
        "Fund | 2.5 billion\nTroops | 600,000"
    )
    assert labels(plan) == ["H1", "Preamble", "1", "2", "2.a", "2.b", "2.b.i", "3", "¶1"]


def test_docx_sniffed_by_content(make_docx: Callable[..., Path], tmp_path: Path) -> None:
    path = make_docx([("Point text.", 0)], name="renamed.bin")
    assert sniff_plan_format(path) == "docx"
    assert read_plan(path).text == "1. Point text."


# -- PDF ------------------------------------------------------------------------------------------


def test_pdf_text_layer(make_pdf: Callable[..., Path]) -> None:
    plan = read_plan(make_pdf(["PDF PLAN", "1. First point (alpha).", "2. Second point."]))
    assert plan.source_format == "pdf"
    assert plan.text == "PDF PLAN\n1. First point (alpha).\n2. Second point."
    assert plan.title == "PDF PLAN"
    assert labels(plan) == ["H1", "1", "2"]


def test_pdf_without_text_layer(make_blank_pdf: Callable[..., Path]) -> None:
    with pytest.raises(
        InputError, match=r"scan\.pdf: no text layer \(scanned PDF\?\): run OCR first"
    ):
        read_plan(make_blank_pdf())


# -- bad input ------------------------------------------------------------------------------------


def _error(path: os.PathLike[str] | str) -> str:
    with pytest.raises(InputError) as info:
        read_plan(path)
    message = str(info.value)
    assert str(path) in message and "\n" not in message
    return message


def test_missing_file(tmp_path: Path) -> None:
    assert "does not exist" in _error(tmp_path / "nope.txt")


def test_directory(tmp_path: Path) -> None:
    assert "directory" in _error(tmp_path)


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    assert "empty file" in _error(path)


def test_whitespace_only_file(tmp_path: Path) -> None:
    path = tmp_path / "blank.md"
    path.write_text(" \n\n\t\n", "utf-8")
    assert "no text" in _error(path)


def test_binary_files(tmp_path: Path) -> None:
    assert "binary" in _error(FIXTURES / "binary.bin")
    png = tmp_path / "image.txt"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(1, 32)) * 20)
    assert "binary" in _error(png)


def test_unsupported_formats(tmp_path: Path) -> None:
    doc = tmp_path / "old.doc"
    doc.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    assert ".docx" in _error(doc)
    archive = tmp_path / "data.zip"
    import zipfile

    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("a.txt", "hello")
    assert "zip" in _error(archive)
    exchange = tmp_path / "coder.json"
    exchange.write_text("{}", "utf-8")
    assert "exchange file" in _error(exchange)


def test_too_large_checked_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as fh:  # sparse: the size is there, the bytes are never read
        fh.truncate(MAX_BYTES + 1)
    message = _error(path)
    assert "too large" in message and "limit 50 MB" in message


def test_truncated_docx(make_docx: Callable[..., Path]) -> None:
    path = make_docx([("Point.", 0)])
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    assert "not a readable .docx" in _error(path)


def test_docx_extension_on_text(tmp_path: Path) -> None:
    path = tmp_path / "fake.docx"
    path.write_text("1. Not really Word.\n", "utf-8")
    assert "not a readable .docx" in _error(path)


@pytest.mark.parametrize(
    "data",
    [b"%PDF-1.4\ngarbage that is not a pdf at all\n", b"%PDF-1.7\n1 0 obj << /Type /Catalog"],
)
def test_corrupt_pdf(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(data)
    message = _error(path)
    assert "not a readable PDF" in message or "no text layer" in message


def test_truncated_pdf_is_one_quiet_error(
    make_pdf: Callable[..., Path], caplog: pytest.LogCaptureFixture
) -> None:
    path = make_pdf(["1. Point one.", "2. Point two."])
    data = path.read_bytes()
    path.write_bytes(data[:60])
    _error(path)
    # pypdf's repair warnings would reach the user's terminal next to the one-line error.
    assert not [r for r in caplog.records if r.name.startswith("pypdf")]
