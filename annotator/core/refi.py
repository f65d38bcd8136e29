"""REFI-QDA projects (``.qdpx``): export an exchange document, and import one back.

A ``.qdpx`` is a zip holding ``project.qde`` (namespace ``urn:QDA-XML:project:1.0``) and the plain
texts under ``sources/``. Export writes coders as ``User`` (our id in ``id``), the codebook with
colours and nesting, one ``TextSource`` per plan (its normalised text), and one
``PlainTextSelection`` with one ``Coding`` per live annotation, in code points (the whole clause
for a clause-level tag, the span otherwise). Tombstones are not exported. Each source carries a
``Note`` (``plan-annotator:clauses``) with our clause boundaries, reviews and plan metadata, so a
round trip keeps them; for any other source the text is segmented again.

Import treats the file as hostile: entry names with ``..`` or absolute paths, archives whose
entries inflate too far (total size or ratio), XML with DTDs or entities are refused with a
:class:`FormatError` naming the file and the entry.
"""

from __future__ import annotations

import bisect
import json
import re
import unicodedata
import uuid
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, BinaryIO

from annotator import __version__
from annotator.core.codebook import GUID_NAMESPACE, category_guid
from annotator.core.compare import ExchangeView
from annotator.core.errors import FormatError
from annotator.core.qdc import code_elements, guid_text, parse_code_elements, parse_xml
from annotator.core.safezip import QDPX_LIMITS, SafeZip, ZipLimits
from annotator.core.segment import segment
from annotator.core.text import BOM, document_key, normalise

PROJECT_NS = "urn:QDA-XML:project:1.0"
CLAUSE_NOTE = "plan-annotator:clauses"
EPOCH = "1970-01-01T00:00:00Z"
_NS = f"{{{PROJECT_NS}}}"
_GUID_RE = re.compile(
    r"^\{?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}?$"
)


def _guid(kind: str, value: str) -> str:
    """``value`` itself when it is a UUID (coder and annotation ids are), else a stable UUID 5."""
    if _GUID_RE.match(value):
        return guid_text(value)
    return str(uuid.uuid5(GUID_NAMESPACE, f"{kind}:{value}"))


def _xml_time(value: str, fallback: str) -> str:
    """An ``xsd:dateTime`` in UTC (``...Z``), from an ISO 8601 text; ``fallback`` if unreadable."""
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return fallback
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    moment = moment.astimezone(UTC)
    spec = "microseconds" if moment.microsecond else "seconds"
    return moment.replace(tzinfo=None).isoformat(timespec=spec) + "Z"


# -- export -----------------------------------------------------------------------------------


def export_qdpx(
    exchange: Mapping[str, Any] | ExchangeView,
    out: BinaryIO,
    *,
    name: str = "Plan Annotator project",
    fixed_time: datetime | None = None,
) -> None:
    """Write the exchange document as a ``.qdpx`` zip to ``out`` (same bytes for a fixed time)."""
    view = exchange if isinstance(exchange, ExchangeView) else ExchangeView(exchange)
    moment = (fixed_time or datetime.now(UTC)).replace(microsecond=0)
    now = _xml_time(moment.isoformat(), EPOCH)
    qde, texts = _project_xml(view, name, now)
    stamp = moment.astimezone(UTC) if moment.tzinfo else moment
    date_time = (
        max(stamp.year, 1980),
        stamp.month,
        stamp.day,
        stamp.hour,
        stamp.minute,
        stamp.second,
    )
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for entry_name, data in [("project.qde", qde), *sorted(texts.items())]:
            info = zipfile.ZipInfo(entry_name, date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)


