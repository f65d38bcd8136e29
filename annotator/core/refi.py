"""REFI-QDA projects (``.qdpx``): export an exchange document, and import one back.

A ``.qdpx`` is a zip holding ``project.qde`` (namespace ``urn:QDA-XML:project:1.0``) and the plain
texts under ``sources/``. Export writes coders as ``User`` (our id in ``id``), the codebook with
colours and nesting, one ``TextSource`` per plan (its normalised text), and one
``PlainTextSelection`` with one ``Coding`` per live annotation, in code points (the whole clause
for a clause-level tag, the span otherwise), named by the text it selects. Memos are written where
each tool reads them: ``Description`` (QualCoder) and a ``Note`` behind a ``NoteRef`` (ATLAS.ti,
MAXQDA, NVivo), for codings, plans and the project. Tombstones are not exported. Our clause
boundaries, labels and kinds, reviews, clause memos and plan metadata ride in a
``<?plan-annotator-clauses ...?>`` processing instruction in each source: schema-valid, ignored by
other tools, and read back so our own round trip is lossless. For any other source the text is
segmented again (or the project's clauses are used, when it already holds the plan).

Import of another tool's file is careful rather than trusting: positions are checked against each
selection's text (:mod:`annotator.core.refi_positions`), a selection across clauses becomes a span
in each, users, codes and codings are matched to what the project already holds, and every
correction, split or skip is reported. Import also treats the file as hostile: entry names with
``..`` or absolute paths, archives whose entries inflate too far (total size or ratio), XML with
DTDs or entities are refused with a :class:`FormatError` naming the file and the entry.
"""

from __future__ import annotations

import json
import re
import uuid
import xml.etree.ElementTree as ET
import zipfile
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, BinaryIO

from annotator import __version__
from annotator.core.codebook import GUID_NAMESPACE, Category, category_guid
from annotator.core.compare import ExchangeView
from annotator.core.errors import FormatError
from annotator.core.qdc import (
    CodeMatcher,
    code_elements,
    guid_text,
    name_key,
    parse_code_elements,
    parse_xml,
)
from annotator.core.refi_positions import (
    NAMELESS,
    SEARCHED,
    UNCHECKED,
    ClauseIndex,
    PositionResolver,
    _OffsetShift,
    expected_text,
)
from annotator.core.safezip import QDPX_LIMITS, SafeZip, ZipLimits, entry_info
from annotator.core.segment import segment
from annotator.core.text import document_key

PROJECT_NS = "urn:QDA-XML:project:1.0"
CLAUSE_NOTE = "plan-annotator:clauses"  # how files before the processing instruction said it
_CLAUSE_PI = "plan-annotator-clauses"
_PROJECT_PI = "plan-annotator-project"
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
    # Keep the fraction the stamp was written with: our stamps always carry milliseconds, even
    # ".000", and a round trip must give back their text. Milliseconds when they suffice.
    fraction = "." in value.partition("T")[2]
    spec = (
        "seconds"
        if not moment.microsecond and not fraction
        else "milliseconds"
        if moment.microsecond % 1000 == 0
        else "microseconds"
    )
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
    raw: Mapping[str, Any] = {} if isinstance(exchange, ExchangeView) else exchange
    moment = (fixed_time or datetime.now(UTC)).replace(microsecond=0)
    now = _xml_time(moment.isoformat(), EPOCH)
    qde, texts = _project_xml(view, raw, name, now)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for entry_name, data in [("project.qde", qde), *sorted(texts.items())]:
            zf.writestr(entry_info(entry_name, moment), data)


