"""Exchange fields a project has no column for, kept so that export writes them back.

Contract 2 lets a file carry fields this version does not know, at every level, and the pure merge
keeps them. A project keeps them too: per row in its ``extra`` column (JSON text, NULL when there is
none), and the file's own extra fields, its codebook's and its foreign links (links that are not
clause links of this project) in settings. So exporting a project built by importing files gives
what merging those files gives, and a re-import reports no phantom conflict.

Besides unknown fields, ``extra`` keeps a known optional field that a file spells out with its
default value (``"uncertain": false``, ``"adjudicator": null``), which export would leave out, and
notes a known optional field that the file left out but the row had to fill (a note's ``memo``, a
link's ``created``), which export would add: either way the object would differ from the file's,
and a versioned one would come back as a conflict on the next import. The text is a JSON object of
fields to add, or ``[fields to add, {field: filled-in value}]`` when some were left out (export
leaves such a field out again while it still holds the filled-in value).
"""

from __future__ import annotations

import json
from typing import Any

from annotator.core.merge import ANNOTATION_FIELDS
from annotator.storage.connection import Connection
from annotator.storage.queries import setting_value

Obj = dict[str, Any]

# Per kind of object: the fields that have columns (or their own rule), and of those the optional
# ones that export leaves out when false or null.
KNOWN: dict[str, frozenset[str]] = {
    "coder": frozenset({"id", "name", "consensus"}),
    "category": frozenset(
        {"key", "name", "description", "color", "parent", "shortcut", "retired", "codable"}
    ),
    "document": frozenset({"key", "title", "text", "clauses", "meta", "memo"}),
    "clause": frozenset({"start", "end", "label", "kind"}),
    # The fields every annotation has (Contract 2), and the two optional ones.
    "annotation": ANNOTATION_FIELDS | {"uncertain", "adjudicator"},
    "review": frozenset({"coder", "document", "clause", "status", "updated", "deleted"}),
    "clause_note": frozenset({"coder", "document", "clause", "memo", "flagged", "updated"}),
    "link": frozenset(
        {"id", "source", "target", "status", "coder", "created", "updated", "deleted"}
    ),
}
OMITTED_WHEN_EMPTY: dict[str, frozenset[str]] = {
    "coder": frozenset({"consensus"}),
    "category": frozenset({"shortcut", "retired"}),
    "document": frozenset({"memo"}),
    "annotation": frozenset({"uncertain", "adjudicator"}),
    "review": frozenset({"deleted"}),
    "link": frozenset({"coder"}),
}

# Optional known fields whose default is not falsy, which export also leaves out: a file that
# spells the default out keeps it as extra, like the falsy ones above.
OMITTED_DEFAULTS: dict[str, dict[str, Any]] = {"category": {"codable": True}}

# Settings that hold what has no row: the file's and the codebook's extra fields, foreign links.
FILE_EXTRA = "exchange.extra"
CODEBOOK_EXTRA = "exchange.codebook_extra"
FOREIGN_LINKS = "exchange.foreign_links"


def extra_of(
    obj: Obj, kind: str, *, also: Obj | None = None, filled: Obj | None = None
) -> str | None:
    """The JSON text to store for ``obj``'s fields that its row cannot hold (None: nothing).

    ``filled``: the value the row gets for each optional known field when ``obj`` lacks it.
    """
    known = KNOWN[kind]
    empty = OMITTED_WHEN_EMPTY.get(kind, frozenset())
    defaults = OMITTED_DEFAULTS.get(kind, {})
    extra = {
        k: v
        for k, v in obj.items()
        if k not in known or (k in empty and not v) or (k in defaults and v == defaults[k])
    }
    if also:
        extra.update(also)
    absent = {k: v for k, v in (filled or {}).items() if k not in obj}
    if absent:
        return dump([extra, absent])
    return dump(extra) if extra else None


def with_extra(item: Obj, text: str | None) -> Obj:
    """``item`` (built from columns) with the stored fields added; the columns win."""
    if not text:
        return item
    stored = json.loads(text)
    if not isinstance(stored, list):
        return {**stored, **item}
    fields, absent = stored
    out = {**fields, **item}
    for name, value in absent.items():
        if name in out and out[name] == value and type(out[name]) is type(value):
            del out[name]  # left out by the file and not changed since: left out again
    return out


def dump(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def document_extra(document: Obj, meta_fields: tuple[str, ...]) -> str | None:
    """A document's unknown fields; unknown ``meta`` keys (and an empty ``meta``) under "meta"."""
    meta = document.get("meta")
    kept: Obj = {}
    if isinstance(meta, dict):
        odd = {k: v for k, v in meta.items() if k not in meta_fields or not isinstance(v, str)}
        if odd or not meta:
            kept["meta"] = odd
    return extra_of(document, "document", also=kept)


def document_with_extra(document: Obj, meta: Obj, text: str | None) -> Obj:
    """A document object from its columns (``meta``: the known keys set) and its stored extra."""
    stored = json.loads(text) if text else {}
    odd_meta = stored.pop("meta", None)
    if odd_meta is not None or meta:
        document["meta"] = {**(odd_meta or {}), **meta}
    return {**stored, **document}


def known_meta(meta: Any, meta_fields: tuple[str, ...]) -> Obj:
    """The meta values that have columns (strings only: anything else is kept as extra)."""
    if not isinstance(meta, dict):
        return {}
    return {f: meta[f] for f in meta_fields if isinstance(meta.get(f), str)}


def read_setting_json(conn: Connection, key: str, default: Any) -> Any:
    """The setting's JSON value, or ``default`` if it is unset or empty."""
    value = setting_value(conn, key)
    return json.loads(value) if value else default
