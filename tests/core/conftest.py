"""Builders for Word and PDF plan files, made at test time so no binary fixtures are kept."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _abstract_num_xml(abstract_id: int) -> str:
    # Level 0 "1." decimal, level 1 "a)" lowerLetter, level 2 "(i)" lowerRoman.
    return (
        f'<w:abstractNum xmlns:w="{W_NS}" w:abstractNumId="{abstract_id}">'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
        '<w:lvlText w:val="%1."/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/>'
        '<w:lvlText w:val="%2)"/></w:lvl>'
        '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="lowerRoman"/>'
        '<w:lvlText w:val="(%3)"/></w:lvl>'
        "</w:abstractNum>"
    )


def build_docx(
    path: Path,
    items: list[tuple[str, int | None]],
    table: list[list[str]] | None = None,
    title: str | None = None,
) -> Path:
    """Write a .docx whose paragraphs are (text, ilvl); ilvl None = not numbered.

    Numbered paragraphs carry no number in their text, only a numPr pointing at a list we inject
    into numbering.xml, exactly as Word's automatic numbering does.
    """
    import docx
    from docx.oxml import parse_xml

    document = docx.Document()
    numbering = document.part.numbering_part.element
    numbering.insert(0, parse_xml(_abstract_num_xml(90)))
    numbering.append(
        parse_xml(f'<w:num xmlns:w="{W_NS}" w:numId="91"><w:abstractNumId w:val="90"/></w:num>')
    )
    if title:
        document.add_heading(title, level=0)
    for text, ilvl in items:
        paragraph = document.add_paragraph(text)
        if ilvl is not None:
            ppr = paragraph._p.get_or_add_pPr()
            ppr.append(
                parse_xml(
                    f'<w:numPr xmlns:w="{W_NS}"><w:ilvl w:val="{ilvl}"/>'
                    '<w:numId w:val="91"/></w:numPr>'
                )
            )
    if table:
        t = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                t.cell(r, c).text = value
    document.save(str(path))
    return path


def _pdf_escape(s: str) -> str:
    return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def build_pdf(path: Path, lines: list[str]) -> Path:
    """Write a one-page PDF with a Helvetica text layer holding ``lines`` (ASCII)."""
    ops = ["BT", "/F1 11 Tf", "14 TL", "72 750 Td"]
    for line in lines:
        ops.append(f"({_pdf_escape(line)}) Tj T*")
    ops.append("ET")
    stream = "\n".join(ops).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    path.write_bytes(bytes(out))
    return path


def build_blank_pdf(path: Path) -> Path:
    """A PDF with a page and no text layer, like a scan."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    with path.open("wb") as fh:
        writer.write(fh)
    return path


@pytest.fixture
def make_docx(tmp_path: Path) -> Callable[..., Path]:
    def make(items: list[tuple[str, int | None]], name: str = "plan.docx", **kw: object) -> Path:
        return build_docx(tmp_path / name, items, **kw)  # type: ignore[arg-type]

    return make


@pytest.fixture
def make_pdf(tmp_path: Path) -> Callable[..., Path]:
    def make(lines: list[str], name: str = "plan.pdf") -> Path:
        return build_pdf(tmp_path / name, lines)

    return make


@pytest.fixture
def make_blank_pdf(tmp_path: Path) -> Callable[..., Path]:
    def make(name: str = "scan.pdf") -> Path:
        return build_blank_pdf(tmp_path / name)

    return make