def _project_xml(view: ExchangeView, name: str, now: str) -> tuple[bytes, dict[str, bytes]]:
    root = ET.Element(
        "Project",
        {
            "xmlns": PROJECT_NS,
            "name": name,
            "origin": f"Plan Annotator {__version__}",
            "creationDateTime": now,
            "modifiedDateTime": now,
        },
    )
    users = {c["id"]: _guid("coder", c["id"]) for c in view.coders}
    if view.coders:
        el = ET.SubElement(root, "Users")
        for c in view.coders:
            ET.SubElement(
                el, "User", {"guid": users[c["id"]], "name": c["name"] or c["id"], "id": c["id"]}
            )
    if view.categories:
        code_elements(ET.SubElement(ET.SubElement(root, "CodeBook"), "Codes"), view.categories)
    texts: dict[str, bytes] = {}
    notes: list[tuple[str, str, str]] = []  # (guid, name, content)
    tags_by_doc: dict[str, list[Any]] = {}
    for t in view.tags:
        tags_by_doc.setdefault(t.document, []).append(t)
    reviews_by_doc: dict[str, list[list[Any]]] = {}
    for (coder, doc, start, end), status in sorted(view.reviews.items()):
        updated = view.review_times.get((coder, doc, start, end), "")
        reviews_by_doc.setdefault(doc, []).append([coder, start, end, status, updated])
    sources = ET.SubElement(root, "Sources") if view.documents else None
    for d in view.documents:
        source_guid = str(uuid.uuid5(GUID_NAMESPACE, f"document:{d.key}"))
        texts[f"sources/{source_guid}.txt"] = d.text.encode("utf-8")
        assert sources is not None
        src = ET.SubElement(
            sources,
            "TextSource",
            {
                "guid": source_guid,
                "name": d.title or d.key,
                "plainTextPath": f"internal://{source_guid}.txt",
                "creationDateTime": now,
            },
        )
        labels = {(s, e): lab for s, e, lab in d.clauses}
        memo_refs: list[tuple[ET.Element, str]] = []
        for t in sorted(
            tags_by_doc.get(d.key, []),
            key=lambda t: ((t.span or (t.start, t.end)), t.coder, t.category, t.id),
        ):
            start, end = t.span or (t.start, t.end)
            user = users[t.coder]
            created = _xml_time(t.created, now)
            sel_attrs = {
                "guid": str(uuid.uuid5(GUID_NAMESPACE, f"selection:{t.id or t}")),
                "name": labels[(t.start, t.end)],
                "startPosition": str(start),
                "endPosition": str(end),
                "creatingUser": user,
                "creationDateTime": created,
                "modifyingUser": user,
                "modifiedDateTime": _xml_time(t.updated, created),
            }
            sel = ET.SubElement(src, "PlainTextSelection", sel_attrs)
            coding = ET.SubElement(
                sel,
                "Coding",
                {
                    "guid": _guid("annotation", t.id)
                    if t.id
                    else str(uuid.uuid5(GUID_NAMESPACE, repr(t))),
                    "creatingUser": user,
                    "creationDateTime": created,
                },
            )
            ET.SubElement(coding, "CodeRef", {"targetGUID": category_guid(t.category)})
            if t.memo:
                memo_refs.append((sel, t.memo))
        for sel, memo in memo_refs:
            note_guid = str(uuid.uuid5(GUID_NAMESPACE, f"memo:{sel.get('guid')}"))
            ET.SubElement(sel, "NoteRef", {"targetGUID": note_guid})
            notes.append((note_guid, "memo", memo))
        clause_note = {
            "document": d.key,
            "clauses": [[s, e, lab] for s, e, lab in d.clauses],
            "reviews": reviews_by_doc.get(d.key, []),
            "meta": d.meta,
        }
        note_guid = str(uuid.uuid5(GUID_NAMESPACE, f"clauses:{d.key}"))
        ET.SubElement(src, "NoteRef", {"targetGUID": note_guid})
        notes.append(
            (note_guid, CLAUSE_NOTE, json.dumps(clause_note, ensure_ascii=False, sort_keys=True))
        )
    if notes:
        el = ET.SubElement(root, "Notes")
        for guid, note_name, content in notes:
            note = ET.SubElement(
                el, "Note", {"guid": guid, "name": note_name, "creationDateTime": now}
            )
            ET.SubElement(note, "PlainTextContent").text = content
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n", texts


