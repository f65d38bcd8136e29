"""Files are recognised by their content, not their name."""

from __future__ import annotations

import io
import sqlite3
import zipfile
from pathlib import Path

import pytest

from annotator.core.errors import InputError
from annotator.core.sniff import sniff

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "qualcoder"


def zip_with(path: Path, *names: str) -> Path:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name in names:
            zf.writestr(name, "x")
    path.write_bytes(buf.getvalue())
    return path


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("plan.txt", b"1. A point.\n2. Another.", "plan"),
        ("plan.txt", b"{ braces open this plan\n1. A point.", "plan"),
        ("plan.md", "\ufeff# Plan\n".encode(), "plan"),
        ("page.html", b"<!doctype html><html><body>1. A</body></html>", "plan"),
        ("x.txt", b'{"format": "plan-annotations", "version": 1}', "exchange"),
        ("c.txt", b'{"format": "plan-codebook", "categories": []}', "codebook"),
        ("other.json", b'{"format": "something-else"}', "json"),
        ("broken.json", b'{"format": ', "json"),
        ("x.txt", b'<?xml version="1.0"?><Project xmlns="urn:QDA-XML:project:1.0"/>', "qde"),
        ("sqlite.txt", b"SQLite format 3\x00" + b"\0" * 100, "sqlite"),
    ],
)
def test_kinds_by_content(tmp_path: Path, name: str, content: bytes, kind: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    assert sniff(path) == kind


def test_qualcoder_files_by_content_whatever_their_names(tmp_path: Path) -> None:
    qdc = tmp_path / "codebook.txt"
    qdc.write_bytes((FIXTURES / "05_codebook.qdc").read_bytes())  # with its UTF-8 BOM
    assert sniff(qdc) == "qdc"
    qdpx = tmp_path / "project.zip"
    qdpx.write_bytes((FIXTURES / "01_two_coders_category_memos.qdpx").read_bytes())
    assert sniff(qdpx) == "qdpx"


def test_zips_and_databases(tmp_path: Path) -> None:
    assert sniff(zip_with(tmp_path / "a.docx", "word/document.xml")) == "plan"
    assert sniff(zip_with(tmp_path / "a.xlsx", "xl/workbook.xml")) == "xlsx"
    assert sniff(zip_with(tmp_path / "a.zip", "readme.txt")) == "zip"
    broken = tmp_path / "broken.bin"
    broken.write_bytes(b"PK\x03\x04" + b"\0" * 30)
    assert sniff(broken) == "damaged"
    ours = tmp_path / "project.sqlite"
    with sqlite3.connect(ours) as conn:
        conn.executescript(
            "CREATE TABLE coder(id); CREATE TABLE clause(id); CREATE TABLE annotation(id);"
        )
    assert sniff(ours) == "project"
    with pytest.raises(InputError, match=r"missing\.txt"):
        sniff(tmp_path / "missing.txt")