def _project_xml(
    view: ExchangeView, raw: Mapping[str, Any], name: str, now: str
) -> tuple[bytes, dict[str, bytes]]:
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
    consensus = sorted(c["id"] for c in view.coders if c.get("consensus"))
    if consensus:
        root.append(ET.ProcessingInstruction(_PROJECT_PI, json.dumps({"consensus": consensus})))
    if view.coders:
        el = ET.SubElement(root, "Users")
        for c in view.coders:
            ET.SubElement(
                el, "User", {"guid": users[c["id"]], "name": c["name"] or c["id"], "id": c["id"]}
            )
    if view.categories:
        code_elements(
            ET.SubElement(ET.SubElement(root, "CodeBook"), "Codes"),
            view.categories,
            used={t.category for t in view.tags},
        )
    texts: dict[str, bytes] = {}
    notes: list[tuple[str, str, str]] = []  # (guid, name, content)
    tags_by_doc: dict[str, list[Any]] = {}
    for t in view.tags:
        tags_by_doc.setdefault(t.document, []).append(t)
    reviews_by_doc: dict[str, list[list[Any]]] = {}
    for (coder, doc, start, end), status in sorted(view.reviews.items()):
        updated = view.review_times.get((coder, doc, start, end), "")
        reviews_by_doc.setdefault(doc, []).append([coder, start, end, status, updated])
    raw_docs = {d.get("key"): d for d in raw.get("documents") or [] if isinstance(d, Mapping)}
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
        raw_doc = raw_docs.get(d.key) or {}
        kinds = {
            (c.get("start"), c.get("end")): c["kind"]
            for c in raw_doc.get("clauses") or []
            if isinstance(c, Mapping) and isinstance(c.get("kind"), str)
        }
        # Our clause boundaries, kinds, reviews and metadata ride in a processing instruction:
        # schema-valid, and ignored by other tools (a note would show up as a memo there).
        clause_data = {
            "document": d.key,
            "clauses": [
                [s, e, lab, kinds[(s, e)]] if (s, e) in kinds else [s, e, lab]
                for s, e, lab in d.clauses
            ],
            "reviews": reviews_by_doc.get(d.key, []),
            "meta": d.meta,
        }
        notes_here = [
            [
                n["coder"],
                n["clause"][0],
                n["clause"][1],
                n.get("memo", ""),
                bool(n.get("flagged")),
                n["updated"],
            ]
            for n in raw.get("clause_notes") or []
            if isinstance(n, Mapping) and n.get("document") == d.key
        ]
        if notes_here:
            clause_data["notes"] = sorted(notes_here)
        flags = {
            a["id"]: {k: a[k] for k in ("uncertain", "adjudicator") if a.get(k)}
            for a in raw.get("annotations") or []
            if isinstance(a, Mapping) and a.get("document") == d.key and not a.get("deleted")
        }
        flags = {k: v for k, v in flags.items() if v}
        if flags:
            clause_data["annotations"] = flags
        payload = json.dumps(clause_data, ensure_ascii=False, sort_keys=True)
        src.append(ET.ProcessingInstruction(_CLAUSE_PI, payload.replace(">", "\\u003e")))
        doc_memo = raw_doc.get("memo")
        if isinstance(doc_memo, str) and doc_memo.strip():
            ET.SubElement(src, "Description").text = doc_memo
        for t in sorted(
            tags_by_doc.get(d.key, []),
            key=lambda t: ((t.span or (t.start, t.end)), t.coder, t.category, t.id),
        ):
            start, end = t.span or (t.start, t.end)
            user = users[t.coder]
            created = _xml_time(t.created, now)
            sel_attrs = {
                "guid": str(uuid.uuid5(GUID_NAMESPACE, f"selection:{t.id or t}")),
                "name": d.text[start:end],  # the selected text, as other tools write it
                "startPosition": str(start),
                "endPosition": str(end),
                "creatingUser": user,
                "creationDateTime": created,
                "modifyingUser": user,
                "modifiedDateTime": _xml_time(t.updated, created),
            }
            sel = ET.SubElement(src, "PlainTextSelection", sel_attrs)
            if t.memo:  # QualCoder reads a coding memo here; the others read the note below
                ET.SubElement(sel, "Description").text = t.memo
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
                note_guid = str(uuid.uuid5(GUID_NAMESPACE, f"memo:{sel.get('guid')}"))
                ET.SubElement(sel, "NoteRef", {"targetGUID": note_guid})
                notes.append((note_guid, "memo", t.memo))
    memo_value = raw.get("project_memo")
    project_memo = memo_value if isinstance(memo_value, str) else ""
    has_memo = bool(project_memo.strip())
    if has_memo:
        notes.append(
            (str(uuid.uuid5(GUID_NAMESPACE, "project-memo")), "Project memo", project_memo)
        )
    if notes:
        el = ET.SubElement(root, "Notes")
        for guid, note_name, content in notes:
            note = ET.SubElement(
                el, "Note", {"guid": guid, "name": note_name, "creationDateTime": now}
            )
            ET.SubElement(note, "PlainTextContent").text = content
    if has_memo:
        ET.SubElement(root, "Description").text = project_memo
        ET.SubElement(root, "NoteRef", {"targetGUID": notes[-1][0]})
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n", texts


