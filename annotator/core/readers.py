"""Plan-file readers: turn a .txt/.md/.docx/.pdf/.html file into normalised text (Contract 1).

:func:`read_plan` returns a :class:`PlanText` whose ``text`` is already normalised and whose ``key``
is its document key. Plain-text files keep their characters exactly (only decoding and
:func:`~annotator.core.text.normalise`), so the same plan saved as UTF-8, UTF-16 or cp1251 with any
line endings gets the same key. Word, PDF and HTML files are rendered to text here: paragraphs are
separated by a blank line, Word's automatic list numbers are written out ("1.", "a)"), tables give
one line per row. Every problem a user can cause is an :class:`InputError` naming the file.
"""

from __future__ import annotations

import codecs
import logging
import os
import re
import warnings
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from annotator.core.docx_text import body_blocks, paragraph_text
from annotator.core.errors import FormatError, InputError
from annotator.core.safezip import DOCX_LIMITS, SafeZip, checked_archive
from annotator.core.segment import segment
from annotator.core.text import document_key, normalise

MAX_BYTES = 50 * 1024 * 1024
PLAN_FORMATS = ("txt", "md", "docx", "pdf", "html")

_EXTENSIONS = {
    ".txt": "txt",
    ".text": "txt",
    ".md": "md",
    ".markdown": "md",
    ".docx": "docx",
    ".pdf": "pdf",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
}
# Formats people will try that we cannot read, with what to do instead.
_REFUSED = {
    ".doc": "legacy Word .doc is not supported: save it as .docx",
    ".rtf": "RTF is not supported: save it as .docx or .txt",
    ".odt": "OpenDocument text is not supported: save it as .docx",
    ".json": "a .json file is an exchange file, not a plan",
    ".qdpx": "a .qdpx file is a REFI-QDA project, not a plan",
}
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)


@dataclass(frozen=True)
class PlanText:
    """A plan read from a file: normalised text, its document key and where it came from."""

    title: str
    text: str
    key: str
    source_format: str  # txt | md | docx | pdf | html
    source_name: str  # the file's name, without folders


def _fail(path: Path | str, message: str) -> InputError:
    return InputError(message, source=str(path))


def _check_file(path: Path) -> int:
    """Raise unless ``path`` is a readable non-empty file within the size limit; return its size."""
    try:
        if not path.exists():
            raise _fail(path, "file does not exist")
        if path.is_dir():
            raise _fail(path, "is a directory, not a file")
        size = path.stat().st_size
    except OSError as exc:
        raise _fail(path, f"cannot read file ({exc.strerror or exc})") from None
    if size > MAX_BYTES:
        raise _fail(path, f"too large ({size / 1024 / 1024:.1f} MB; limit 50 MB)")
    if size == 0:
        raise _fail(path, "empty file")
    return size


def _read_bytes(path: Path, limit: int | None = None) -> bytes:
    try:
        with path.open("rb") as fh:
            return fh.read() if limit is None else fh.read(limit)
    except OSError as exc:
        raise _fail(path, f"cannot read file ({exc.strerror or exc})") from None


