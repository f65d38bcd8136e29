"""What a file is, from its first bytes rather than its name.

``annotator import Codebook.qdc`` must not import the XML as a plan text, and a ``.qdpx`` renamed
``.zip`` is still a project. Only the head of the file is read (and, for a zip, its directory).
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

from annotator.core.errors import InputError

HEAD = 4096
SQLITE_MAGIC = b"SQLite format 3\x00"
PLAN_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".docx", ".pdf", ".html", ".htm", ".text"})
_ROOT_RE = re.compile(rb"<([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)[^>]*?xmlns(?::\w+)?=\"([^\"]*)\"")

#: Kinds: "plan", "exchange", "codebook" (JSON), "qdc", "qdpx", "project" (our SQLite),
#: "qde" (a bare project.qde), "sqlite" (another database), "xlsx", "zip", "damaged" (a zip that
#: cannot be read), "json" (JSON of no known format).
KINDS = (
    "plan",
    "exchange",
    "codebook",
    "qdc",
    "qdpx",
    "project",
    "qde",
    "sqlite",
    "xlsx",
    "zip",
    "damaged",
    "json",
)


#: Kinds that are neither a plan nor something an import takes, and what to do instead.
REFUSALS = {
    "project": "is a Plan Annotator project, not a plan: open it as a project, or export its "
    "annotations to an exchange file and import that",
    "qde": "is a bare REFI-QDA project.qde without its sources: import the .qdpx it came from",
    "sqlite": "is an SQLite database, not a plan or a project of this program",
    "xlsx": "is a spreadsheet, not a plan",
    "zip": "is a zip archive without a project.qde, so not a REFI-QDA project (.qdpx)",
    "damaged": "is a damaged zip archive that cannot be read",
}


def sniff(path: str | Path) -> str:
    """The kind of the file at ``path`` (see :data:`KINDS`); ``plan`` for anything textual."""
    p = Path(path)
    try:
        with open(p, "rb") as fh:
            head = fh.read(HEAD)
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", source=str(p)) from None
    if head.startswith(SQLITE_MAGIC):
        return "project" if _is_our_project(p) else "sqlite"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _zip_kind(p)
    body = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if body.startswith(b"<"):
        match = _ROOT_RE.search(body)
        if match:
            tag, namespace = match.group(2), match.group(3)
            if tag == b"CodeBook" and namespace.startswith(b"urn:QDA-XML:codebook"):
                return "qdc"
            if tag == b"Project" and namespace.startswith(b"urn:QDA-XML:project"):
                return "qde"
        return "plan"  # HTML and other markup are plan texts
    if body.startswith(b"{"):
        return _json_kind(p)
    return "plan"


def _zip_kind(p: Path) -> str:
    try:
        with zipfile.ZipFile(p) as zf:
            names = {n.replace("\\", "/").lower() for n in zf.namelist()}
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError):
        # A damaged file: the reader its name points to says what is wrong with it.
        return {".docx": "plan", ".qdpx": "qdpx", ".xlsx": "xlsx"}.get(p.suffix.lower(), "damaged")
    if "project.qde" in names:
        return "qdpx"
    if "word/document.xml" in names:
        return "plan"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if p.suffix.lower() == ".docx":
        return "plan"  # the plan reader names what a .docx without its text is
    return "zip"


def _json_kind(p: Path) -> str:
    try:
        data = json.loads(p.read_bytes().decode("utf-8-sig"))
    except (OSError, UnicodeDecodeError, ValueError):
        # A .json the exchange reader will report on; any other name: a text that opens with "{".
        return "json" if p.suffix.lower() == ".json" else "plan"
    if isinstance(data, dict):
        if data.get("format") == "plan-annotations":
            return "exchange"
        if data.get("format") == "plan-codebook" or (
            "categories" in data and "annotations" not in data
        ):
            return "codebook"
    return "json" if p.suffix.lower() == ".json" or isinstance(data, dict) else "plan"


def _is_our_project(p: Path) -> bool:
    import sqlite3

    try:
        conn = sqlite3.connect(f"file:{p.as_posix()}?mode=ro", uri=True)
        try:
            names = {
                r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
        finally:
            conn.close()
    except sqlite3.Error:
        return False
    return {"annotation", "clause", "coder"} <= names