# -- import: what the project already knows ----------------------------------------------------


@dataclass
class KnownIdentities:
    """What the receiving project holds, so a foreign file lands on it instead of beside it.

    ``mapping``: (kind, foreign GUID) -> our id, for kinds ``user``, ``code`` and ``coding``, from
    earlier imports. ``clauses``: a document's clause boundaries ``(start, end, label, kind)``.
    ``annotations``: an annotation's content ``(coder, document, clause start, clause end,
    category, span or ())`` -> its id, tombstones included (so a coding deleted here stays deleted).
    """

    coders: Mapping[str, str] = field(default_factory=dict)
    categories: Sequence[Category] = ()
    mapping: Mapping[tuple[str, str], str] = field(default_factory=dict)
    clauses: Mapping[str, Sequence[tuple[int, int, str, str]]] = field(default_factory=dict)
    annotations: Mapping[tuple[Any, ...], str] = field(default_factory=dict)


@dataclass
class ImportReport:
    """What an import noticed, for the user: every warning, and the counts behind them."""

    warnings: list[str] = field(default_factory=list)
    identities: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, GUID, our id)
    selections: int = 0
    corrected: Counter[str] = field(default_factory=Counter)  # how many were read which way
    skipped: int = 0
    split: int = 0
    project_memo: str = ""
    origin: str = ""
    source: str = ""  # which foreign project: see source_of


_HOW = {
    "utf16": "UTF-16 code units (as QualCoder's coding view stores them)",
    "crlf": "positions in the text without the CR of its CRLF line ends",
    "utf16+crlf": "UTF-16 code units in the text without CRs",
    SEARCHED: "placed by their text near their positions",
}


# -- import: the project ----------------------------------------------------------------------


def source_of(origin: str | None, name: str | None) -> str:
    """Which foreign project a .qdpx comes from: the tool its ``origin`` names, without the
    version (which changes when the user upgrades), and the project's ``name``, joined by a unit
    separator (which no name holds). QualCoder draws every GUID afresh on each export
    (``creatingUserGUID`` too), so no GUID can say it."""
    words = (origin or "").split()
    tool = words[: next((i for i, w in enumerate(words) if w[:1].isdigit()), len(words))]
    return " ".join(tool) + "\x1f" + (name or "").strip()


def import_qdpx(
    file: str | Path | IO[bytes],
    *,
    source: str | None = None,
    known_keys: Iterable[str] = (),
    warnings: list[str] | None = None,
    limits: ZipLimits = QDPX_LIMITS,
    known: KnownIdentities | None = None,
    report: ImportReport | None = None,
) -> dict[str, Any]:
    """An exchange document (``plan-annotations`` v1) from a ``.qdpx`` project.

    Document keys are computed from the (normalised) texts. Each selection is placed by checking
    its positions against its text (see :mod:`annotator.core.refi_positions`) and cut into one
    annotation per clause it touches. Users, codes and codings are matched to ``known`` (the
    receiving project) by GUID, then by name or content. A selection that cannot be placed is
    skipped and listed in ``warnings``; it never refuses the file. ``known_keys`` are category
    keys recognised by their GUID.
    """
    name = source or (
        str(file) if isinstance(file, str | Path) else str(getattr(file, "name", "project.qdpx"))
    )
    rep = report if report is not None else ImportReport()
    if warnings is not None:
        rep.warnings = warnings
    know = known or KnownIdentities()
    if known_keys:
        have = {c.key for c in know.categories}
        extra = [Category(key=k, name=k) for k in known_keys if k not in have]
        know = replace(know, categories=[*know.categories, *extra])
    archive = SafeZip(file, name, limits)
    try:
        return _Importer(archive, rep, know).run()
    finally:
        archive.close()