def sniff_plan_format(path: str | os.PathLike[str]) -> str:
    """Return the plan format of a file ("txt", "md", "docx", "pdf" or "html").

    The content decides where it is unambiguous (a PDF or zip signature, an HTML document), the
    extension otherwise. Raises :class:`InputError` for a missing, empty, oversized, binary or
    unsupported file.
    """
    p = Path(path)
    _check_file(p)
    head = _read_bytes(p, 4096)
    ext = p.suffix.lower()
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        entries = _zip_entries(p)
        if entries is None and ext == ".docx":
            return "docx"  # a damaged archive or a zip bomb: the reader says which
        if entries is not None and "word/document.xml" in entries:
            return "docx"
        if ext == ".docx" and "[Content_Types].xml" in (entries or ()):
            return "docx"  # a Word package without its text: the reader says so
        if ext == ".docx":
            raise _fail(p, "a zip archive without word/document.xml, not a Word document")
        raise _fail(p, _REFUSED.get(ext, "a zip archive, not a plan (expected .docx)"))
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise _fail(p, _REFUSED[".doc"])
    if head.lstrip().startswith(b"{\\rtf"):
        raise _fail(p, _REFUSED[".rtf"])
    if ext in _REFUSED:
        raise _fail(p, _REFUSED[ext])
    if ext in (".pdf", ".docx"):
        return _EXTENSIONS[ext]  # no signature: the reader reports it as corrupt
    bom = head.startswith(tuple(b for b, _ in _BOMS))
    if b"\x00" in head and not bom and _bomless_utf16(head) is None:
        raise _fail(p, "binary file, not a plan (NUL bytes)")
    if ext in _EXTENSIONS:
        return _EXTENSIONS[ext]
    start = head.lstrip(codecs.BOM_UTF8 + b" \t\r\n").lower()
    if start.startswith((b"<!doctype html", b"<html")):
        return "html"
    return "txt"


def _zip_entries(path: Path) -> frozenset[str] | None:
    """The entry names of a sane zip within the .docx limits; None for a damaged one or a bomb."""
    try:
        with SafeZip(path, str(path), DOCX_LIMITS) as archive:
            return frozenset(archive.entries)
    except FormatError:
        return None


def _at(exc: FormatError) -> str:
    return f" (entry {exc.where})" if exc.where else ""


def decode_text(data: bytes, name: str, declared: str | None = None) -> str:
    """Decode plan bytes: a BOM wins, then ``declared`` (an HTML meta charset), then UTF-8, then
    charset-normalizer's best guess. Raises :class:`InputError` for binary or undecodable data."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                raise _fail(
                    name, f"not valid {encoding.upper()} despite its byte-order mark"
                ) from None
    if b"\x00" in data:
        utf16 = _bomless_utf16(data[:4096])
        if utf16 is None:
            raise _fail(name, "binary file, not a plan (NUL bytes)")
        try:
            return data.decode(utf16)
        except UnicodeDecodeError:
            raise _fail(name, f"not valid {utf16.upper()} (no byte-order mark)") from None
    text: str | None = None
    if declared:
        try:
            text = data.decode(declared)
        except (LookupError, UnicodeDecodeError):
            text = None
    bad_utf8: UnicodeDecodeError | None = None
    if text is None:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            bad_utf8 = exc
            text = _guess(data)
    if text is None or len(_CONTROL.findall(text[:65536])) > 2 + len(text[:65536]) // 200:
        if bad_utf8 is not None and _mostly_utf8(data):
            at = bad_utf8.start
            line = data.count(b"\n", 0, at) + 1
            raise _fail(
                name,
                f"not valid UTF-8: invalid bytes at byte {at} (line {line}); "
                "save it as UTF-8 again",
            )
        raise _fail(name, "binary or undecodable file, not a plan")
    return text


def _mostly_utf8(data: bytes) -> bool:
    """A UTF-8 text with a few broken bytes (a bad copy or a truncated file), not binary data:
    nearly all of it decodes."""
    text = data.decode("utf-8", errors="replace")
    return text.count("\ufffd") <= max(3, len(text) // 1000)


# A word that mixes scripts ("Propuestй") means a Latin text was decoded as Cyrillic.
_MIXED_SCRIPT = re.compile(r"[A-Za-z][\u0400-\u04ff]|[\u0400-\u04ff][A-Za-z]")
_C1 = re.compile(r"[\x80-\x9f]")


def _bomless_utf16(head: bytes) -> str | None:
    """ "utf-16-le" or "utf-16-be" for text saved as UTF-16 without a byte-order mark: most
    characters of a plan are ASCII or Cyrillic, so one byte of nearly every pair is 0 or 4."""
    pairs = len(head) // 2
    if pairs < 4:
        return None
    even, odd = head[0 : pairs * 2 : 2], head[1 : pairs * 2 : 2]
    for encoding, high, low in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        # ... and the other byte is the character itself: hardly ever 0.
        mostly_high = sum(1 for b in high if b in (0, 4)) >= 0.9 * pairs
        if mostly_high and high.count(0) >= 0.1 * pairs and low.count(0) <= 0.05 * pairs:
            return encoding
    return None


def _guess(data: bytes) -> str | None:
    """Decode bytes that are not UTF-8: Windows-1251 when it reads as Cyrillic (or as the
    punctuation it shares with Windows-1252), else charset-normalizer's best guess."""
    try:
        text = data.decode("cp1251")
    except UnicodeDecodeError:
        text = ""
    plausible = text and not _MIXED_SCRIPT.search(text) and not _C1.search(text)
    if plausible and all(
        ch.isascii() or "\u0400" <= ch <= "\u04ff" or not ch.isalpha() for ch in text
    ):
        return text
    # Imported here: charset-normalizer costs ~100 ms and most plans are UTF-8.
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    return None if best is None else str(best)


