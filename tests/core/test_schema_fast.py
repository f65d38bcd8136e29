"""The fast path for the exchange file's long lists never accepts what the JSON Schema refuses."""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path
from typing import Any

import jsonschema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.core import schema_fast
from annotator.core.exchange import (
    canonical_form,
    dump_exchange,
    exchange_schema,
    write_exchange,
)
from tests.core.exchange_strategies import exchange_files, small_exchange

SCHEMA_FILE = Path(__file__).parents[2] / "resources/schema/plan-annotations-v1.schema.json"
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
VALIDATOR = jsonschema.Draft202012Validator(json.loads(SCHEMA_FILE.read_text("utf-8")))

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-3, 100)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from(["", "x", "done", "none", "2026-01-05T10:00:00Z", "2026-01-05T10:00:00Z\n"])
    | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner),
    max_leaves=5,
)


def test_fast_path_is_written_for_the_shipped_schema() -> None:
    # Fails when the schema's annotation or review definitions change: update schema_fast (its
    # checks and WRITTEN_FOR) with them, or the long lists fall back to the slow validator.
    assert schema_fast.applies_to(schema_fast.schema_digest(exchange_schema()))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(exchange_files())
def test_valid_files_take_the_fast_path(doc: dict[str, Any]) -> None:
    assert schema_fast.hot_lists_valid(doc)


def _changed(kind: str, field: str, value: Any, drop: bool) -> dict[str, Any]:
    doc = copy.deepcopy(small_exchange())
    item = doc[kind][0]
    if drop:
        item.pop(field, None)
    else:
        item[field] = value
    return doc


ANNOTATION_FIELDS = [
    "id", "coder", "document", "clause", "category", "span", "memo", "created", "updated",
    "deleted", "uncertain", "adjudicator", "extra",
]  # fmt: skip
REVIEW_FIELDS = ["coder", "document", "clause", "status", "updated", "deleted", "extra"]


@SETTINGS
@given(
    st.sampled_from(
        [("annotations", f) for f in ANNOTATION_FIELDS] + [("reviews", f) for f in REVIEW_FIELDS]
    ),
    JSON_VALUES | st.lists(st.integers(-2, 200), min_size=0, max_size=3),
    st.booleans(),
)
def test_fast_path_accepts_only_what_the_schema_accepts(
    where: tuple[str, str], value: Any, drop: bool
) -> None:
    doc = _changed(*where, value, drop)
    if schema_fast.hot_lists_valid(doc):
        assert VALIDATOR.is_valid(doc), (where, value, drop)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(exchange_files())
def test_streamed_writer_gives_the_canonical_bytes(doc: dict[str, Any]) -> None:
    expected = dump_exchange(doc)
    out = io.BytesIO()
    write_exchange(doc, out, chunk=3)
    assert out.getvalue() == expected
    # Presorted lists may come as iterators (rows streamed from a database).
    streamed = {k: iter(v) if isinstance(v, list) else v for k, v in canonical_form(doc).items()}
    out = io.BytesIO()
    write_exchange(streamed, out, presorted=True)
    assert out.getvalue() == expected
