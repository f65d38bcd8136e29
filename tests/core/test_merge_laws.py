"""The laws of merging, proved over generated files: idempotent, commutative, associative.

Files come from tests.core.exchange_strategies: several coders and documents, clause sets that
overlap, annotations with spans, edits, tombstones and ties, reviews, links and unknown fields.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import jsonschema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.core.exchange import dump_exchange, timestamp_key, validate_exchange
from annotator.core.merge import MergeResult, merge_documents
from tests.core.exchange_strategies import exchange_families, exchange_files
from tests.helpers.properties import examples

SCHEMA_FILE = Path(__file__).parents[2] / "resources/schema/plan-annotations-v1.schema.json"
LAWS = settings(
    max_examples=examples(30, deep=500),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

Doc = dict[str, Any]


@functools.cache
def schema() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(json.loads(SCHEMA_FILE.read_text("utf-8")))


def merged(*docs: Doc) -> MergeResult:
    return merge_documents(list(docs), [f"in{i}.json" for i in range(len(docs))])


def merge_bytes(*docs: Doc) -> bytes:
    return dump_exchange(merged(*docs).document)


@LAWS
@given(exchange_files())
def test_idempotent(a: Doc) -> None:
    assert merge_bytes(a, a) == dump_exchange(a)
    assert merge_bytes(a) == dump_exchange(a)
    assert merged(a, a).conflicts == []


@LAWS
@given(exchange_families(2, 3), st.randoms(use_true_random=False))
def test_commutative(files: list[Doc], rng: Any) -> None:
    names = [f"f{i}.json" for i in range(len(files))]
    first = merge_documents(files, names)
    order = list(range(len(files)))
    rng.shuffle(order)
    second = merge_documents([files[i] for i in order], [names[i] for i in order])
    assert dump_exchange(first.document) == dump_exchange(second.document)
    assert first.conflicts == second.conflicts
    assert first.counts == second.counts


@LAWS
@given(exchange_families(3, 3))
def test_associative(files: list[Doc]) -> None:
    a, b, c = files
    left = merge_bytes(merged(a, b).document, c)
    right = merge_bytes(a, merged(b, c).document)
    assert left == right == merge_bytes(a, b, c)


@LAWS
@given(exchange_families(2, 3))
def test_output_is_valid_and_keeps_everything(files: list[Doc]) -> None:
    result = merged(*files)
    out = result.document
    validate_exchange(out, "merged")
    schema().validate(json.loads(dump_exchange(out)))
    by_id = {a["id"]: a for a in out["annotations"]}
    for doc in files:
        for ann in doc["annotations"]:
            assert ann["id"] in by_id
            # A version is kept only if no input holds a newer one: a tombstone wins only over
            # older versions and loses to newer edits.
            kept = by_id[ann["id"]]
            assert timestamp_key(kept["updated"]) >= timestamp_key(ann["updated"])
        for key in ("coders", "documents"):
            field = "id" if key == "coders" else "key"
            assert {x[field] for x in doc[key]} <= {x[field] for x in out[key]}
    newest: dict[str, str] = {}
    for doc in files:
        for ann in doc["annotations"]:
            newest[ann["id"]] = max(newest.get(ann["id"], ""), timestamp_key(ann["updated"]))
    assert {i: timestamp_key(a["updated"]) for i, a in by_id.items()} == newest
    assert result.counts["annotations"] == len(newest)
    assert result.counts["deleted"] == sum(a["deleted"] for a in out["annotations"])


@LAWS
@given(exchange_families(2, 3))
def test_re_merging_an_input_changes_nothing(files: list[Doc]) -> None:
    out = merged(*files).document
    expected = dump_exchange(out)
    for doc in files:
        assert merge_bytes(out, doc) == expected
    assert merge_bytes(out, out) == expected


@LAWS
@given(exchange_families(2, 2))
def test_a_tie_is_always_reported(files: list[Doc]) -> None:
    a, b = files
    result = merged(a, b)
    reported = {c.identifier for c in result.conflicts if c.kind == "annotation"}
    ours = {x["id"]: x for x in a["annotations"]}
    for theirs in b["annotations"]:
        mine = ours.get(theirs["id"])
        if mine is None:
            continue
        same_instant = timestamp_key(mine["updated"]) == timestamp_key(theirs["updated"])
        differ = json.dumps(mine, sort_keys=True) != json.dumps(theirs, sort_keys=True)
        assert (theirs["id"] in reported) == (same_instant and differ)


@LAWS
@given(exchange_families(2, 3))
def test_newest_review_or_note_wins_even_from_a_fast_clock(files: list[Doc]) -> None:
    """Reviews (tombstones too) and clause notes: the newest instant wins, skewed or not."""
    out = merged(*files).document
    for name in ("reviews", "clause_notes"):
        kept = {
            (r["coder"], r["document"], *r["clause"]): timestamp_key(r["updated"])
            for r in out.get(name, [])
        }
        newest: dict[tuple[Any, ...], str] = {}
        for doc in files:
            for r in doc.get(name, []):
                ident = (r["coder"], r["document"], *r["clause"])
                newest[ident] = max(newest.get(ident, ""), timestamp_key(r["updated"]))
        assert kept == newest
