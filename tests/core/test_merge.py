"""Merging exchange files: the rules, each kind of conflict, counts and progress (Contract 2)."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest

from annotator.core.exchange import dump_exchange, empty_exchange, validate_exchange
from annotator.core.merge import Conflict, MergeResult, merge_documents
from tests.core.exchange_strategies import CODER, OTHER_CODER, small_exchange

Doc = dict[str, Any]


def variant(change: Callable[[Doc], None]) -> Doc:
    doc = small_exchange()
    change(doc)
    validate_exchange(doc, "variant")
    return doc


def merge(*docs: Doc) -> MergeResult:
    names = [f"{chr(ord('A') + i)}.json" for i in range(len(docs))]
    result = merge_documents(list(docs), names)
    validate_exchange(result.document, "merged")
    # The rules are symmetric: the reversed order gives the same bytes and the same conflicts.
    reverse = merge_documents(list(reversed(docs)), list(reversed(names)))
    assert dump_exchange(reverse.document) == dump_exchange(result.document)
    assert reverse.conflicts == result.conflicts
    return result


def annotation(result: MergeResult, ann_id: str) -> Doc:
    (found,) = [a for a in result.document["annotations"] if a["id"] == ann_id]
    return found


def edit(ann_id: str, **fields: Any) -> Callable[[Doc], None]:
    def change(doc: Doc) -> None:
        for a in doc["annotations"]:
            if a["id"] == ann_id:
                a.update(fields)

    return change


def kinds(result: MergeResult) -> list[str]:
    return [c.kind for c in result.conflicts]


def canonical(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


# --- annotations ------------------------------------------------------------------------------


def test_identical_files_merge_to_themselves() -> None:
    result = merge(small_exchange(), small_exchange())
    assert dump_exchange(result.document) == dump_exchange(small_exchange())
    assert result.conflicts == []
    assert result.counts == {
        "inputs": 2,
        "categories": 2,
        "coders": 2,
        "documents": 1,
        "clauses": 2,
        "annotations": 2,
        "deleted": 0,
        "reviews": 1,
        "links": 0,
        "superseded": 0,
        "conflicts": 0,
    }


def test_newer_edit_wins_without_conflict() -> None:
    newer = variant(edit("a1", category="economic", updated="2026-01-05T11:00:00Z"))
    result = merge(small_exchange(), newer)
    assert annotation(result, "a1")["category"] == "economic"
    assert result.conflicts == []
    assert result.counts["superseded"] == 1


def test_tombstone_wins_over_an_older_version() -> None:
    deleted = variant(edit("a1", deleted=True, updated="2026-01-06T00:00:00Z"))
    result = merge(small_exchange(), deleted)
    assert annotation(result, "a1")["deleted"] is True
    assert result.counts["deleted"] == 1


def test_tombstone_loses_to_a_newer_edit() -> None:
    deleted = variant(edit("a1", deleted=True, updated="2026-01-06T00:00:00Z"))
    revived = variant(edit("a1", memo="restored", updated="2026-01-07T00:00:00Z"))
    result = merge(deleted, revived, small_exchange())
    assert annotation(result, "a1")["deleted"] is False
    assert annotation(result, "a1")["memo"] == "restored"
    assert result.counts["superseded"] == 2


def test_instants_not_strings_are_compared() -> None:
    # As strings "…00Z" > "…00.5Z"; as instants half a second later is newer.
    later = variant(edit("a1", memo="later", updated="2026-01-05T10:00:00.5Z"))
    result = merge(small_exchange(), later)
    assert annotation(result, "a1")["memo"] == "later"
    assert result.conflicts == []


def test_equal_updated_different_content_is_settled_and_reported() -> None:
    one = variant(edit("a1", memo="first reading"))
    two = variant(edit("a1", memo="second reading"))
    result = merge(one, two)
    expected = max((one["annotations"][0], two["annotations"][0]), key=canonical)
    assert annotation(result, "a1") == expected
    assert expected["memo"] == "second reading"
    (conflict,) = result.conflicts
    assert conflict.kind == "annotation"
    assert conflict.identifier == "a1"
    assert conflict.sources == ("A.json", "B.json")
    assert "B.json" in conflict.resolution and "larger canonical JSON" in conflict.resolution
    assert "memo" in conflict.detail


def test_same_instant_written_differently_is_a_tie() -> None:
    other = variant(edit("a1", updated="2026-01-05T10:00:00.000Z"))
    result = merge(small_exchange(), other)
    assert kinds(result) == ["annotation"]
    assert annotation(result, "a1")["updated"] == "2026-01-05T10:00:00Z"  # 'Z' > '.'


def test_annotations_of_every_input_are_kept() -> None:
    def add(doc: Doc) -> None:
        extra = copy.deepcopy(doc["annotations"][0])
        extra.update(id="b7", category="economic")
        doc["annotations"].append(extra)

    result = merge(small_exchange(), variant(add))
    assert sorted(a["id"] for a in result.document["annotations"]) == ["a1", "a2", "b7"]


def test_unknown_and_optional_fields_are_kept() -> None:
    def extend(doc: Doc) -> None:
        doc["annotations"][0].update(
            uncertain=True,
            adjudicator=OTHER_CODER,
            x_future={"a": 1},
            updated="2026-01-08T00:00:00Z",
        )
        doc["coders"][1]["consensus"] = True
        doc["codebook"]["categories"][0]["shortcut"] = "1"
        doc["documents"][0]["meta"] = {"date": "2025-11-23"}
        doc["generator"] = "plan-annotator 0.1"
        doc["codebook"]["note"] = "v2"

    result = merge(small_exchange(), variant(extend))
    out = result.document
    assert annotation(result, "a1")["x_future"] == {"a": 1}
    assert annotation(result, "a1")["adjudicator"] == OTHER_CODER
    assert [c.get("consensus") for c in out["coders"]] == [None, True]
    assert out["codebook"]["categories"][1]["shortcut"] == "1"
    assert out["documents"][0]["meta"] == {"date": "2025-11-23"}
    assert out["generator"] == "plan-annotator 0.1"
    assert out["codebook"]["note"] == "v2"
    # A field present in one input only is no conflict.
    assert result.conflicts == []


def test_int_float_and_bool_are_different_content() -> None:
    one = variant(edit("a1", weight=1))
    two = variant(edit("a1", weight=1.0))
    three = variant(edit("a1", weight=True))
    result = merge(one, two, three)
    assert kinds(result) == ["annotation"]
    assert annotation(result, "a1")["weight"] is True  # "true" is the largest canonical JSON


# --- reviews ------------------------------------------------------------------------------------


def test_reviews_newer_wins_and_ties_are_reported() -> None:
    newer = variant(lambda d: d["reviews"][0].update(status="none", updated="2026-01-09T00:00:00Z"))
    result = merge(small_exchange(), newer)
    assert result.document["reviews"][0]["status"] == "none"
    assert result.conflicts == []
    tie = variant(lambda d: d["reviews"][0].update(status="none"))
    result = merge(small_exchange(), tie)
    assert result.document["reviews"][0]["status"] == "none"  # "none" > "done"
    (conflict,) = result.conflicts
    assert conflict.kind == "review"
    assert conflict.identifier.startswith(CODER + "/")
    assert conflict.identifier.endswith("[0,30]")


# --- coders, categories, documents, clauses, fields ----------------------------------------------


def test_coder_name_conflict() -> None:
    renamed = variant(lambda d: d["coders"][0].update(name="Olena K."))
    result = merge(small_exchange(), renamed)
    (conflict,) = result.conflicts
    assert (conflict.kind, conflict.identifier) == ("coder", CODER)
    assert conflict.sources == ("A.json", "B.json")
    # '"Olena"' > '"Olena K."': the closing quote sorts after the space.
    assert result.document["coders"][0]["name"] == max(("Olena K.", "Olena"), key=canonical)
    assert result.document["coders"][0]["name"] == "Olena"


@pytest.mark.parametrize(
    ("field", "value"),
    [("name", "Security"), ("description", "x"), ("color", "#000000"), ("parent", "economic")],
)
def test_category_conflicts(field: str, value: str) -> None:
    changed = variant(lambda d: d["codebook"]["categories"][0].update({field: value}))
    result = merge(small_exchange(), changed)
    (conflict,) = result.conflicts
    assert (conflict.kind, conflict.identifier) == ("category", "security_guarantee")
    assert conflict.detail.startswith(field + ":")
    chosen = result.document["codebook"]["categories"][1][field]
    assert chosen == max(
        (value, small_exchange()["codebook"]["categories"][0][field]), key=canonical
    )


def test_document_title_conflict() -> None:
    retitled = variant(lambda d: d["documents"][0].update(title="Draft (19 points)"))
    result = merge(small_exchange(), retitled)
    (conflict,) = result.conflicts
    assert conflict.kind == "document"
    assert conflict.identifier == small_exchange()["documents"][0]["key"]
    assert result.document["documents"][0]["title"] == "Draft"  # '"Draft"' > '"Draft (19…'
    assert "Draft (19 points)" in conflict.detail
    assert result.document["documents"][0]["text"] == small_exchange()["documents"][0]["text"]


def test_clauses_are_united_and_labels_conflict() -> None:
    def relabel(doc: Doc) -> None:
        doc["documents"][0]["clauses"][0]["label"] = "¶1"

    def only_first(doc: Doc) -> None:
        doc["documents"][0]["clauses"].pop()
        doc["annotations"].pop()

    result = merge(variant(relabel), variant(only_first))
    clauses = result.document["documents"][0]["clauses"]
    assert [(c["start"], c["end"], c["label"]) for c in clauses] == [(0, 30, "¶1"), (31, 62, "2")]
    (conflict,) = result.conflicts
    assert conflict.kind == "clause"
    assert conflict.identifier.endswith("[0,30]")


def test_overlapping_clauses_are_units_that_cannot_be_compared() -> None:
    def split(doc: Doc) -> None:
        doc["documents"][0]["clauses"][0] = {"start": 0, "end": 15, "label": "1a"}
        doc["annotations"].pop(0)
        doc["reviews"] = []

    result = merge(small_exchange(), variant(split))
    (conflict,) = result.conflicts
    assert conflict.kind == "clause_overlap"
    assert conflict.identifier.endswith("[0,15]~[0,30]")
    assert "cannot be compared" in conflict.resolution
    assert len(result.document["documents"][0]["clauses"]) == 3  # both kept


def test_overlap_already_in_one_input_is_not_reported() -> None:
    def both(doc: Doc) -> None:
        doc["documents"][0]["clauses"].append({"start": 0, "end": 15, "label": "1a"})

    result = merge(small_exchange(), variant(both))
    assert result.conflicts == []


def test_top_level_field_conflict() -> None:
    one = variant(lambda d: d.update(generator="tool 1"))
    two = variant(lambda d: d.update(generator="tool 2"))
    result = merge(one, two)
    (conflict,) = result.conflicts
    assert (conflict.kind, conflict.identifier) == ("field", "$.generator")
    assert result.document["generator"] == "tool 2"


def test_links_merge_by_id_like_annotations() -> None:
    def link(memo: str, updated: str, deleted: bool = False) -> Callable[[Doc], None]:
        return lambda d: d.update(
            links=[{"id": "L1", "updated": updated, "deleted": deleted, "memo": memo}]
        )

    old = variant(link("old", "2026-01-05T10:00:00Z"))
    new = variant(link("new", "2026-01-06T10:00:00Z", deleted=True))
    result = merge(old, new, small_exchange())
    assert result.document["links"] == [
        {"id": "L1", "updated": "2026-01-06T10:00:00Z", "deleted": True, "memo": "new"}
    ]
    assert result.counts["links"] == 1
    tie = merge(old, variant(link("other", "2026-01-05T10:00:00Z")))
    assert kinds(tie) == ["link"]
    assert "links" not in merge(small_exchange()).document


# --- the function itself --------------------------------------------------------------------------


def test_no_input_gives_an_empty_valid_file() -> None:
    result = merge_documents([], [])
    assert result.document == empty_exchange()
    validate_exchange(result.document, "empty")


def test_needs_one_name_per_document() -> None:
    with pytest.raises(ValueError):
        merge_documents([small_exchange()], [])


def test_inputs_are_not_modified() -> None:
    one, two = small_exchange(), variant(edit("a1", memo="x", updated="2026-02-01T00:00:00Z"))
    before = copy.deepcopy([one, two])
    merge(one, two)
    assert [one, two] == before


def test_progress_reaches_the_total() -> None:
    calls: list[tuple[int, int]] = []
    merge_documents(
        [small_exchange(), small_exchange()], ["a", "b"], progress=lambda d, t: calls.append((d, t))
    )
    assert calls[-1] == (6, 6)  # 2 x (2 annotations + 1 review)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


def test_conflict_as_json_and_text() -> None:
    conflict = Conflict("coder", "c1", ("A.json", "B.json"), "kept X", "name: …")
    assert conflict.to_json() == {
        "kind": "coder",
        "id": "c1",
        "sources": ["A.json", "B.json"],
        "resolution": "kept X",
        "detail": "name: …",
    }
    assert str(conflict) == "coder c1 (A.json, B.json): kept X; name: …"