def read_plan(path: str | os.PathLike[str]) -> PlanText:
    """Read a plan file into a :class:`PlanText`; see the module docstring."""
    p = Path(path)
    fmt = sniff_plan_format(p)
    title = ""
    if fmt in ("txt", "md"):
        text = normalise(decode_text(_read_bytes(p), str(p)))
    elif fmt == "html":
        text, title = _read_html(p)
    elif fmt == "docx":
        text, title = _read_docx(p)
    else:
        text = _read_pdf(p)
    if not text.strip():
        raise _fail(p, "contains no text")
    if not title:
        title = _first_heading(text) or p.stem
    return PlanText(title, text, document_key(text), fmt, p.name)


def _clean_title(raw: str) -> str:
    title = raw.strip().lstrip("#").strip().strip("*_").strip()
    title = " ".join(title.split())
    return title[:200]


def _first_heading(text: str) -> str:
    """The first heading the segmenter finds before the first point, cleaned of markdown."""
    for clause in segment(text):
        if clause.kind == "heading":
            return _clean_title(text[clause.start : clause.end])
        if clause.kind in ("point", "subpoint"):
            return ""
    return ""


def _render(blocks: list[str]) -> str:
    """Join rendered blocks with blank lines, each line stripped, and normalise."""
    out = []
    for block in blocks:
        lines = [" ".join(line.split()) for line in block.split("\n")]
        joined = "\n".join(line for line in lines if line)
        if joined:
            out.append(joined)
    return normalise("\n\n".join(out))


# -- PDF ----------------------------------------------------------------------------------------


def _read_pdf(path: Path) -> str:
    import pypdf

    # pypdf logs and warns about every repair it makes; the user gets one error or none.
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = pypdf.PdfReader(str(path), strict=False)
            if reader.is_encrypted and not reader.decrypt(""):
                raise _fail(path, "the PDF is encrypted: remove the password first")
            pages = [page.extract_text() or "" for page in reader.pages]
    except InputError:
        raise
    except Exception as exc:  # pypdf raises many kinds on damaged files; none may escape
        raise _fail(path, f"not a readable PDF (corrupt or truncated?): {_short(exc)}") from None
    finally:
        logger.setLevel(level)
    text = normalise("\n\n".join(page.strip() for page in pages if page.strip()))
    if not text.strip():
        raise _fail(path, "no text layer (scanned PDF?): run OCR first")
    return text


def _short(exc: BaseException) -> str:
    msg = " ".join(str(exc).split()) or type(exc).__name__
    return msg[:120]


# -- Word -----------------------------------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _read_docx(path: Path) -> tuple[str, str]:
    import docx

    # python-docx inflates every part it opens: it gets only bytes already proven to stay within
    # the archive limits (a few hundred KB can otherwise inflate to gigabytes).
    try:
        archive = checked_archive(path, str(path), DOCX_LIMITS, max_bytes=MAX_BYTES)
    except FormatError as exc:
        raise _fail(path, f"not a readable .docx: {exc.message}{_at(exc)}") from None
    try:
        document = docx.Document(archive)
        return _docx_text(document)
    except Exception as exc:  # python-docx/lxml/zipfile errors on damaged files; none may escape
        raise _fail(path, f"not a readable .docx (corrupt or truncated?): {_short(exc)}") from None


