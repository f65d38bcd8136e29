"""Plan files that are not what their names say, as users' folders hold them.

``build(folder)`` writes each and returns {name: (path, what the one-line error must say)}; the
accepted ones (a page full of scripts and frames) are in ``build_accepted``.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from tests.core.conftest import build_blank_pdf, build_pdf

BIG_LINE = b"1. The parties agree to this clause of the framework.\n"


def _encrypted_pdf(path: Path, plain: Path) -> Path:
    import pypdf

    writer = pypdf.PdfWriter()
    for page in pypdf.PdfReader(str(plain)).pages:
        writer.add_page(page)
    writer.encrypt("secret")
    with path.open("wb") as fh:
        writer.write(fh)
    return path


_BODY = (
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    "<w:body><w:p><w:r><w:t>1. {}</w:t></w:r></w:p></w:body></w:document>"
)
# "Billion laughs": entities that expand to gigabytes when a parser resolves them.
_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">'
    + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    + "]>"
    + _BODY.format("&lol9;")
)
# An external entity that would read a local file into the plan.
_EXTERNAL = (
    '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/hostname">]>'
    + _BODY.format("A point.&xxe;")
)


def _docx_with_body(path: Path, document_xml: str) -> Path:
    """A real Word document whose word/document.xml is replaced by ``document_xml``."""
    import io

    import docx

    blank = io.BytesIO()
    docx.Document().save(blank)
    with zipfile.ZipFile(blank) as source, zipfile.ZipFile(path, "w") as out:
        for name in source.namelist():
            data = document_xml.encode() if name == "word/document.xml" else source.read(name)
            out.writestr(name, data)
    return path


def build(folder: Path) -> dict[str, tuple[Path, str]]:
    folder.mkdir(parents=True, exist_ok=True)
    made: dict[str, tuple[Path, str]] = {}

    def add(name: str, data: bytes, problem: str) -> None:
        path = folder / name
        path.write_bytes(data)
        made[name] = (path, problem)

    other = folder / "notes-archive.docx"  # a zip of something else, named .docx
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("readme.txt", "1. Not a Word document.")
    made[other.name] = (other, "without word/document.xml")
    odt = folder / "saved-as-odt.docx"  # LibreOffice's package under a Word name
    with zipfile.ZipFile(odt, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    made[odt.name] = (odt, "not a Word document")
    bomb = folder / "bomb.docx"  # 1.2 MB that would inflate to 600 MB
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w") as fh:
            for _ in range(600):
                fh.write(bytes(1 << 20))
    made[bomb.name] = (bomb, "zip bomb")
    laughs = _docx_with_body(folder / "laughs.docx", _LAUGHS)
    made[laughs.name] = (laughs, "not a readable .docx")
    scan = build_blank_pdf(folder / "scan.pdf")
    made[scan.name] = (scan, "no text layer")
    plain = build_pdf(folder / "plain.pdf.tmp", ["1. One point.", "2. Two points."])
    locked = _encrypted_pdf(folder / "locked.pdf", plain)
    plain.unlink()
    made[locked.name] = (locked, "encrypted")
    add("html-named.pdf", b"<html><body><p>1. A point.</p></body></html>", "not a readable PDF")
    add("empty.txt", b"", "empty file")
    add("bom-only.txt", b"\xef\xbb\xbf", "contains no text")
    add("photo.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 10, "binary")
    add("nuls.txt", b"1. One.\n\x00\x00\x002. Two.\n", "NUL bytes")
    broken = "1. Перший пункт.\n2. Другий.\n".encode() + b"\xff\xfe\xc3(\n3. Third.\n"
    add("broken-utf8.txt", broken, "not valid UTF-8: invalid bytes at byte 45 (line 3)")
    big = folder / "big.txt"
    with big.open("wb") as fh:
        fh.write(BIG_LINE * (51 * 1024 * 1024 // len(BIG_LINE)))
    made[big.name] = (big, "too large")
    return made


HOSTILE_PAGE = (
    "<html><head><style>p::before{content:'9. style'}</style>"
    "<script>document.write('7. script')</script></head><body>"
    "<iframe src='https://example.invalid/'>8. frame</iframe><noscript>6. noscript</noscript>"
    "<object data='x.swf'>5. object</object><svg><text>4. svg</text></svg>"
    "<p>1. A visible point.</p><p>2. Another.</p></body></html>"
)


def build_accepted(folder: Path) -> Path:
    path = folder / "page-with-scripts.html"
    path.write_text(HOSTILE_PAGE, encoding="utf-8")
    return path


def build_external_entity(folder: Path) -> Path:
    """A .docx whose XML asks for a local file: it must read as its own text only."""
    return _docx_with_body(folder / "external-entity.docx", _EXTERNAL)
