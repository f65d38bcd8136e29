"""A fast path for checking an exchange file's long lists against its JSON Schema.

The JSON Schema in ``resources/schema/`` stays the contract and fastjsonschema's compiled validator
stays the judge; but it costs about 9 µs per annotation, more than parsing it. Annotations and
reviews (nearly all of a file) are checked here by plain Python that accepts only what the schema
accepts. It may refuse more than the schema does: whatever it refuses, or anything it was not
written for, is checked again by the full validator, which accepts it or gives the error. So the
fast path changes how long a check takes, never its outcome or its message.

It is used only while the schema's definitions of these lists are the ones it was written for
(:data:`WRITTEN_FOR` is a digest of them); a changed schema turns it off until it is updated.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from typing import Any

#: The lists checked here; everything else of a file goes through the full validator.
HOT_LISTS = ("annotations", "reviews")
#: The schema definitions this module implements, and the SHA-256 of their canonical JSON.
DEFINITIONS = ("timestamp", "identifier", "offset", "range", "annotation", "review")
WRITTEN_FOR = "83d383a2c2c7fc2fc6a610c08efacaefc0656a58d41b778a36182aa1f2b5c9c3"

_TIMESTAMP = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?Z")
_DOCUMENT_KEY = re.compile(r"[0-9a-f]{64}")
_ANNOTATION_REQUIRED = frozenset(
    (
        "id",
        "coder",
        "document",
        "clause",
        "category",
        "span",
        "memo",
        "created",
        "updated",
        "deleted",
    )
)
_REVIEW_REQUIRED = frozenset(("coder", "document", "clause", "status", "updated"))
_STATUSES = ("done", "none")


def schema_digest(schema: dict[str, Any]) -> str:
    """The digest :data:`WRITTEN_FOR` is compared with: the definitions this module implements."""
    defs = schema.get("$defs", {})
    part = [
        {name: defs.get(name) for name in DEFINITIONS},
        *(schema.get("properties", {}).get(name) for name in HOT_LISTS),
    ]
    return hashlib.sha256(json.dumps(part, sort_keys=True).encode("utf-8")).hexdigest()


@functools.cache
def applies_to(digest: str) -> bool:
    """Whether the fast path implements the schema whose :func:`schema_digest` is ``digest``."""
    return digest == WRITTEN_FOR


def without_hot_lists(doc: dict[str, Any]) -> dict[str, Any]:
    """A shallow copy of ``doc`` with the hot lists emptied, for the full validator."""
    light = dict(doc)
    for name in HOT_LISTS:
        if name in light:
            light[name] = []
    return light


def hot_lists_valid(doc: dict[str, Any]) -> bool:
    """True only if every annotation and review is valid under the schema (False: not sure)."""
    annotations = doc.get("annotations")
    reviews = doc.get("reviews")
    if type(annotations) is not list or type(reviews) is not list:
        return False
    # Timestamps and document keys already matched, apart (a key is no timestamp): they repeat.
    stamps: set[str] = set()
    keys: set[str] = set()
    return _annotations_valid(annotations, stamps, keys) and _reviews_valid(reviews, stamps, keys)


def _range_valid(value: Any) -> bool:
    if type(value) is not list or len(value) != 2:
        return False
    start, end = value
    return type(start) is int and type(end) is int and start >= 0 and end >= 0


def _matches(value: Any, pattern: re.Pattern[str], good: set[str]) -> bool:
    if type(value) is not str:
        return False
    if value in good:
        return True
    if pattern.fullmatch(value) is None:
        return False
    good.add(value)
    return True


def _identifier(value: Any) -> bool:
    return type(value) is str and value != ""


def _annotations_valid(items: list[Any], stamps: set[str], keys: set[str]) -> bool:
    required, stamp, key = _ANNOTATION_REQUIRED, _TIMESTAMP, _DOCUMENT_KEY
    for a in items:
        if type(a) is not dict or not required <= a.keys():
            return False
        span = a["span"]
        if not (
            _identifier(a["id"])
            and _identifier(a["coder"])
            and _matches(a["document"], key, keys)
            and _range_valid(a["clause"])
            and type(a["category"]) is str
            and (span is None or _range_valid(span))
            and type(a["memo"]) is str
            and _matches(a["created"], stamp, stamps)
            and _matches(a["updated"], stamp, stamps)
            and type(a["deleted"]) is bool
        ):
            return False
        if len(a) > 10:  # optional fields the schema types (others are free)
            if "uncertain" in a and type(a["uncertain"]) is not bool:
                return False
            adjudicator = a.get("adjudicator")
            if adjudicator is not None and not _identifier(adjudicator):
                return False
    return True


def _reviews_valid(items: list[Any], stamps: set[str], keys: set[str]) -> bool:
    required, stamp, key, statuses = _REVIEW_REQUIRED, _TIMESTAMP, _DOCUMENT_KEY, _STATUSES
    for r in items:
        if type(r) is not dict or not required <= r.keys():
            return False
        if not (
            _identifier(r["coder"])
            and _matches(r["document"], key, keys)
            and _range_valid(r["clause"])
            and type(r["status"]) is str
            and r["status"] in statuses
            and _matches(r["updated"], stamp, stamps)
            and type(r.get("deleted", False)) is bool  # a tombstone's flag
        ):
            return False
    return True
