"""The text of a Word document's paragraphs as the author sees it with changes accepted.

python-docx's ``Paragraph.text`` reads only the runs directly under a paragraph or a hyperlink: it
drops text a reviewer inserted with track changes on (``w:ins``), inside smart tags, fields and
content controls (``w:sdt``), and keeps text formatted as hidden (``w:vanish``). A negotiated
draft is full of tracked changes, a template of content controls: a plan must not lose them, nor
show a hidden note as a point.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"

# Subtrees that are never the paragraph's text: deleted or moved-away text, a text box's own
# paragraphs (python-docx never read them either), the fallback copy of alternate content, and a
# field's instructions.
_SKIP = frozenset(
    {f"{W}del", f"{W}moveFrom", f"{W}txbxContent", f"{MC}Fallback", f"{W}instrText", f"{W}rPr",
     f"{W}pPr", f"{W}delText"}
)  # fmt: skip
_OFF = frozenset({"0", "false", "off"})


def _hidden(run: Any) -> bool:
    props = run.find(f"{W}rPr")
    if props is None:
        return False
    vanish = props.find(f"{W}vanish")
    return vanish is not None and (vanish.get(f"{W}val") or "true").lower() not in _OFF


def paragraph_text(p: Any) -> str:
    """The visible text of the ``w:p`` element ``p``: tabs as tabs, line breaks as newlines."""
    out: list[str] = []

    def walk(element: Any) -> None:
        for child in element:
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIP:
                continue
            if tag == f"{W}r" and _hidden(child):
                continue
            if tag == f"{W}t":
                out.append(child.text or "")
            elif tag == f"{W}tab":
                out.append("\t")
            elif tag in (f"{W}br", f"{W}cr"):
                out.append("\n")
            elif tag == f"{W}noBreakHyphen":
                out.append("-")
            elif tag != f"{W}p":  # a nested paragraph belongs to a text box
                walk(child)

    walk(p)
    return "".join(out)


def body_blocks(body: Any) -> Iterator[Any]:
    """The paragraphs and tables of the document body in order, also those inside block-level
    content controls and custom XML (a template can wrap the whole plan in one)."""
    for child in body:
        tag = child.tag
        if tag in (f"{W}p", f"{W}tbl"):
            yield child
        elif tag in (f"{W}sdt", f"{W}customXml"):
            content = child.find(f"{W}sdtContent") if tag == f"{W}sdt" else child
            if content is not None:
                yield from body_blocks(content)