def _format_number(n: int, fmt: str) -> str:
    if fmt in ("lowerLetter", "upperLetter"):
        letters = ""
        while n > 0:
            n, r = divmod(n - 1, 26)
            letters = chr(97 + r) + letters
        return letters.upper() if fmt == "upperLetter" else letters
    if fmt in ("lowerRoman", "upperRoman"):
        out = ""
        for value, sym in _ROMAN_PAIRS:
            while n >= value:
                out += sym
                n -= value
        return out.upper() if fmt == "upperRoman" else out
    return str(n)  # decimal and anything we do not render specially


_ROMAN_PAIRS = (
    (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"),
    (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"),
)  # fmt: skip


class _Numbering:
    """Reconstructs Word's automatic list numbers from numbering.xml (numId, ilvl, lvlText)."""

    def __init__(self, document: Any):
        self.levels: dict[tuple[str, int], tuple[str, str, int]] = {}
        self.counters: dict[str, list[int]] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, AttributeError, NotImplementedError):
            return
        abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
        for an in root.iter(f"{_W}abstractNum"):
            levels = {}
            for lvl in an.iter(f"{_W}lvl"):
                fmt = _val(lvl.find(f"{_W}numFmt")) or "decimal"
                text = _val(lvl.find(f"{_W}lvlText")) or ""
                start = _int(_val(lvl.find(f"{_W}start")), 1)
                levels[_int(_val(lvl, "ilvl"), 0)] = (fmt, text, start)
            abstract[_val(an, "abstractNumId") or ""] = levels
        for num in root.iter(f"{_W}num"):
            num_id = _val(num, "numId") or ""
            levels = dict(abstract.get(_val(num.find(f"{_W}abstractNumId")) or "", {}))
            for override in num.iter(f"{_W}lvlOverride"):
                ilvl = _int(_val(override, "ilvl"), 0)
                restart = _val(override.find(f"{_W}startOverride"))
                if restart and ilvl in levels:
                    fmt, text, _ = levels[ilvl]
                    levels[ilvl] = (fmt, text, _int(restart, 1))
            for ilvl, spec in levels.items():
                self.levels[(num_id, ilvl)] = spec

    def label(self, num_id: str, ilvl: int) -> str:
        """The next number for a paragraph in list ``num_id`` at level ``ilvl`` ("" for none)."""
        spec = self.levels.get((num_id, ilvl))
        if spec is None or num_id == "0":
            return ""
        fmt, text, start = spec
        if fmt == "none":
            return ""
        if fmt == "bullet":
            return "•"
        counters = self.counters.setdefault(num_id, [])
        while len(counters) <= ilvl:
            lvl_start = self.levels.get((num_id, len(counters)), ("", "", 1))[2]
            counters.append(lvl_start - 1)
        counters[ilvl] += 1
        del counters[ilvl + 1 :]  # a higher level restarts the deeper ones

        def fill(m: re.Match[str]) -> str:
            level = int(m.group(1)) - 1
            if level >= len(counters):
                return ""
            level_fmt = self.levels.get((num_id, level), (fmt, "", start))[0]
            return _format_number(max(counters[level], 0), level_fmt)

        return re.sub(r"%(\d)", fill, text or f"%{ilvl + 1}.")


def _val(element: Any, name: str = "val") -> str | None:
    if element is None:
        return None
    value = element.get(f"{_W}{name}")
    return None if value is None else str(value)


def _num_pr(paragraph: Any) -> tuple[str, int] | None:
    """(numId, ilvl) from the paragraph or, failing that, from its style chain."""
    ppr = paragraph._p.pPr
    sources = [ppr] if ppr is not None else []
    style = paragraph.style
    while style is not None:
        sources.append(style.element.pPr)
        style = style.base_style
    for source in sources:
        if source is None:
            continue
        num_pr = source.find(f"{_W}numPr")
        if num_pr is None:
            continue
        num_id = _val(num_pr.find(f"{_W}numId"))
        if num_id is None:
            continue
        return num_id, _int(_val(num_pr.find(f"{_W}ilvl")), 0)
    return None


def _docx_text(document: Any) -> tuple[str, str]:
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    numbering = _Numbering(document)
    blocks: list[str] = []
    title = ""
    for child in body_blocks(document.element.body):
        if child.tag == f"{_W}p":
            paragraph = Paragraph(child, document)
            text = paragraph_text(child).strip()
            if not text:
                continue
            style_name = paragraph.style.name if paragraph.style is not None else ""
            if not title and style_name in ("Title", "Heading 1"):
                title = _clean_title(text)
            num = _num_pr(paragraph)
            label = numbering.label(*num) if num else ""
            if label and label != "•" and _OWN_NUMBER.match(text):
                label = ""  # the author typed the number too: theirs is the one in the source
            blocks.append(f"{label} {text}" if label else text)
        elif child.tag == f"{_W}tbl":
            blocks.append(_table_text(Table(child, document)))
    return _render(blocks), title


def _table_text(table: Any) -> str:
    rows = []
    for row in table.rows:
        cells = []
        seen: set[int] = set()
        for cell in row.cells:
            if id(cell._tc) in seen:  # a merged cell is repeated for every grid column it spans
                continue
            seen.add(id(cell._tc))
            texts = (paragraph_text(p._p).strip() for p in cell.paragraphs)
            cells.append(" ".join(t for t in texts if t))
        rows.append(" | ".join(c for c in cells if c))
    return "\n".join(r for r in rows if r)


# -- HTML -----------------------------------------------------------------------------------------

# Never the plan: scripts and styles, page furniture (navigation, header, footer, sidebars and
# their "most read" lists), controls and embedded media.
_SKIP = frozenset(
    {"script", "style", "nav", "header", "footer", "noscript", "template", "head", "aside",
     "button", "select", "svg", "iframe", "object", "canvas", "dialog"}
)  # fmt: skip
_PARAGRAPH = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "blockquote", "pre", "section",
     "article", "main", "aside", "div", "dl", "figure", "hr", "address", "form", "fieldset"}
)  # fmt: skip
_LINE = frozenset({"br", "li", "tr", "dt", "dd", "caption", "figcaption"})
_VOID = frozenset({"br", "hr", "img", "meta", "link", "input", "area", "base", "col", "wbr"})