# -- import: offsets --------------------------------------------------------------------------

_PIECE_RE = re.compile(r"\r\n|\r|[\x00-\x7f][^\x00-\x7f]*|[^\x00-\x7f]+")


class _OffsetShift:
    """Maps code-point offsets in a raw text to offsets in its normalised form.

    Foreign tools count positions in the text as they stored it (CRLF, decomposed accents, a BOM);
    we count in the normalised text. Pieces that change length are recorded; elsewhere the shift
    is constant. NFC never composes across an ASCII character, so pieces start at one.
    """

    def __init__(self, raw: str) -> None:
        self.text = normalise(raw)
        self._raw: list[int] = []  # raw start of each changed piece
        self._pieces: list[
            tuple[int, int, int, int]
        ] = []  # raw start, raw len, norm start, norm len
        if self.text == raw:
            return
        out: list[str] = []
        pos = npos = 0
        boms = len(raw) - len(raw.lstrip(BOM))  # normalise drops every leading BOM
        if boms:
            self._add(0, boms, 0, 0)
            pos = boms
        for m in _PIECE_RE.finditer(raw, pos):
            piece = m.group()
            norm = "\n" if piece in ("\r\n", "\r") else unicodedata.normalize("NFC", piece)
            if len(norm) != len(piece):
                self._add(m.start(), len(piece), npos, len(norm))
            out.append(norm)
            npos += len(norm)
        if "".join(out) != self.text:  # cannot happen for valid Unicode; never map wrongly
            raise ValueError("normalisation is not piecewise")

    def _add(self, raw_start: int, raw_len: int, norm_start: int, norm_len: int) -> None:
        self._raw.append(raw_start)
        self._pieces.append((raw_start, raw_len, norm_start, norm_len))

    def __call__(self, offset: int) -> int:
        i = bisect.bisect_right(self._raw, offset) - 1
        if i < 0:
            return offset
        rs, rl, ns, nl = self._pieces[i]
        if offset < rs + rl:
            return ns + min(offset - rs, nl)
        return offset - (rs + rl) + (ns + nl)


# -- import: the project ----------------------------------------------------------------------


def import_qdpx(
    file: str | Path | IO[bytes],
    *,
    source: str | None = None,
    known_keys: Iterable[str] = (),
    warnings: list[str] | None = None,
    limits: ZipLimits = QDPX_LIMITS,
) -> dict[str, Any]:
    """An exchange document (``plan-annotations`` v1) from a ``.qdpx`` project.

    Document keys are computed from the (normalised) texts. Each selection is attached to the one
    clause that contains it; one that straddles clauses goes to the clause holding its start and
    keeps its span, cut at that clause's end (noted in ``warnings``). ``known_keys`` are category
    keys recognised by their GUID.
    """
    name = source or (
        str(file) if isinstance(file, str | Path) else str(getattr(file, "name", "project.qdpx"))
    )
    warn = warnings if warnings is not None else []
    archive = SafeZip(file, name, limits)
    try:
        return _Importer(archive, warn, list(known_keys)).run()
    finally:
        archive.close()


