"""Contract 2: the annotation exchange file (format ``plan-annotations``, version 1).

Files are handled as plain dicts and lists, exactly as parsed from JSON: that keeps loading and
merging 20 files of 10,000 annotations fast. The public functions are

- :func:`load_exchange` / :func:`parse_exchange`: read, decode and validate one file;
- :func:`validate_exchange`: the structure (the JSON Schema shipped in
  ``resources/schema/plan-annotations-v1.schema.json``) and the meaning (document keys, offsets,
  references, duplicates, timestamps);
- :func:`dump_exchange`: the canonical bytes of a file.

Every problem raises :class:`~annotator.core.errors.FormatError` (or ``InputError`` for a file that
cannot be read) with ``source`` = the file name and ``where`` = a JSON path like
``$.annotations[12].clause``.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import functools
import gc
import json
import os
import uuid
from collections.abc import Callable, Iterable, Iterator
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from annotator.core.errors import FormatError, InputError
from annotator.core.text import document_key, is_normalised

if TYPE_CHECKING:
    import fastjsonschema

FORMAT = "plan-annotations"
VERSION = 1
#: Files larger than this are refused before a byte is read.
MAX_BYTES = 256 * 1024 * 1024
SCHEMA_RESOURCE = "schema/plan-annotations-v1.schema.json"
REVIEW_STATUSES = frozenset({"done", "none"})

# Top-level lists other than the fixed ones whose items are merged one by one by "id".
KEYED_COLLECTIONS = ("links",)
# Top-level lists of per-coder, per-clause objects, merged like reviews (coder, document, clause).
CLAUSE_KEYED_COLLECTIONS = ("clause_notes",)

Doc = dict[str, Any]

#: The consensus layer's pseudo-coder has one fixed id everywhere, so that consensus work done in
#: different copies of a project (or on a team server) merges as one layer.
CONSENSUS_CODER_ID = str(uuid.uuid5(uuid.NAMESPACE_URL, "plan-annotator:consensus"))


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building or scanning large acyclic JSON trees.

    Hundreds of thousands of new dicts make the collector rescan the whole heap again and again
    (it doubled ``json.loads`` and tripled the merge in measurements); the trees hold no cycles.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# ---------------------------------------------------------------------------------------------
# Reading


def load_exchange(path: str | os.PathLike[str], *, max_bytes: int = MAX_BYTES) -> Doc:
    """Read, decode and validate the exchange file at ``path``.

    The size is checked before anything is read, so a huge file is refused at once.
    Raises :class:`InputError` if the file cannot be read, :class:`FormatError` if it is not a
    valid ``plan-annotations`` version 1 file.
    """
    path = Path(path)
    source = path.name
    try:
        size = path.stat().st_size
        _check_size(size, max_bytes, source)
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror or exc}", source=source) from None
    return parse_exchange(data, source, max_bytes=max_bytes)


def parse_exchange(data: bytes | str, source: str, *, max_bytes: int = MAX_BYTES) -> Doc:
    """Parse and validate an exchange file held in memory; ``source`` names it in errors."""
    _check_size(len(data), max_bytes, source)
    if isinstance(data, bytes):
        text = _decode_utf8(data, source)
        # Drop our reference early: the caller may hold the bytes, but we no longer need them.
        del data
    else:
        text = data
    if text.startswith("\ufeff"):  # a UTF-8 byte-order mark is still UTF-8
        text = text[1:]
    try:
        with gc_paused():
            doc = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        reason = exc.msg
        # Both mean the text ran out: an unterminated string reaches the end of the file.
        if exc.pos >= len(text.rstrip()) or reason.startswith("Unterminated string"):
            reason += " (the file ends too early: truncated?)"
        raise FormatError(
            f"not valid JSON: {reason}",
            source=source,
            where=f"line {exc.lineno}, column {exc.colno}",
        ) from None
    except _ConstantError as exc:
        raise FormatError(
            f"not valid JSON: {exc.args[0]} is not a JSON number", source=source
        ) from None
    except RecursionError:
        raise FormatError("not valid JSON: nested too deeply", source=source) from None
    del text
    with gc_paused():
        return validate_exchange(doc, source)


class _ConstantError(ValueError):
    pass


def _refuse_constant(name: str) -> Any:
    raise _ConstantError(name)


def _check_size(size: int, max_bytes: int, source: str) -> None:
    if size > max_bytes:
        raise InputError(
            f"file is too large ({size / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.1f} MB)",
            source=source,
        )


def _decode_utf8(data: bytes, source: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        hint = " (UTF-16?)" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else ""
        raise FormatError(
            f"not UTF-8{hint}: byte 0x{data[exc.start]:02x} cannot be decoded",
            source=source,
            where=f"line {line}, byte {column}",
        ) from None


# ---------------------------------------------------------------------------------------------
# Validation


def exchange_schema() -> dict[str, Any]:
    """The JSON Schema of the format (draft 2020-12), as shipped in resources/schema/."""
    text = resources.files("annotator.resources").joinpath(SCHEMA_RESOURCE).read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@functools.cache
def _structure_validator() -> Callable[[Any], Any]:
    # The schema uses only keywords that mean the same in drafts 7 and 2020-12, so fastjsonschema
    # (compiled once, ~10x faster than jsonschema) checks exactly what the shipped schema says.
    # (compile() rewrites the references of the dict it gets: it gets its own copy.)
    import fastjsonschema

    from annotator.core import schema_fast

    schema = exchange_schema()
    full: Callable[[Any], Any] = fastjsonschema.compile(exchange_schema())
    if not schema_fast.applies_to(schema_fast.schema_digest(schema)):
        return full

    def check(doc: Any) -> None:
        # The long lists by the fast path, the rest by the schema; anything unsure: all of it by
        # the schema, so the outcome and the message are the full validator's.
        if isinstance(doc, dict) and schema_fast.hot_lists_valid(doc):
            try:
                full(schema_fast.without_hot_lists(doc))
                return
            except fastjsonschema.JsonSchemaValueException:
                pass
        full(doc)

    return check


def validate_exchange(doc: Any, source: str) -> Doc:
    """Check ``doc`` (parsed JSON) against Contract 2 and return it unchanged.

    Checks the format and version first (so another format or a newer version gets a clear
    message), then the structure with the JSON Schema, then the meaning: document keys and
    normalised texts, clause offsets, the clause / span / coder / category of every annotation and
    review, duplicate identifiers and real RFC 3339 UTC timestamps.
    """
    if not isinstance(doc, dict):
        raise FormatError("an exchange file must be a JSON object", source=source, where="$")
    fmt = doc.get("format")
    if fmt != FORMAT:
        raise FormatError(
            f"not a {FORMAT} file (format is {fmt!r})", source=source, where="$.format"
        )
    version = doc.get("version")
    if type(version) is not int:
        raise FormatError(f"bad version {version!r}", source=source, where="$.version")
    if version > VERSION:
        raise FormatError(
            f"{FORMAT} version {version} is newer than this program reads (version {VERSION});"
            " update Plan Annotator",
            source=source,
            where="$.version",
        )
    if version != VERSION:
        raise FormatError(f"unknown version {version}", source=source, where="$.version")
    import fastjsonschema  # here, not at import: reading the consensus id must stay light

    try:
        _structure_validator()(doc)
    except fastjsonschema.JsonSchemaValueException as exc:
        raise FormatError(_schema_message(exc), source=source, where=_schema_path(exc)) from None
    _Semantics(source).check(doc)
    return doc


def _schema_path(exc: fastjsonschema.JsonSchemaValueException) -> str:
    name = exc.name or "data"
    return "$" + name[len("data") :] if name.startswith("data") else name


def _schema_message(exc: fastjsonschema.JsonSchemaValueException) -> str:
    if (
        exc.rule == "required"
        and isinstance(exc.value, dict)
        and isinstance(exc.rule_definition, list)
    ):
        missing = [k for k in exc.rule_definition if k not in exc.value]
        return "missing field" + ("s " if len(missing) > 1 else " ") + ", ".join(map(repr, missing))
    message = exc.message or "invalid"
    name = exc.name or ""
    return message[len(name) :].strip() if message.startswith(name) else message


def timestamp_key(value: str) -> str:
    """A string that sorts like the instant of a validated RFC 3339 UTC timestamp.

    ``"2026-01-05T10:00:00Z"`` and ``"2026-01-05T10:00:00.000Z"`` give the same key, and
    ``"...00.5Z"`` sorts after ``"...00Z"`` (plain string order gets both wrong).
    """
    if len(value) == 20:  # no fraction: YYYY-MM-DDTHH:MM:SSZ
        return value[:19] + "000000000"
    return value[:19] + value[20:-1].ljust(9, "0")


def _check_timestamp(value: str, source: str, where: str) -> None:
    # The schema has checked the shape; here the calendar (no 31 February, no hour 25).
    try:
        _dt.datetime.fromisoformat(value[:19])
    except ValueError:
        raise FormatError(
            f"not a real date and time: {value!r}", source=source, where=where
        ) from None


class _Semantics:
    """The checks a JSON Schema cannot express; one pass over each list."""

    def __init__(self, source: str):
        self.source = source
        self.checked_times: set[str] = set()

    def fail(self, message: str, where: str) -> FormatError:
        return FormatError(message, source=self.source, where=where)

    def time(self, value: str, where: str) -> None:
        if value not in self.checked_times:  # thousands of annotations share a few instants
            _check_timestamp(value, self.source, where)
            self.checked_times.add(value)

    def check(self, doc: Doc) -> None:
        categories = self.unique(doc["codebook"]["categories"], "key", "$.codebook.categories")
        for i, cat in enumerate(doc["codebook"]["categories"]):
            parent = cat.get("parent")
            if parent is not None and parent not in categories:
                raise self.fail(
                    f"parent {parent!r} is not in the codebook",
                    f"$.codebook.categories[{i}].parent",
                )
        coders = self.unique(doc["coders"], "id", "$.coders")
        self.unique(doc["documents"], "key", "$.documents")
        clauses = {d["key"]: self.document(d, i) for i, d in enumerate(doc["documents"])}
        self.annotations(doc["annotations"], coders, categories, clauses)
        self.reviews(doc["reviews"], coders, clauses)
        for name in CLAUSE_KEYED_COLLECTIONS:
            self.reviews(doc.get(name) or [], coders, clauses, where=f"$.{name}")
        for name in KEYED_COLLECTIONS:
            items = doc.get(name)
            if items is not None:
                self.unique(items, "id", f"$.{name}")
                for i, item in enumerate(items):
                    self.time(item["updated"], f"$.{name}[{i}].updated")
                    # A clause link (one with a status) joins clauses of documents in the file.
                    # Other links (relations of other tools) are carried along unchecked.
                    if "status" not in item:
                        continue
                    for end in ("source", "target"):
                        if isinstance(item.get(end), dict):
                            self.clause_of(item[end], clauses, f"$.{name}[{i}].{end}")

    def unique(self, items: list[dict[str, Any]], field: str, where: str) -> set[str]:
        seen: set[str] = set()
        for i, item in enumerate(items):
            value = item[field]
            if value in seen:
                raise self.fail(f"duplicate {field} {value!r}", f"{where}[{i}].{field}")
            seen.add(value)
        return seen

    def document(self, document: Doc, i: int) -> dict[tuple[int, int], int]:
        where = f"$.documents[{i}]"
        text = document["text"]
        if not is_normalised(text):
            raise self.fail(
                "text is not normalised (BOM, CR line ends or not Unicode NFC)", f"{where}.text"
            )
        if document_key(text) != document["key"]:
            raise self.fail("key is not the SHA-256 of the document's text", f"{where}.key")
        length = len(text)
        spans: dict[tuple[int, int], int] = {}
        for j, clause in enumerate(document["clauses"]):
            start, end = clause["start"], clause["end"]
            if type(start) is not int or type(end) is not int:
                raise self.fail("offsets must be whole numbers", f"{where}.clauses[{j}]")
            if not start < end <= length:
                raise self.fail(
                    f"clause [{start}, {end}] is not inside the text (0..{length}) or is empty",
                    f"{where}.clauses[{j}]",
                )
            if (start, end) in spans:
                raise self.fail(f"duplicate clause [{start}, {end}]", f"{where}.clauses[{j}]")
            spans[(start, end)] = j
        return spans

    def clause_of(
        self,
        item: dict[str, Any],
        clauses: dict[str, dict[tuple[int, int], int]],
        where: str,
    ) -> tuple[int, int]:
        spans = clauses.get(item["document"])
        if spans is None:
            raise self.fail(
                f"document {item['document'][:12]}… is not in the file", f"{where}.document"
            )
        start, end = item["clause"]
        if type(start) is not int or type(end) is not int or (start, end) not in spans:
            raise self.fail(
                f"clause [{start}, {end}] is not among the document's clauses", f"{where}.clause"
            )
        return start, end

    def annotations(
        self,
        annotations: list[dict[str, Any]],
        coders: set[str],
        categories: set[str],
        clauses: dict[str, dict[tuple[int, int], int]],
    ) -> None:
        seen: set[str] = set()
        for i, ann in enumerate(annotations):
            where = f"$.annotations[{i}]"
            if ann["id"] in seen:
                raise self.fail(f"duplicate annotation id {ann['id']!r}", f"{where}.id")
            seen.add(ann["id"])
            if ann["coder"] not in coders:
                raise self.fail(f"coder {ann['coder']!r} is not in the file", f"{where}.coder")
            adjudicator = ann.get("adjudicator")
            if adjudicator is not None and adjudicator not in coders:
                raise self.fail(
                    f"adjudicator {adjudicator!r} is not in the file", f"{where}.adjudicator"
                )
            if ann["category"] not in categories:
                raise self.fail(
                    f"category {ann['category']!r} is not in the codebook", f"{where}.category"
                )
            start, end = self.clause_of(ann, clauses, where)
            span = ann["span"]
            if span is not None:
                a, b = span
                if type(a) is not int or type(b) is not int or not start <= a < b <= end:
                    raise self.fail(
                        f"span [{a}, {b}] is not inside its clause [{start}, {end}] or is empty",
                        f"{where}.span",
                    )
            self.time(ann["created"], f"{where}.created")
            self.time(ann["updated"], f"{where}.updated")

    def reviews(
        self,
        reviews: list[dict[str, Any]],
        coders: set[str],
        clauses: dict[str, dict[tuple[int, int], int]],
        *,
        where: str = "$.reviews",
    ) -> None:
        """Checks reviews, and the other per-coder, per-clause lists shaped like them."""
        collection = where
        seen: set[tuple[str, str, int, int]] = set()
        for i, review in enumerate(reviews):
            where = f"{collection}[{i}]"
            if review["coder"] not in coders:
                raise self.fail(f"coder {review['coder']!r} is not in the file", f"{where}.coder")
            start, end = self.clause_of(review, clauses, where)
            identity = (review["coder"], review["document"], start, end)
            if identity in seen:
                raise self.fail("duplicate entry for the same clause by the same coder", where)
            seen.add(identity)
            self.time(review["updated"], f"{where}.updated")


# ---------------------------------------------------------------------------------------------
# Canonical output


def _canonical_encoder() -> Callable[[Any], str]:
    # One C encoder made once: json.dumps builds an encoder per call, which doubled the time of
    # the hundreds of thousands of small objects a merge or an export writes. Same bytes either way.
    base = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    make = getattr(json.encoder, "c_make_encoder", None)
    strings = getattr(json.encoder, "c_encode_basestring", None)
    if make is None or strings is None:  # not CPython: the plain path
        return base.encode
    # (markers, default, encoder, indent, key and item separators, sort_keys, skipkeys, allow_nan):
    # what JSONEncoder passes, without the cycle check (parsed JSON has no cycles).
    encode = make(None, base.default, strings, None, ":", ",", True, False, True)

    def canonical(value: Any) -> str:
        return "".join(encode(value, 0))

    return canonical


#: Compact JSON with sorted keys: equal content gives equal text (used to break ties).
canonical_json: Callable[[Any], str] = _canonical_encoder()


def _review_key(review: dict[str, Any]) -> tuple[str, str, list[int]]:
    return (review["coder"], review["document"], review["clause"])


def _sorted(items: Iterable[dict[str, Any]], key: Callable[[dict[str, Any]], Any]) -> list[Any]:
    return sorted(items, key=key)


def canonical_form(doc: Doc) -> Doc:
    """A copy of ``doc`` with every list of identified objects in its canonical order.

    Categories by key, coders by id, documents by key (their clauses by start then end),
    annotations and links by id, reviews by (coder, document, clause). ``doc`` is not changed.
    """
    out = dict(doc)
    codebook = dict(doc["codebook"])
    codebook["categories"] = _sorted(codebook["categories"], lambda c: c["key"])
    out["codebook"] = codebook
    out["coders"] = _sorted(doc["coders"], lambda c: c["id"])
    documents = []
    for document in _sorted(doc["documents"], lambda d: d["key"]):
        document = dict(document)
        document["clauses"] = _sorted(document["clauses"], lambda c: (c["start"], c["end"]))
        documents.append(document)
    out["documents"] = documents
    out["annotations"] = _sorted(doc["annotations"], lambda a: a["id"])
    out["reviews"] = _sorted(doc["reviews"], _review_key)
    for name in CLAUSE_KEYED_COLLECTIONS:
        if isinstance(doc.get(name), list):
            out[name] = _sorted(doc[name], _review_key)
    for name in KEYED_COLLECTIONS:
        if isinstance(doc.get(name), list):
            out[name] = _sorted(doc[name], lambda x: x["id"])
    return out


def iter_exchange(doc: Doc, *, presorted: bool = False) -> Iterator[str]:
    """The canonical text of an exchange file, in pieces (see :func:`dump_exchange`).

    With ``presorted``, ``doc`` is taken as already in :func:`canonical_form` order and its lists
    may be iterators (rows streamed from a database), so a large file is never held whole.
    """
    if not presorted:
        doc = canonical_form(doc)
    yield "{"
    for n, name in enumerate(sorted(doc)):
        yield ("," if n else "") + "\n" + json.dumps(name, ensure_ascii=False) + ":"
        value = doc[name]
        if isinstance(value, (list, Iterator)):
            yield from _list_pieces(value)
        else:
            yield canonical_json(value)
    yield "\n}\n"


def _list_pieces(items: Iterable[Any]) -> Iterator[str]:
    # One line per item, so a version-control diff shows one line per changed annotation.
    encode = canonical_json
    it = iter(items)
    for first in it:
        yield "[\n" + encode(first)
        for item in it:
            yield ",\n" + encode(item)
        yield "\n]"
        return
    yield "[]"


def dump_exchange(doc: Doc) -> bytes:
    """The canonical bytes of an exchange file: same content, same bytes.

    UTF-8 (not ASCII-escaped), keys sorted, lists in :func:`canonical_form` order, and one line
    per list item of the top level (so a version-control diff shows one line per changed
    annotation), then a final newline. Each item is compact canonical JSON.
    """
    return "".join(iter_exchange(doc)).encode("utf-8")


def write_exchange(doc: Doc, out: BinaryIO, *, presorted: bool = False, chunk: int = 2048) -> int:
    """Write the bytes of :func:`dump_exchange` to ``out`` piece by piece; returns their number.

    Memory stays at about ``chunk`` items whatever the size of the file.
    """
    written = 0
    buffer: list[str] = []
    for piece in iter_exchange(doc, presorted=presorted):
        buffer.append(piece)
        if len(buffer) >= chunk:
            written += out.write("".join(buffer).encode("utf-8"))
            buffer.clear()
    written += out.write("".join(buffer).encode("utf-8"))
    return written


def empty_exchange() -> Doc:
    """A valid file with nothing in it (the neutral element of merging)."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "codebook": {"categories": []},
        "coders": [],
        "documents": [],
        "annotations": [],
        "reviews": [],
    }