_DISPLAY_NONE = re.compile(r"(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*hidden)\b", re.I)


def _hidden(attrs: dict[str, str | None]) -> bool:
    """An element a browser does not show (``hidden``, ``display:none``, ``visibility:hidden``)
    or shows only as decoration (``aria-hidden="true"``)."""
    if "hidden" in attrs or attrs.get("aria-hidden") == "true":
        return True
    style = attrs.get("style")
    return bool(style and _DISPLAY_NONE.search(style))


# A list item whose text starts with its own number or letter ("14)", "7 –", "b.", "iv)").
_OWN_NUMBER = re.compile(
    r"\s*(?:\(?\d{1,3}[.)]|\d{1,3}[ \t]+[–—-]|\(?[a-zA-Z][.)]|[ivxIVX]{1,5}[.)])(?=\s|$)"
)


class _HtmlText(HTMLParser):
    """Visible text of an HTML page; block elements become line breaks, <ol> items keep numbers."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip_depth = 0
        self.skip_stack: list[str] = []
        self.lists: list[list[Any]] = []  # [tag, next number, type]
        self.in_title = False
        self.title = ""
        self.heading = ""
        self.in_heading = False
        self.heading_parts: list[str] = []
        self.pre = 0
        self.cells = 0  # cells seen in the current table row
        self.pending = 0  # line breaks owed before the next visible text
        self.li_marker: str | None = None  # the number of the list item just opened

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self.in_title = True
        if self.skip_stack:
            if tag not in _VOID:
                self.skip_stack.append(tag)  # every element inside, so its end is matched
            return
        a = dict(attrs)
        if tag in _SKIP or (tag not in _VOID and _hidden(a)):
            self.skip_stack.append(tag)
            return
        if tag in _PARAGRAPH:
            # A list inside a list item stays in the same paragraph as its parent item.
            nested = tag in ("ol", "ul") and bool(self.lists)
            self._break(1 if nested else 2)
        elif tag in _LINE:
            self._break(1)
        elif tag in ("td", "th"):
            if self.cells:
                self._emit(" | ")
            self.cells += 1
        if tag == "tr":
            self.cells = 0
        if tag == "pre":
            self.pre += 1
        if tag in ("ol", "ul"):
            start = _int(a.get("start"), 1)
            self.lists.append([tag, start, a.get("type") or "1"])
        elif tag == "li":
            self._flush_marker()
            self.li_marker = self._li_marker(a)  # written with the item's first text
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6") and not self.heading:
            self.in_heading = True

    def _li_marker(self, attrs: dict[str, str | None]) -> str:
        if not self.lists or self.lists[-1][0] != "ol":
            return "• "
        lst = self.lists[-1]
        number = _int(attrs.get("value"), lst[1])
        lst[1] = number + 1
        fmt = {"a": "lowerLetter", "A": "upperLetter", "i": "lowerRoman", "I": "upperRoman"}
        return f"{_format_number(number, fmt.get(lst[2], 'decimal'))}. "

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        if self.skip_stack:
            if tag in self.skip_stack:
                # Close up to the matching start tag: elements left open inside close with it.
                while self.skip_stack.pop() != tag:
                    pass
            return
        if tag in ("li", "ol", "ul"):
            self._flush_marker()  # an item without text keeps its number
        if tag in ("ol", "ul") and self.lists:
            self.lists.pop()
        if tag == "pre" and self.pre:
            self.pre -= 1
        if tag in _PARAGRAPH:
            nested = tag in ("ol", "ul") and bool(self.lists)
            self._break(1 if nested else 2)
        elif tag in _LINE:
            self._break(1)
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6") and self.in_heading:
            self.in_heading = False
            self.heading = _clean_title("".join(self.heading_parts))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title += data
            return
        if self.skip_stack:
            return
        if self.in_heading:
            self.heading_parts.append(data)
        if self.li_marker is not None and data.strip():
            if _OWN_NUMBER.match(data):
                self.li_marker = None  # "<li>14) …": the author's number, not the list's
            else:
                self._flush_marker()
        # Outside <pre> a newline in the source is just a space.
        self._emit(data if self.pre else data.replace("\n", " "))

    def _break(self, newlines: int) -> None:
        """Ask for a line break (1) or a paragraph break (2) before the next visible text."""
        self.pending = max(self.pending, newlines)

    def _flush_marker(self) -> None:
        if self.li_marker is not None:
            marker, self.li_marker = self.li_marker, None
            self._emit(marker)

    def _emit(self, data: str) -> None:
        if self.pending and not data.strip():
            return  # whitespace between blocks
        if self.pending:
            self.parts.append("\n" * self.pending)
            self.pending = 0
        self.parts.append(data)


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _read_html(path: Path) -> tuple[str, str]:
    data = _read_bytes(path)
    meta = _META_CHARSET.search(data[:4096])
    raw = decode_text(data, str(path), meta.group(1).decode("ascii") if meta else None)
    parser = _HtmlText()
    try:
        parser.feed(normalise(raw))
        parser.close()
    except Exception as exc:  # html.parser is lenient; this guards the rare assertion it raises
        raise _fail(path, f"not readable HTML: {_short(exc)}") from None
    text = _render("".join(parser.parts).split("\n\n"))
    return text, parser.heading or _clean_title(parser.title)