class _Importer:
    def __init__(self, archive: SafeZip, warnings: list[str], known_keys: list[str]) -> None:
        self.archive = archive
        self.source = archive.source
        self.warnings = warnings
        self.known_keys = known_keys

    def fail(self, message: str, where: str) -> FormatError:
        return FormatError(message, source=self.source, where=where)

    def run(self) -> dict[str, Any]:
        entry = self.archive.find("project.qde")
        if entry is None:
            raise self.fail("no project.qde in the archive", "project.qde")
        root = parse_xml(self.archive.read(entry), source=self.source, where=entry)
        if root.tag != f"{_NS}Project":
            raise self.fail(
                f"expected a Project element in namespace {PROJECT_NS}, found {root.tag}", entry
            )
        self.entry = entry
        self.default_time = _xml_time(
            root.get("modifiedDateTime") or root.get("creationDateTime") or "", EPOCH
        )
        self.coders = self._users(root)
        categories, self.code_keys = self._codebook(root)
        self.notes = self._notes(root)
        documents: dict[str, dict[str, Any]] = {}
        annotations: dict[tuple[Any, ...], dict[str, Any]] = {}
        reviews: dict[tuple[Any, ...], dict[str, Any]] = {}
        sources = root.find(f"{_NS}Sources")
        for i, src in enumerate(sources.findall(f"{_NS}TextSource") if sources is not None else []):
            self._source(
                src,
                f"{entry}:/Project/Sources/TextSource[{i + 1}]",
                documents,
                annotations,
                reviews,
            )
        if sources is not None and len(sources) > len(sources.findall(f"{_NS}TextSource")):
            self.warnings.append("non-text sources (PDF, pictures, audio, video) were skipped")
        return {
            "format": "plan-annotations",
            "version": 1,
            "codebook": {"categories": [c.to_exchange() for c in categories]},
            "coders": [{"id": cid, "name": self.coders[cid]} for cid in sorted(self.coders)],
            "documents": sorted(documents.values(), key=lambda d: d["key"]),
            "annotations": sorted(
                annotations.values(),
                key=lambda a: (
                    a["document"],
                    a["clause"],
                    a["coder"],
                    a["category"],
                    a["span"] or [],
                    a["id"],
                ),
            ),
            "reviews": [reviews[k] for k in sorted(reviews)],
        }

    # -- parts ------------------------------------------------------------------------------
    def _users(self, root: ET.Element) -> dict[str, str]:
        self.user_ids: dict[str, str] = {}
        coders: dict[str, str] = {}
        for i, u in enumerate(root.findall(f"{_NS}Users/{_NS}User")):
            guid = u.get("guid")
            if not guid:
                raise self.fail("a User needs a guid", f"{self.entry}:/Project/Users/User[{i + 1}]")
            cid = (u.get("id") or "").strip() or guid_text(guid)
            self.user_ids[guid_text(guid)] = cid
            coders[cid] = (u.get("name") or "").strip() or cid
        return coders

    def _coder(self, guid: str | None) -> str:
        if not guid:
            cid = str(uuid.uuid5(GUID_NAMESPACE, "coder:unknown"))
            self.coders.setdefault(cid, "Unknown coder")
            return cid
        g = guid_text(guid)
        if g not in self.user_ids:  # a user the Users list forgot
            self.user_ids[g] = g
            self.coders.setdefault(g, g)
        return self.user_ids[g]

    def _codebook(self, root: ET.Element) -> tuple[list[Any], dict[str, str]]:
        codes = root.find(f"{_NS}CodeBook/{_NS}Codes")
        if codes is None:
            return [], {}
        return parse_code_elements(
            codes,
            PROJECT_NS,
            source=self.source,
            where=f"{self.entry}:/Project/CodeBook/Codes",
            known_keys=self.known_keys,
        )

    def _text_of(self, el: ET.Element, where: str) -> str:
        content = el.find(f"{_NS}PlainTextContent")
        if content is not None:
            return content.text or ""
        path = (el.get("plainTextPath") or "").strip()
        if not path:
            raise self.fail("neither PlainTextContent nor plainTextPath", where)
        if path.startswith("internal://"):
            rel = path[len("internal://") :]
            candidates = [f"sources/{rel}", f"Sources/{rel}"]
        elif "://" in path or path.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", path):
            raise self.fail(f"plainTextPath {path!r} points outside the archive", where)
        else:
            rel = path[len("relative://") :] if path.startswith("relative://") else path
            candidates = [rel, f"sources/{rel}", f"Sources/{rel}"]
        if any(".." in c.replace("\\", "/").split("/") for c in candidates):
            raise self.fail(f"plainTextPath {path!r} climbs out of the archive", where)
        entry = self.archive.find(*candidates)
        if entry is None:
            raise self.fail(f"plainTextPath {path!r} is not in the archive", where)
        data = self.archive.read(entry)
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise FormatError(
                f"source text is not UTF-8 ({exc.reason} at byte {exc.start})",
                source=self.source,
                where=entry,
            ) from None

    def _notes(self, root: ET.Element) -> dict[str, tuple[str, str]]:
        notes: dict[str, tuple[str, str]] = {}
        for i, note in enumerate(root.findall(f"{_NS}Notes/{_NS}Note")):
            guid = note.get("guid")
            if guid:
                where = f"{self.entry}:/Project/Notes/Note[{i + 1}]"
                notes[guid_text(guid)] = (note.get("name") or "", self._text_of(note, where))
        return notes

    def _source(
        self,
        src: ET.Element,
        where: str,
        documents: dict[str, dict[str, Any]],
        annotations: dict[tuple[Any, ...], dict[str, Any]],
        reviews: dict[tuple[Any, ...], dict[str, Any]],
    ) -> None:
        raw = self._text_of(src, where)
        shift = _OffsetShift(raw)
        text = shift.text
        key = document_key(text)
        title = (src.get("name") or "").strip() or key[:12]
        stored = self._clause_note(src, key, text, where)
        if stored is not None:
            clauses, meta = stored["clauses"], stored["meta"]
        else:
            clauses = [(c.start, c.end, c.label) for c in segment(text)]
            meta = {}
        if not clauses and text.strip():
            clauses = [(0, len(text), "1")]
        clauses.sort()
        doc = documents.setdefault(
            key,
            {
                "key": key,
                "title": title,
                "text": text,
                "clauses": [{"start": s, "end": e, "label": lab} for s, e, lab in clauses],
            },
        )
        if meta:
            doc["meta"] = meta
        locate = _ClauseFinder(clauses)
        for j, sel in enumerate(src.findall(f"{_NS}PlainTextSelection")):
            self._selection(
                sel, f"{where}/PlainTextSelection[{j + 1}]", key, raw, shift, locate, annotations
            )
        if src.findall(f"{_NS}Coding"):
            self.warnings.append(f"{title}: codings of the whole source were skipped")
        if stored is not None:
            for coder, start, end, status, updated in stored["reviews"]:
                reviews[(coder, key, start, end)] = {
                    "coder": coder,
                    "document": key,
                    "clause": [start, end],
                    "status": status,
                    "updated": updated,
                }

    def _clause_note(
        self, src: ET.Element, key: str, text: str, where: str
    ) -> dict[str, Any] | None:
        """Our own clause boundaries (and reviews, metadata) if the source carries a valid note."""
        for ref in src.findall(f"{_NS}NoteRef"):
            name, content = self.notes.get(guid_text(ref.get("targetGUID") or ""), ("", ""))
            if name != CLAUSE_NOTE:
                continue
            try:
                data = json.loads(content)
                if data["document"] != key:
                    self.warnings.append(
                        f"{where}: the text changed since export; clauses re-segmented"
                    )
                    return None
                clauses = [(int(s), int(e), str(lab)) for s, e, lab in data["clauses"]]
                if any(not 0 <= s < e <= len(text) for s, e, _ in clauses):
                    raise ValueError("clause outside the text")
                bounds = {(s, e) for s, e, _ in clauses}
                reviews = [
                    (c, int(s), int(e), st, _xml_time(str(t), self.default_time))
                    for c, s, e, st, t in data.get("reviews", [])
                    if c in self.coders and (int(s), int(e)) in bounds and st in ("done", "none")
                ]
                meta = data.get("meta") or {}
                if not isinstance(meta, dict):
                    meta = {}
            except (ValueError, KeyError, TypeError) as exc:
                self.warnings.append(
                    f"{where}: unreadable clause note ({exc}); clauses re-segmented"
                )
                return None
            return {"clauses": clauses, "reviews": reviews, "meta": meta}
        return None

    def _selection(
        self,
        sel: ET.Element,
        where: str,
        key: str,
        raw: str,
        shift: _OffsetShift,
        locate: _ClauseFinder,
        annotations: dict[tuple[Any, ...], dict[str, Any]],
    ) -> None:
        try:
            raw_start, raw_end = int(sel.get("startPosition", "")), int(sel.get("endPosition", ""))
        except ValueError:
            raise self.fail("startPosition and endPosition must be integers", where) from None
        if not 0 <= raw_start <= raw_end <= len(raw):
            raise self.fail(
                f"selection [{raw_start}, {raw_end}) is outside the text ({len(raw)})", where
            )
        start, end = shift(raw_start), shift(raw_end)
        if start == end:
            self.warnings.append(f"{where}: empty selection skipped")
            return
        clause = locate(start, end)
        if clause is None:
            self.warnings.append(f"{where}: selection lies outside every clause; skipped")
            return
        cs, ce = clause
        span_start, span_end = max(start, cs), min(end, ce)
        if (span_start, span_end) != (start, end):
            self.warnings.append(
                f"{where}: selection crosses a clause boundary; "
                f"span cut to [{span_start}, {span_end})"
            )
        span = None if (span_start, span_end) == (cs, ce) else [span_start, span_end]
        memo = "\n\n".join(
            self.notes[g][1]
            for g in (guid_text(r.get("targetGUID") or "") for r in sel.findall(f"{_NS}NoteRef"))
            if g in self.notes and self.notes[g][0] != CLAUSE_NOTE
        )
        sel_created = _xml_time(sel.get("creationDateTime") or "", self.default_time)
        updated = _xml_time(sel.get("modifiedDateTime") or "", sel_created)
        for k, coding in enumerate(sel.findall(f"{_NS}Coding")):
            cwhere = f"{where}/Coding[{k + 1}]"
            ref = coding.find(f"{_NS}CodeRef")
            target = guid_text(ref.get("targetGUID") or "") if ref is not None else ""
            if target not in self.code_keys:
                raise self.fail(f"CodeRef {target or '(none)'} is not in the codebook", cwhere)
            coder = self._coder(coding.get("creatingUser") or sel.get("creatingUser"))
            category = self.code_keys[target]
            ident = (coder, key, cs, ce, category, tuple(span or ()))
            if ident in annotations:
                continue  # the same coding twice: one annotation
            created = _xml_time(coding.get("creationDateTime") or "", sel_created)
            cguid = coding.get("guid")
            annotations[ident] = {
                "id": guid_text(cguid) if cguid else str(uuid.uuid5(GUID_NAMESPACE, repr(ident))),
                "coder": coder,
                "document": key,
                "clause": [cs, ce],
                "category": category,
                "span": span,
                "memo": memo,
                "created": created,
                "updated": max(updated, created),
                "deleted": False,
            }


