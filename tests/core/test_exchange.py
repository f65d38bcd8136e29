"""Loading, validating and canonically writing exchange files (Contract 2)."""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import random
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.core.errors import FormatError, InputError
from annotator.core.exchange import (
    canonical_form,
    canonical_json,
    dump_exchange,
    empty_exchange,
    exchange_schema,
    load_exchange,
    parse_exchange,
    timestamp_key,
    validate_exchange,
)
from tests.core.exchange_strategies import TIMES, exchange_files, small_exchange
from tests.helpers.properties import examples

SCHEMA_FILE = Path(__file__).parents[2] / "resources/schema/plan-annotations-v1.schema.json"
FIXTURE = Path(__file__).parents[1] / "fixtures/exchange_small.json"
SETTINGS = settings(
    max_examples=examples(40, deep=300),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@functools.cache
def schema_validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_FILE.read_text("utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def encode(doc: Any) -> bytes:
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def rejected(doc: Any) -> FormatError:
    with pytest.raises(FormatError) as info:
        parse_exchange(encode(doc), "bad.json")
    assert info.value.source == "bad.json"
    return info.value


# --- valid files --------------------------------------------------------------------------------


def test_small_file_loads_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "olena.json"
    path.write_bytes(encode(small_exchange()))
    assert load_exchange(path) == small_exchange()


def test_shared_fixture_is_valid() -> None:
    doc = load_exchange(FIXTURE)
    schema_validator().validate(doc)


def test_utf8_byte_order_mark_is_accepted() -> None:
    assert parse_exchange(b"\xef\xbb\xbf" + encode(small_exchange()), "x.json") == small_exchange()


def test_schema_in_package_is_the_shipped_file() -> None:
    assert exchange_schema() == json.loads(SCHEMA_FILE.read_text("utf-8"))


@SETTINGS
@given(exchange_files())
def test_generated_files_pass_both_validators(doc: dict[str, Any]) -> None:
    schema_validator().validate(doc)
    assert validate_exchange(doc, "gen.json") is doc


def test_empty_file_is_valid() -> None:
    validate_exchange(empty_exchange(), "empty.json")
    schema_validator().validate(empty_exchange())


# --- bad files: each names the file and the place -------------------------------------------------


def mutate(change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    doc = small_exchange()
    change(doc)
    return doc


def rekey(doc: dict[str, Any], text: str) -> None:
    """Give the document ``text`` and the matching key everywhere."""
    old = doc["documents"][0]["key"]
    new = hashlib.sha256(text.encode("utf-8")).hexdigest()
    doc["documents"][0]["text"] = text
    for item in doc["documents"] + doc["annotations"] + doc["reviews"]:
        for field in ("key", "document"):
            if item.get(field) == old:
                item[field] = new


def test_not_json() -> None:
    with pytest.raises(FormatError) as info:
        parse_exchange(b'{"format": plan}', "notes.json")
    assert "not valid JSON" in info.value.message
    assert info.value.where == "line 1, column 12"
    assert str(info.value).startswith("notes.json: line 1, column 12: ")


def test_truncated_file() -> None:
    data = encode(small_exchange())
    with pytest.raises(FormatError) as info:
        parse_exchange(data[: len(data) // 2], "cut.json")
    assert "truncated" in info.value.message


def test_not_utf8() -> None:
    with pytest.raises(FormatError) as info:
        parse_exchange(json.dumps(small_exchange()).encode("utf-16"), "u16.json")
    assert "not UTF-8" in info.value.message
    assert info.value.where == "line 1, byte 1"


def test_nan_is_not_json() -> None:
    with pytest.raises(FormatError, match="NaN"):
        parse_exchange(b'{"format": NaN}', "nan.json")


def test_top_level_must_be_object() -> None:
    assert rejected([1, 2]).where == "$"


def test_another_format() -> None:
    error = rejected({**small_exchange(), "format": "plan-codebook"})
    assert error.where == "$.format"
    assert "not a plan-annotations file" in error.message


def test_newer_version_is_refused_clearly() -> None:
    error = rejected({**small_exchange(), "version": 2})
    assert error.where == "$.version"
    assert "newer" in error.message and "version 2" in error.message


@pytest.mark.parametrize("version", [0, "1", 1.0, True, None])
def test_bad_version(version: Any) -> None:
    assert rejected({**small_exchange(), "version": version}).where == "$.version"


def test_document_key_not_matching_text() -> None:
    def change(doc: dict[str, Any]) -> None:
        doc["documents"][0]["text"] = doc["documents"][0]["text"].replace("fund", "Fund")

    error = rejected(mutate(change))
    assert error.where == "$.documents[0].key"
    assert "SHA-256" in error.message


def test_text_missing() -> None:
    error = rejected(mutate(lambda d: d["documents"][0].pop("text")))
    assert error.where == "$.documents[0]"
    assert "'text'" in error.message


@pytest.mark.parametrize("text", ["1. A\r\n2. B", "\ufeff1. A", "Cafe\u0301"])
def test_text_not_normalised(text: str) -> None:
    def change(doc: dict[str, Any]) -> None:
        rekey(doc, text)
        doc["documents"][0]["clauses"] = [{"start": 0, "end": 3, "label": "1"}]
        doc["annotations"] = []
        doc["reviews"] = []

    error = rejected(mutate(change))
    assert error.where == "$.documents[0].text"
    assert "normalised" in error.message


@pytest.mark.parametrize(("start", "end"), [(0, 64), (10, 10), (20, 5)])
def test_clause_outside_text_or_empty(start: int, end: int) -> None:
    def change(doc: dict[str, Any]) -> None:
        doc["documents"][0]["clauses"][1] = {"start": start, "end": end, "label": "2"}

    assert rejected(mutate(change)).where == "$.documents[0].clauses[1]"


def test_negative_offset_is_a_schema_error() -> None:
    def change(doc: dict[str, Any]) -> None:
        doc["documents"][0]["clauses"][0]["start"] = -1

    error = rejected(mutate(change))
    assert error.where == "$.documents[0].clauses[0].start"


def test_float_offsets_are_refused() -> None:
    def change(doc: dict[str, Any]) -> None:
        doc["documents"][0]["clauses"][0]["end"] = 30.0

    assert rejected(mutate(change)).where == "$.documents[0].clauses[0]"


def test_clause_not_in_its_document() -> None:
    def change(doc: dict[str, Any]) -> None:
        doc["annotations"][1]["clause"] = [31, 61]

    error = rejected(mutate(change))
    assert error.where == "$.annotations[1].clause"
    assert "[31, 61]" in error.message


def test_annotation_of_a_document_not_in_the_file() -> None:
    def change(doc: dict[str, Any]) -> None:
        doc["annotations"][0]["document"] = "0" * 64

    assert rejected(mutate(change)).where == "$.annotations[0].document"


@pytest.mark.parametrize("span", [[30, 40], [34, 63], [40, 40], [41, 40]])
def test_span_outside_its_clause(span: list[int]) -> None:
    def change(doc: dict[str, Any]) -> None:
        doc["annotations"][1]["span"] = span

    assert rejected(mutate(change)).where == "$.annotations[1].span"


def test_unknown_coder() -> None:
    error = rejected(mutate(lambda d: d["annotations"][0].update(coder="nobody")))
    assert error.where == "$.annotations[0].coder"
    error = rejected(mutate(lambda d: d["reviews"][0].update(coder="nobody")))
    assert error.where == "$.reviews[0].coder"


def test_unknown_category() -> None:
    error = rejected(mutate(lambda d: d["annotations"][1].update(category="nuclear")))
    assert error.where == "$.annotations[1].category"
    assert "'nuclear'" in error.message


def test_unknown_parent_category() -> None:
    def change(doc: dict[str, Any]) -> None:
        doc["codebook"]["categories"][1]["parent"] = "trade"

    assert rejected(mutate(change)).where == "$.codebook.categories[1].parent"


def test_unknown_adjudicator() -> None:
    error = rejected(mutate(lambda d: d["annotations"][0].update(adjudicator="x")))
    assert error.where == "$.annotations[0].adjudicator"


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda d: d["annotations"][1].update(id="a1"), "$.annotations[1].id"),
        (lambda d: d["coders"][1].update(id=d["coders"][0]["id"]), "$.coders[1].id"),
        (
            lambda d: d["codebook"]["categories"][1].update(key="security_guarantee"),
            "$.codebook.categories[1].key",
        ),
        (lambda d: d["documents"].append(copy.deepcopy(d["documents"][0])), "$.documents[1].key"),
        (lambda d: d["reviews"].append(dict(d["reviews"][0])), "$.reviews[1]"),
        (
            lambda d: d["documents"][0]["clauses"].append({"start": 0, "end": 30, "label": "x"}),
            "$.documents[0].clauses[2]",
        ),
        (
            lambda d: d.update(links=[{"id": "l", "updated": TIMES[0]}] * 2),
            "$.links[1].id",
        ),
    ],
)
def test_duplicates(change: Callable[[dict[str, Any]], None], where: str) -> None:
    error = rejected(mutate(change))
    assert error.where == where
    assert "duplicate" in error.message


def test_review_status() -> None:
    error = rejected(mutate(lambda d: d["reviews"][0].update(status="maybe")))
    assert error.where == "$.reviews[0].status"


@pytest.mark.parametrize(
    "stamp",
    ["2026-02-30T10:00:00Z", "2026-01-05T25:00:00Z", "2026-01-05T10:00:00+01:00", "2026-01-05"],
)
def test_bad_timestamps(stamp: str) -> None:
    error = rejected(mutate(lambda d: d["annotations"][0].update(updated=stamp)))
    assert error.where == "$.annotations[0].updated"


def test_missing_annotation_fields_are_named() -> None:
    error = rejected(mutate(lambda d: [d["annotations"][0].pop(k) for k in ("memo", "span")]))
    assert error.where == "$.annotations[0]"
    assert "'memo'" in error.message and "'span'" in error.message


def test_huge_file_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    path.write_bytes(encode(small_exchange()))
    with pytest.raises(InputError, match="too large") as info:
        load_exchange(path, max_bytes=100)
    assert info.value.source == "huge.json"
    with pytest.raises(InputError, match="too large"):
        parse_exchange(encode(small_exchange()), "huge.json", max_bytes=100)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        load_exchange(tmp_path / "nowhere.json")
    assert info.value.source == "nowhere.json"


# --- the JSON Schema and the validator agree on structure ----------------------------------------

STRUCTURE_BREAKS: list[Callable[[dict[str, Any]], None]] = [
    lambda d: d.pop("reviews"),
    lambda d: d["codebook"].pop("categories"),
    lambda d: d["codebook"]["categories"][0].update(color="blue"),
    lambda d: d["codebook"]["categories"][0].update(key="Has Space"),
    lambda d: d["coders"][0].update(id=""),
    lambda d: d["documents"][0].update(key="ABC"),
    lambda d: d["annotations"][0].update(clause=[0, 30, 1]),
    lambda d: d["annotations"][0].update(span="whole"),
    lambda d: d["annotations"][0].update(deleted="no"),
    lambda d: d["annotations"][0].update(uncertain=1),
    lambda d: d["reviews"][0].update(status="maybe"),
    lambda d: d.update(links=[{"id": "l1"}]),
]


@pytest.mark.parametrize("change", STRUCTURE_BREAKS)
def test_schema_and_validator_reject_the_same_structure(
    change: Callable[[dict[str, Any]], None],
) -> None:
    doc = mutate(change)
    assert not schema_validator().is_valid(doc)
    rejected(doc)


# --- canonical output ----------------------------------------------------------------------------


def shuffled(doc: dict[str, Any], seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    doc = copy.deepcopy(doc)
    for items in (doc["coders"], doc["documents"], doc["annotations"], doc["reviews"]):
        rng.shuffle(items)
    rng.shuffle(doc["codebook"]["categories"])
    for document in doc["documents"]:
        rng.shuffle(document["clauses"])
    # Key order inside objects must not matter either.
    return json.loads(json.dumps({k: doc[k] for k in reversed(list(doc))}))


@SETTINGS
@given(exchange_files(), st.integers(0, 2**32))
def test_dump_is_canonical(doc: dict[str, Any], seed: int) -> None:
    data = dump_exchange(doc)
    assert dump_exchange(shuffled(doc, seed)) == data
    assert dump_exchange(parse_exchange(data, "again.json")) == data
    assert data.endswith(b"\n") and not data.endswith(b"\n\n")
    assert json.loads(data) == json.loads(json.dumps(canonical_form(doc)))
    schema_validator().validate(json.loads(data))


def test_dump_orders_lists_and_keeps_unicode() -> None:
    doc = small_exchange()
    doc["annotations"].reverse()
    doc["codebook"]["categories"].reverse()
    data = dump_exchange(doc)
    text = data.decode("utf-8")
    assert "Гарантії" in text and "🏗" in text and "\\u" not in text
    parsed = json.loads(data)
    assert [a["id"] for a in parsed["annotations"]] == ["a1", "a2"]
    assert [c["key"] for c in parsed["codebook"]["categories"]] == [
        "economic",
        "security_guarantee",
    ]
    assert list(parsed) == sorted(parsed)
    # One line per annotation, each compact canonical JSON.
    assert canonical_json(parsed["annotations"][0]) + "," in text.splitlines()
    assert doc["annotations"][0]["id"] == "a2"  # the input was not reordered


# --- timestamps compare as instants --------------------------------------------------------------


def instant(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp[:26].rstrip("Z") if "." in stamp else stamp[:19]).replace(
        tzinfo=UTC
    )


@given(st.sampled_from(TIMES), st.sampled_from(TIMES))
def test_timestamp_key_orders_like_instants(a: str, b: str) -> None:
    assert (timestamp_key(a) < timestamp_key(b)) == (instant(a) < instant(b))
    assert (timestamp_key(a) == timestamp_key(b)) == (instant(a) == instant(b))


def test_timestamp_key_examples() -> None:
    assert timestamp_key("2026-01-05T10:00:00Z") == timestamp_key("2026-01-05T10:00:00.000Z")
    assert timestamp_key("2026-01-05T10:00:00.5Z") > timestamp_key("2026-01-05T10:00:00Z")
    assert "2026-01-05T10:00:00.5Z" < "2026-01-05T10:00:00Z"  # why strings are not compared
    assert timestamp_key("2026-01-05T10:00:00.123456789Z") > timestamp_key("2026-01-05T10:00:00.1Z")
