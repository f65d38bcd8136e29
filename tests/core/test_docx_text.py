"""Word documents as negotiators leave them: tracked changes, hidden text, smart tags, content
controls (also around whole paragraphs), fields and text boxes. The plan's text is what the author
sees with the changes accepted; nothing visible is lost, nothing hidden or deleted is text."""

from __future__ import annotations

from pathlib import Path

from annotator.core.readers import read_plan
from annotator.core.segment import segment_plan

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = f'xmlns:w="{W}"'
STAMP = 'w:author="A" w:date="2025-01-01T00:00:00Z"'


def _run(text: str, props: str = "") -> str:
    return f"<w:r {NS}>{props}<w:t xml:space='preserve'>{text}</w:t></w:r>"


def build(path: Path) -> Path:
    import docx
    from docx.oxml import parse_xml

    document = docx.Document()
    document.add_paragraph("Framework")
    document.add_paragraph("1. The ceasefire holds.")
    p = document.add_paragraph("2. Forces withdraw ")
    p._p.append(parse_xml(f'<w:ins {NS} w:id="1" {STAMP}>{_run("within 30 days")}</w:ins>'))
    deleted = "<w:r><w:delText>within 90 days</w:delText></w:r>"
    p._p.append(parse_xml(f'<w:del {NS} w:id="2" {STAMP}>{deleted}</w:del>'))
    p._p.append(parse_xml(_run(".")))
    p = document.add_paragraph("3. Prisoners are exchanged.")
    p._p.append(parse_xml(_run(" 9. A hidden note.", "<w:rPr><w:vanish/></w:rPr>")))
    p._p.append(parse_xml(_run(" All for all.", '<w:rPr><w:vanish w:val="0"/></w:rPr>')))
    p = document.add_paragraph("4. Talks begin")
    p._p.append(
        parse_xml(f'<w:smartTag {NS} w:uri="u" w:element="city">{_run(" in Geneva")}</w:smartTag>')
    )
    field = (
        f"<w:r {NS}><w:fldChar w:fldCharType='begin'/></w:r>"
        f"<w:r {NS}><w:instrText>DATE \\@ yyyy</w:instrText></w:r>"
        f"<w:r {NS}><w:fldChar w:fldCharType='separate'/></w:r>{_run(' in 2026')}"
        f"<w:r {NS}><w:fldChar w:fldCharType='end'/></w:r>"
    )
    for part in parse_xml(f"<w:p {NS}>{field}</w:p>"):
        p._p.append(part)
    p._p.append(parse_xml(_run(".")))
    p = document.add_paragraph("")
    p._p.append(
        parse_xml(
            f"<w:sdt {NS}><w:sdtContent>{_run('5. Elections follow.')}</w:sdtContent></w:sdt>"
        )
    )
    body = document.element.body
    block = parse_xml(
        f"<w:sdt {NS}><w:sdtContent><w:p>{_run('6. Sanctions are lifted.')}</w:p>"
        f"<w:p>{_run('7. The plan is binding.')}</w:p></w:sdtContent></w:sdt>"
    )
    body.insert(len(body) - 1, block)  # before the section properties
    document.save(str(path))
    return path


def test_tracked_changes_hidden_text_and_content_controls(tmp_path: Path) -> None:
    text = read_plan(build(tmp_path / "negotiated.docx")).text
    assert text.split("\n\n") == [
        "Framework",
        "1. The ceasefire holds.",
        "2. Forces withdraw within 30 days.",
        "3. Prisoners are exchanged. All for all.",
        "4. Talks begin in Geneva in 2026.",
        "5. Elections follow.",
        "6. Sanctions are lifted.",
        "7. The plan is binding.",
    ]
    labels = [c.label for c in segment_plan(text).clauses if c.kind == "point"]
    assert labels == ["1", "2", "3", "4", "5", "6", "7"]