class _Importer:
    def __init__(self, archive: SafeZip, report: ImportReport, known: KnownIdentities) -> None:
        self.archive = archive
        self.source = archive.source
        self.report = report
        self.warnings = report.warnings
        self.known = known
        self.used_ids: set[str] = set()

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
        self.report.origin = root.get("origin") or ""
        self.report.source = source_of(root.get("origin"), root.get("name"))
        self.ours = self.report.origin.startswith("Plan Annotator")
        self.default_time = _xml_time(
            root.get("modifiedDateTime") or root.get("creationDateTime") or "", EPOCH
        )
        self.notes = self._notes(root)
        self.coders = self._users(root)
        categories, self.code_keys = self._codebook(root)
        self.code_names = {
            g: next(c.name for c in categories if c.key == k) for g, k in self.code_keys.items()
        }
        documents: dict[str, dict[str, Any]] = {}
        annotations: dict[tuple[Any, ...], dict[str, Any]] = {}
        reviews: dict[tuple[Any, ...], dict[str, Any]] = {}
        self.clause_notes: dict[tuple[Any, ...], dict[str, Any]] = {}
        self.flags: dict[str, dict[str, Any]] = {}
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
        for part, what in (
            ("Cases", "cases"),
            ("Variables", "variables (attributes)"),
            ("Sets", "sets"),
            ("Graphs", "graphs"),
            ("Links", "links"),
        ):
            found = root.find(f"{_NS}{part}")
            if found is not None and len(found):
                self.warnings.append(
                    f"{len(found)} {what} have no place in a plan project; skipped"
                )
        self.report.project_memo = "\n\n".join(p for p in (self._memo(root), self._journals()) if p)
        consensus = set(self._project_data(root).get("consensus") or []) if self.ours else set()
        for ann in annotations.values():
            for k, v in self.flags.get(ann["id"], {}).items():
                if k in ("uncertain", "adjudicator") and isinstance(v, bool | str):
                    ann[k] = v
        out: dict[str, Any] = {
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
        for coder in out["coders"]:
            if coder["id"] in consensus:
                coder["consensus"] = True
        if self.clause_notes:
            out["clause_notes"] = [self.clause_notes[k] for k in sorted(self.clause_notes)]
        return out

    def _project_data(self, root: ET.Element) -> dict[str, Any]:
        for child in root:
            text = child.text or "" if child.tag is ET.ProcessingInstruction else ""
            if text.startswith(_PROJECT_PI + " "):
                try:
                    data = json.loads(text[len(_PROJECT_PI) + 1 :])
                except ValueError:
                    return {}
                return data if isinstance(data, dict) else {}
        return {}

    # -- parts ------------------------------------------------------------------------------
    def _users(self, root: ET.Element) -> dict[str, str]:
        self.user_ids: dict[str, str] = {}
        known = self.known.coders
        by_name = {name_key(n): cid for cid, n in sorted(known.items())}
        coders: dict[str, str] = {}
        for i, u in enumerate(root.findall(f"{_NS}Users/{_NS}User")):
            guid = u.get("guid")
            if not guid:
                raise self.fail("a User needs a guid", f"{self.entry}:/Project/Users/User[{i + 1}]")
            g = guid_text(guid)
            name = (u.get("name") or "").strip()
            own = (u.get("id") or "").strip()
            cid = self.known.mapping.get(("user", g))
            if cid is None and own and self.ours:
                cid = own  # our own export: the id is the coder's id
            if cid is None and name:
                cid = by_name.get(name_key(name))
            if cid is None:
                # A foreign id (MAXQDA writes initials) is only ours if nobody here has it.
                cid = (
                    own if own and own not in known and own not in coders and len(own) <= 36 else g
                )
            if name:
                by_name.setdefault(name_key(name), cid)
            self.user_ids[g] = cid
            coders[cid] = known.get(cid) or coders.get(cid) or name or cid
            self.report.identities.append(("user", g, cid))
        return coders

    def _coder(self, guid: str | None) -> str:
        if not guid:
            cid = str(uuid.uuid5(GUID_NAMESPACE, "coder:unknown"))
            self.coders.setdefault(cid, self.known.coders.get(cid, "Unknown coder"))
            return cid
        g = guid_text(guid)
        if g not in self.user_ids:  # a user the Users list forgot
            cid = self.known.mapping.get(("user", g), g)
            self.user_ids[g] = cid
            self.coders.setdefault(cid, self.known.coders.get(cid, cid))
        return self.user_ids[g]

    def _codebook(self, root: ET.Element) -> tuple[list[Category], dict[str, str]]:
        codes = root.find(f"{_NS}CodeBook/{_NS}Codes")
        if codes is None:
            return [], {}
        matcher = CodeMatcher(self.known.categories, self.known.mapping)
        categories, keys = parse_code_elements(
            codes,
            PROJECT_NS,
            source=self.source,
            where=f"{self.entry}:/Project/CodeBook/Codes",
            known_keys=[c.key for c in self.known.categories],
            resolve=matcher,
            reserved=matcher.keys,
        )
        categories = matcher.settle(categories, self.warnings)
        self.report.identities.extend(("code", g, k) for g, k in sorted(keys.items()))
        return categories, keys

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
        self.note_elements: dict[str, ET.Element] = {}
        for i, note in enumerate(root.findall(f"{_NS}Notes/{_NS}Note")):
            guid = note.get("guid")
            if guid:
                where = f"{self.entry}:/Project/Notes/Note[{i + 1}]"
                try:
                    notes[guid_text(guid)] = (note.get("name") or "", self._text_of(note, where))
                    self.note_elements[guid_text(guid)] = note
                except FormatError as exc:  # a memo we cannot read never refuses the project
                    self.warnings.append(f"a note was skipped: {exc}")
        self.referenced = {
            guid_text(ref.get("targetGUID") or "") for ref in root.iter(f"{_NS}NoteRef")
        }
        return notes

    def _journals(self) -> str:
        """Notes nothing refers to (QualCoder's journals): kept in the project memo."""
        parts = []
        for guid, (name, text) in self.notes.items():
            if guid not in self.referenced and name != CLAUSE_NOTE and text.strip():
                parts.append(f"{name}\n{text}" if name else text)
        if parts:
            self.warnings.append(
                f"{len(parts)} notes that belong to nothing (journals) went into the project memo"
            )
        return "\n\n".join(parts)

    def _passage_notes(self, src: ET.Element) -> list[tuple[ET.Element, ET.Element, str]]:
        """Notes on a passage of this source (a QualCoder annotation, an NVivo annotation):
        ``(note, its PlainTextSelection, text)`` for each NoteRef whose note carries one."""
        out = []
        for ref in src.findall(f"{_NS}NoteRef"):
            guid = guid_text(ref.get("targetGUID") or "")
            note = self.note_elements.get(guid)
            sel = note.find(f"{_NS}PlainTextSelection") if note is not None else None
            if note is not None and sel is not None and self.notes[guid][1].strip():
                out.append((note, sel, self.notes[guid][1]))
        return out

    def _memo(self, el: ET.Element) -> str:
        """An element's memo: its ``Description`` and the notes its ``NoteRef``s name, once each.

        QualCoder reads and writes ``Description``; ATLAS.ti, MAXQDA and NVivo use notes. Our own
        export writes both with the same text, which therefore counts once.
        """
        parts: list[str] = []
        desc = el.find(f"{_NS}Description")
        if desc is not None and (desc.text or "").strip():
            parts.append(desc.text or "")
        for ref in el.findall(f"{_NS}NoteRef"):
            guid = guid_text(ref.get("targetGUID") or "")
            name, text = self.notes.get(guid, ("", ""))
            passage = guid in self.note_elements and (
                self.note_elements[guid].find(f"{_NS}PlainTextSelection") is not None
            )
            if name != CLAUSE_NOTE and not passage and text.strip() and text not in parts:
                parts.append(text)
        return "\n\n".join(parts)

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
        stored = self._clause_data(src, key, text, where)
        if stored is not None:
            clauses, meta = stored["clauses"], stored["meta"]
        elif key in self.known.clauses:  # the plan is already here: its own boundaries
            clauses, meta = [tuple(c) for c in self.known.clauses[key]], {}
        else:
            clauses = [(c.start, c.end, c.label, c.kind) for c in segment(text)]
            meta = {}
        if not clauses and text.strip():
            clauses = [(0, len(text), "1", "paragraph")]
        clauses.sort()
        doc = documents.setdefault(
            key,
            {
                "key": key,
                "title": title,
                "text": text,
                "clauses": [
                    {"start": s, "end": e, "label": lab, **({"kind": kind} if kind else {})}
                    for s, e, lab, kind in clauses
                ],
            },
        )
        if meta:
            doc["meta"] = meta
        memo = self._memo(src)
        if memo:
            doc["memo"] = memo
        resolver = PositionResolver(raw, shift, text)
        index = ClauseIndex([(s, e) for s, e, _, _ in clauses])
        labels = {(s, e): lab for s, e, lab, _ in clauses}
        selections = src.findall(f"{_NS}PlainTextSelection")
        if not self.ours:
            resolver.learn([_span_and_name(sel) for sel in selections])
        before = Counter(self.report.corrected)
        for j, sel in enumerate(selections):
            self._selection(
                sel, f"{title}: selection {j + 1}", key, resolver, index, labels, annotations
            )
        self.report.selections += len(selections)
        for note, sel, note_text in self._passage_notes(src):
            self._passage_note(note, sel, note_text, title, key, resolver, index)
        for how, n in sorted((self.report.corrected - before).items()):
            if how == NAMELESS:
                self.warnings.append(
                    f"{title}: {n} of {len(selections)} selections are named by a title, not "
                    "their text; placed by their positions, unchecked"
                )
                continue
            self.warnings.append(
                f"{title}: {n} of {len(selections)} selections corrected: {_HOW.get(how, how)}"
            )
        if src.findall(f"{_NS}Coding"):
            self.warnings.append(f"{title}: codings of the whole source were skipped")
        if stored is not None:
            self.flags.update(stored["flags"])
            for coder, start, end, memo, flagged, updated in stored["notes"]:
                self.clause_notes[(coder, key, start, end)] = {
                    "coder": coder,
                    "document": key,
                    "clause": [start, end],
                    "memo": memo,
                    "flagged": flagged,
                    "updated": updated,
                }
            for coder, start, end, status, updated in stored["reviews"]:
                reviews[(coder, key, start, end)] = {
                    "coder": coder,
                    "document": key,
                    "clause": [start, end],
                    "status": status,
                    "updated": updated,
                }

    def _clause_data(
        self, src: ET.Element, key: str, text: str, where: str
    ) -> dict[str, Any] | None:
        """Our own clause boundaries (and reviews, metadata), from the source's processing
        instruction (or, in files of earlier versions, its clause note), if valid."""
        content = None
        for child in src:
            if child.tag is ET.ProcessingInstruction and (child.text or "").startswith(
                _CLAUSE_PI + " "
            ):
                content = (child.text or "")[len(_CLAUSE_PI) + 1 :]
                break
        if content is None:
            for ref in src.findall(f"{_NS}NoteRef"):
                name, note = self.notes.get(guid_text(ref.get("targetGUID") or ""), ("", ""))
                if name == CLAUSE_NOTE:
                    content = note
                    break
        if content is None:
            return None
        try:
            data = json.loads(content)
            if data["document"] != key:
                self.warnings.append(
                    f"{where}: the text changed since export; clauses re-segmented"
                )
                return None
            clauses = []
            for item in data["clauses"]:
                s, e, lab = int(item[0]), int(item[1]), str(item[2])
                kind = str(item[3]) if len(item) > 3 else None
                clauses.append((s, e, lab, kind))
            if any(not 0 <= s < e <= len(text) for s, e, _, _ in clauses):
                raise ValueError("clause outside the text")
            bounds = {(s, e) for s, e, _, _ in clauses}
            reviews = [
                (self.user_ids.get(c, c), int(s), int(e), st, _xml_time(str(t), self.default_time))
                for c, s, e, st, t in data.get("reviews", [])
                if self.user_ids.get(c, c) in self.coders
                and (int(s), int(e)) in bounds
                and st in ("done", "none")
            ]
            meta = data.get("meta") or {}
            if not isinstance(meta, dict):
                meta = {}
            notes = [
                (c, int(s), int(e), str(m), bool(f), _xml_time(str(t), self.default_time))
                for c, s, e, m, f, t in data.get("notes", [])
                if c in self.coders and (int(s), int(e)) in bounds
            ]
            flags = data.get("annotations") or {}
            if not isinstance(flags, dict):
                flags = {}
        except (ValueError, KeyError, TypeError, IndexError) as exc:
            self.warnings.append(f"{where}: unreadable clause data ({exc}); clauses re-segmented")
            return None
        return {
            "clauses": clauses,
            "reviews": reviews,
            "meta": meta,
            "notes": notes,
            "flags": flags,
        }

    def _selection(
        self,
        sel: ET.Element,
        who: str,
        key: str,
        resolver: PositionResolver,
        index: ClauseIndex,
        labels: dict[tuple[int, int], str],
        annotations: dict[tuple[Any, ...], dict[str, Any]],
    ) -> None:
        codings = sel.findall(f"{_NS}Coding")
        names = [self._code_name(c) for c in codings]
        user = sel.get("creatingUser")
        coder_name = self.coders.get(self.user_ids.get(guid_text(user), ""), "") if user else ""
        what = f"{who} ({', '.join([coder_name, *names] if coder_name else names) or 'no code'})"
        try:
            raw_start, raw_end = int(sel.get("startPosition", "")), int(sel.get("endPosition", ""))
        except ValueError:
            self._skip(f"{what}: positions are not whole numbers; skipped")
            return
        memo = self._memo(sel)
        if not codings:
            if memo:  # MAXQDA writes a memo on a passage so: its writer's clause memo here
                self._passage_note(sel, sel, memo, who, key, resolver, index)
            return
        place = resolver.place(raw_start, raw_end, sel.get("name"), trust=self.ours)
        if place is None:
            text = expected_text(sel.get("name"))
            shown = text if len(text) <= 60 else text[:57] + "..."
            self._skip(
                f"{what} [{raw_start}, {raw_end}] cannot be placed"
                + (f": {shown!r} is not in the plan" if text else ": outside the text")
                + "; skipped"
            )
            return
        if place.how not in ("codepoints", UNCHECKED):
            self.report.corrected[place.how] += 1
        if place.start == place.end:
            self._skip(f"{what}: empty selection; skipped")
            return
        pieces = index.pieces(place.start, place.end, resolver.text)
        if not pieces:
            self._skip(f"{what}: lies outside every clause; skipped")
            return
        outside = _uncovered(resolver.text, place.start, place.end, pieces)
        if outside:
            self.warnings.append(
                f"{what}: {outside} characters of it lie outside every clause and were left out"
            )
        if len(pieces) > 1:
            self.report.split += 1
            touched = ", ".join(labels.get((cs, ce), "?") for cs, ce, _, _ in pieces)
            self.warnings.append(
                f"{what} crosses clauses {touched}: coded as {len(pieces)} spans, one in each"
            )
        sel_created = _xml_time(sel.get("creationDateTime") or "", self.default_time)
        updated = _xml_time(sel.get("modifiedDateTime") or "", sel_created)
        for k, coding in enumerate(codings):
            ref = coding.find(f"{_NS}CodeRef")
            target = guid_text(ref.get("targetGUID") or "") if ref is not None else ""
            if target not in self.code_keys:
                self._skip(
                    f"{who}: coding {k + 1} names code {target or '(none)'}, "
                    "which is not in the codebook; skipped"
                )
                continue
            coder = self._coder(coding.get("creatingUser") or sel.get("creatingUser"))
            category = self.code_keys[target]
            created = _xml_time(coding.get("creationDateTime") or "", sel_created)
            cguid = guid_text(coding.get("guid") or "")
            cmemo = "\n\n".join(p for p in (memo, self._memo(coding)) if p)
            for n, (cs, ce, ps, pe) in enumerate(pieces):
                span = None if (ps, pe) == (cs, ce) else [ps, pe]
                ident = (coder, key, cs, ce, category, tuple(span or ()))
                if ident in annotations:  # the same coding twice: one annotation
                    if cmemo and not annotations[ident]["memo"]:
                        annotations[ident]["memo"] = cmemo
                    if len(pieces) > 1:  # part of a longer coding falls on a shorter one
                        self.warnings.append(
                            f"{what}: its part in clause {labels.get((cs, ce), '?')} is the same "
                            "as another coding of this coder and code; kept once"
                        )
                    continue
                aid = self._annotation_id(cguid, n, ident)
                annotations[ident] = {
                    "id": aid,
                    "coder": coder,
                    "document": key,
                    "clause": [cs, ce],
                    "category": category,
                    "span": span,
                    "memo": cmemo,
                    "created": created,
                    "updated": max(updated, created),
                    "deleted": False,
                }

    def _passage_note(
        self,
        note: ET.Element,
        sel: ET.Element,
        text: str,
        title: str,
        key: str,
        resolver: PositionResolver,
        index: ClauseIndex,
    ) -> None:
        """A memo on a passage becomes its writer's memo on each clause the passage touches."""
        try:
            start, end = int(sel.get("startPosition", "")), int(sel.get("endPosition", ""))
        except ValueError:
            start = end = -1
        place = resolver.place(start, end, sel.get("name")) if start >= 0 else None
        pieces = index.pieces(place.start, place.end, resolver.text) if place else []
        if not pieces:
            self._skip(
                f"{title}: a memo on [{start}, {end}] cannot be placed; skipped: {text[:60]!r}"
            )
            return
        coder = self._coder(
            note.get("creatingUser") or note.get("modifyingUser") or sel.get("creatingUser")
        )
        stamp = _xml_time(
            note.get("modifiedDateTime") or note.get("creationDateTime") or "", self.default_time
        )
        for cs, ce, _ps, _pe in pieces:
            ident = (coder, key, cs, ce)
            old = self.clause_notes.get(ident)
            memo = text if old is None or not old["memo"] else f"{old['memo']}\n\n{text}"
            self.clause_notes[ident] = {
                "coder": coder,
                "document": key,
                "clause": [cs, ce],
                "memo": memo,
                "flagged": False,
                "updated": max(stamp, old["updated"]) if old else stamp,
            }

    def _annotation_id(self, cguid: str, piece: int, ident: tuple[Any, ...]) -> str:
        """The coding's id here: as imported before (by GUID, else by content), else new."""
        foreign = cguid if piece == 0 else f"{cguid}#{piece + 1}"
        candidates = (  # lazily: most codings stop at the first or the third
            lambda: self.known.mapping.get(("coding", foreign)) if cguid else None,
            lambda: self.known.annotations.get(ident),
            lambda: cguid if piece == 0 and _GUID_RE.match(cguid) else None,
            lambda: str(uuid.uuid5(GUID_NAMESPACE, f"refi-coding:{foreign or repr(ident)}")),
            lambda: str(uuid.uuid5(GUID_NAMESPACE, f"refi-content:{ident!r}")),
        )
        aid = next(c for c in (make() for make in candidates) if c and c not in self.used_ids)
        self.used_ids.add(aid)
        if cguid:
            self.report.identities.append(("coding", foreign, aid))
        return aid

    def _code_name(self, coding: ET.Element) -> str:
        ref = coding.find(f"{_NS}CodeRef")
        target = guid_text(ref.get("targetGUID") or "") if ref is not None else ""
        return self.code_names.get(target, "unknown code")

    def _skip(self, message: str) -> None:
        self.report.skipped += 1
        self.warnings.append(message)


def _uncovered(text: str, start: int, end: int, pieces: list[tuple[int, int, int, int]]) -> int:
    """How many non-blank characters of ``text[start:end]`` no piece covers."""
    missing, pos = 0, start
    for _cs, _ce, ps, pe in sorted(pieces, key=lambda p: p[2]):
        if ps > pos:
            missing += sum(1 for ch in text[pos:ps] if not ch.isspace())
        pos = max(pos, pe)
    return missing + sum(1 for ch in text[pos:end] if not ch.isspace())


def _span_and_name(sel: ET.Element) -> tuple[int, int, str | None]:
    """A selection's raw positions and name, ``(-1, -1, None)`` if the positions are no numbers."""
    try:
        return int(sel.get("startPosition", "")), int(sel.get("endPosition", "")), sel.get("name")
    except ValueError:
        return -1, -1, None
