"""The corpus cases as other files carry them: UTF-16, cp1251, HTML, Word and PDF.

Each builder writes the case's text the way a coder receives it: HTML either as one ``<p>`` per line
(a news page) or as ``<ol>`` lists with ``value`` for gaps, always with hidden elements that must
never become text; Word either as one paragraph per line (a pasted copy) or with Word's automatic
numbering (a new list instance with ``startOverride`` where the source skips numbers); PDF with its
lines wrapped, so that points break across lines.
"""

from __future__ import annotations

import html
import re
import textwrap
from pathlib import Path

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
HIDDEN = (
    '<div style="display:none">1. A hidden point that is never text.</div>'
    "<p hidden>2. Another hidden point.</p>"
    "<template><p>3. Template point.</p></template>"
    '<script>var plan = "4. Script point.";</script>'
    '<div style="color: red; display: none"><div><p>5. Nested hidden point.</p></div></div>'
)
HIDDEN_WORDS = ("hidden point", "Template point", "Script point")

_TOP = re.compile(r"(\d+)[.)]\s+(.*)")
_SUB = re.compile(r"\(?([a-z])[.)]\s+(.*)")
_ROMAN_SUB = re.compile(r"\(?(i{1,3}|iv|v)[.)]\s+(.*)")
_BUL = re.compile(r"[-•*]\s+(.*)")


def write_utf16(text: str, path: Path) -> Path:
    path.write_bytes(text.replace("\n", "\r\n").encode("utf-16"))  # with BOM, as Notepad saves
    return path


def write_cp1251(text: str, path: Path) -> Path:
    path.write_bytes(text.encode("cp1251"))
    return path


def encodable(text: str, encoding: str) -> bool:
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


def write_html_paragraphs(text: str, path: Path) -> Path:
    body = "".join(f"<p>{html.escape(line)}</p>\n" for line in text.split("\n") if line.strip())
    page = (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>Plan</title>'
        "<style>.x { display: none }</style></head><body>"
        f"<nav>Home | World</nav><article>{HIDDEN}{body}</article></body></html>"
    )
    path.write_text(page, encoding="utf-8")
    return path


def write_html_lists(text: str, path: Path) -> Path:
    """Points as ``<li value=N>`` of one ``<ol>``; letters, roman numerals and bullets nested."""
    out = ['<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>', HIDDEN]
    in_list = False
    sub: str | None = None  # the open nested list's tag
    item_open = False

    def close_sub() -> None:
        nonlocal sub
        if sub:
            out.append(f"</{sub}>")
            sub = None

    for line in text.split("\n"):
        line = line.strip()
        if not line:
            continue
        top = _TOP.fullmatch(line)
        roman = _ROMAN_SUB.fullmatch(line) if in_list else None
        letter = _SUB.fullmatch(line) if in_list and roman is None else None
        bullet = _BUL.fullmatch(line) if in_list else None
        if top:
            close_sub()
            if item_open:
                out.append("</li>")
            if not in_list:
                out.append("<ol>")
                in_list = True
            out.append(f'<li value="{top[1]}">{html.escape(top[2])}')
            item_open = True
        elif roman or letter or bullet:
            kind = '<ol type="i">' if roman else '<ol type="a">' if letter else "<ul>"
            tag = "ul" if bullet else "ol"
            if sub is None:
                out.append(kind)
                sub = tag
            body = (roman or letter or bullet)[2 if not bullet else 1]  # type: ignore[index]
            out.append(f"<li>{html.escape(body)}</li>")
        else:
            close_sub()
            if item_open:
                out.append("</li>")
                item_open = False
            if in_list:
                out.append("</ol>")
                in_list = False
            out.append(f"<p>{html.escape(line)}</p>")
    close_sub()
    if item_open:
        out.append("</li>")
    if in_list:
        out.append("</ol>")
    out.append("</body></html>")
    path.write_text("\n".join(out), encoding="utf-8")
    return path


def write_docx_paragraphs(text: str, path: Path) -> Path:
    import docx

    document = docx.Document()
    for line in text.split("\n"):
        if line.strip():
            document.add_paragraph(line.strip())
    document.save(str(path))
    return path


def _abstract(abstract_id: int) -> str:
    return (
        f'<w:abstractNum xmlns:w="{W_NS}" w:abstractNumId="{abstract_id}">'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
        '<w:lvlText w:val="%1."/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/>'
        '<w:lvlText w:val="%2)"/></w:lvl>'
        '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="bullet"/>'
        '<w:lvlText w:val="•"/></w:lvl>'
        "</w:abstractNum>"
    )


def write_docx_numbered(text: str, path: Path) -> Path:
    """Points and lettered sub-points with Word's automatic numbering, as an author types them.

    Where the source skips numbers a new list instance starts at the next number (Word's "Set
    numbering value"), so the numbers are in numbering.xml and not in the paragraph text.
    """
    import docx
    from docx.oxml import parse_xml

    document = docx.Document()
    numbering = document.part.numbering_part.element
    numbering.insert(0, parse_xml(_abstract(70)))
    num_id = 70
    expected: int | None = None

    def new_list(start: int) -> None:
        nonlocal num_id
        num_id += 1
        numbering.append(
            parse_xml(
                f'<w:num xmlns:w="{W_NS}" w:numId="{num_id}"><w:abstractNumId w:val="70"/>'
                f'<w:lvlOverride w:ilvl="0"><w:startOverride w:val="{start}"/></w:lvlOverride>'
                "</w:num>"
            )
        )

    for line in text.split("\n"):
        line = line.strip()
        if not line:
            continue
        top = _TOP.fullmatch(line)
        letter = _SUB.fullmatch(line) if expected is not None else None
        bullet = _BUL.fullmatch(line) if expected is not None else None
        if top:
            value = int(top[1])
            if value != expected:
                new_list(value)
            expected = value + 1
            body, level = top[2], 0
        elif letter:
            body, level = letter[2], 1
        elif bullet:
            body, level = bullet[1], 2
        else:
            document.add_paragraph(line)
            continue
        paragraph = document.add_paragraph(body)
        paragraph._p.get_or_add_pPr().append(
            parse_xml(
                f'<w:numPr xmlns:w="{W_NS}"><w:ilvl w:val="{level}"/>'
                f'<w:numId w:val="{num_id}"/></w:numPr>'
            )
        )
    document.save(str(path))
    return path


def write_pdf(text: str, path: Path) -> Path:
    """A PDF whose lines are wrapped at 60 characters: points break across lines."""
    from tests.core.conftest import build_pdf

    lines: list[str] = []
    for line in text.split("\n"):
        lines.extend(textwrap.wrap(line, 60) or [""])
    return build_pdf(path, lines)
