"""A .qdpx shaped the way QualCoder 4.0's ``RefiExport`` writes one (see the fixtures in
tests/fixtures/qualcoder/ and their README), for property tests over texts of our own.

What it reproduces, because importers get it wrong: fresh GUIDs on every call; positions in UTF-16
code units (Qt cursor positions); the plain text written with a UTF-8 BOM, and with CRLF line
ends (positions still counted in the LF text) when ``crlf`` is set; ``PlainTextSelection/@name``
as Qt's ``selectedText()`` (U+2029 for a line break); a coding memo as the selection's
``Description``; users made from the coders' names; a ``Coding`` without ``creationDateTime``.
"""

from __future__ import annotations

import io
import uuid
import zipfile
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr


@dataclass(frozen=True)
class Coding:
    coder: str
    code: str
    start: int  # code points, as the coder selected
    end: int
    memo: str = ""


def utf16(text: str, cp: int) -> int:
    return len(text[:cp].encode("utf-16-le")) // 2


def qualcoder_qdpx(text: str, codings: list[Coding], *, crlf: bool = False) -> bytes:
    users = {name: str(uuid.uuid4()) for name in sorted({c.coder for c in codings})}
    codes = {name: str(uuid.uuid4()) for name in sorted({c.code for c in codings})}
    source, file_guid = str(uuid.uuid4()), str(uuid.uuid4())
    out = [
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<Project xmlns:xsd="http://www.w3.org/2001/XMLSchema" name="plan.qda" '
        f'origin="QualCoder 4.0 Beta" creatingUserGUID="{uuid.uuid4()}" '
        'creationDateTime="2026-02-01T09:00:00Z" xmlns="urn:QDA-XML:project:1.0">\n<Users>\n'
    ]
    out += [f'<User guid="{g}" name={quoteattr(n)} />\n' for n, g in users.items()]
    out.append("</Users>\n<CodeBook>\n<Codes>\n")
    out += [
        f'<Code guid="{g}" name={quoteattr(n)} isCodable="true" color="#3D6CB3" />\n'
        for n, g in codes.items()
    ]
    out.append(
        "</Codes>\n</CodeBook>\n<Sources>\n"
        f'<TextSource plainTextPath="internal://{file_guid}.txt" guid="{source}" name="plan.txt">\n'
    )
    for i, c in enumerate(codings):
        user = users[c.coder]
        name = text[c.start : c.end].replace("\n", "\u2029")
        out.append(
            f'<PlainTextSelection guid="{uuid.uuid4()}" startPosition="{utf16(text, c.start)}" '
            f'endPosition="{utf16(text, c.end)}" name={quoteattr(name)} creatingUser="{user}" '
            f'creationDateTime="2026-02-01T10:{i // 60:02d}:{i % 60:02d}Z">\n'
        )
        if c.memo:
            out.append(f"<Description>{escape(c.memo)}</Description>\n")
        out.append(
            f'<Coding guid="{uuid.uuid4()}" creatingUser="{user}" >\n'
            f'<CodeRef targetGUID="{codes[c.code]}" />\n</Coding>\n</PlainTextSelection>\n'
        )
    out.append("</TextSource>\n</Sources>\n</Project>\n")
    body = text.replace("\n", "\r\n") if crlf else text
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("project.qde", "".join(out).encode("utf-8"))
        zf.writestr(f"sources/{file_guid}.txt", body.encode("utf-8-sig"))
        zf.writestr("sources/plan.txt", text.encode("utf-8"))  # the unreferenced original
    return buf.getvalue()