class _ClauseFinder:
    """Finds the clause for a selection: the one containing it, else the one containing its start,
    else the first one starting inside it."""

    def __init__(self, clauses: list[tuple[int, int, str]]) -> None:
        self.bounds = sorted((s, e) for s, e, _ in clauses)
        self.starts = [s for s, _ in self.bounds]
        self.max_end: list[int] = []
        high = -1
        for _, e in self.bounds:
            high = max(high, e)
            self.max_end.append(high)

    def __call__(self, start: int, end: int) -> tuple[int, int] | None:
        i = bisect.bisect_right(self.starts, start) - 1
        inside: list[tuple[int, int]] = []
        holding_start: list[tuple[int, int]] = []
        # Walk back only while some earlier clause still reaches past `start`.
        while i >= 0 and self.max_end[i] > start:
            s, e = self.bounds[i]
            if s <= start < e:
                holding_start.append((s, e))
                if end <= e:
                    inside.append((s, e))
            i -= 1
        if len(inside) == 1:
            return inside[0]
        if inside:  # nested clauses: the innermost
            return min(inside, key=lambda b: b[1] - b[0])
        if holding_start:
            return max(holding_start)
        j = bisect.bisect_left(self.starts, start)
        if j < len(self.bounds) and self.bounds[j][0] < end:
            return self.bounds[j]
        return None
