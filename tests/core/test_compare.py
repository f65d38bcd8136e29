"""Plan comparison: counts under each rule, checked against counts made here from the dict."""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from pathlib import Path

import pytest

from annotator.core.compare import ExchangeView, compare_plans
from annotator.core.errors import FormatError, InputError

FIXTURE = Path(__file__).parents[1] / "fixtures" / "exchange_small.json"
OLENA = "0b6a2f3e-1c4d-4e5f-8a9b-0c1d2e3f4a51"
MAREK = "1c7b3a4f-2d5e-4f60-9bac-1d2e3f4a5b62"
CONSENSUS = "2d8c4b5a-3e6f-4071-acbd-2e3f4a5b6c73"


@pytest.fixture
def ex() -> dict:
    return json.loads(FIXTURE.read_text("utf-8"))


def expected(ex, coders, rule):
    applied, reviewed = defaultdict(set), defaultdict(set)
    for a in ex["annotations"]:
        if not a["deleted"] and a["coder"] in coders:
            applied[(a["document"], *a["clause"], a["category"])].add(a["coder"])
            reviewed[(a["document"], *a["clause"])].add(a["coder"])
    for r in ex["reviews"]:
        if r["coder"] in coders:
            reviewed[(r["document"], *r["clause"])].add(r["coder"])
    counts = defaultdict(int)
    for (doc, s, e, cat), who in applied.items():
        if rule == "any" or 2 * len(who) > len(reviewed[(doc, s, e)]):
            counts[(cat, doc)] += 1
    return counts


@pytest.mark.parametrize(
    ("kw", "coders", "rule"),
    [
        ({}, {OLENA, MAREK}, "any"),
        ({"rule": "majority"}, {OLENA, MAREK}, "majority"),
        ({"consensus": True}, {CONSENSUS}, "any"),
        ({"coder": OLENA, "rule": "coder"}, {OLENA}, "any"),
        ({"coder": MAREK, "rule": "majority"}, {MAREK}, "majority"),
    ],
)
def test_counts_follow_the_rule(ex, kw, coders, rule):
    comp = compare_plans(ex, **kw)
    want = expected(ex, coders, rule)
    for key, _ in comp.categories:
        for p in comp.plans:
            assert comp.counts[(key, p["key"])] == want[(key, p["key"])], (key, p["title"])
    assert comp.coders == sorted(coders)


def test_known_values_and_order(ex):
    comp = compare_plans(ex)
    draft, revision = comp.plans
    assert (draft["title"], draft["date"], draft["clauses"]) == ("28-point draft", "2025-11-20", 5)
    assert revision["title"] == "19-point revision"
    assert comp.counts[("security_guarantee", draft["key"])] == 2  # clauses 1 and 2 (Marek)
    assert comp.share("security_guarantee", draft["key"]) == 0.4
    # A clause marked "none applies" is coded, as the GUI counts it (one in each plan).
    assert draft["coded_clauses"] == 5 and revision["coded_clauses"] == 3
    majority = compare_plans(ex, rule="majority")
    # Marek alone tagged clause 2 as a guarantee, and both coders reviewed it: no majority
    assert majority.counts[("security_guarantee", draft["key"])] == 1
    # Olena reviewed clause 4 with a span tag, Marek reviewed it "none": 1 of 2 is no majority
    assert majority.counts[("territorial", draft["key"])] == 0


def test_json_and_csv_renderings(ex):
    comp = compare_plans(ex)
    data = json.loads(json.dumps(comp.to_json()))
    assert data["rule"] == "any"
    assert [p["title"] for p in data["plans"]] == ["28-point draft", "19-point revision"]
    sec = next(c for c in data["categories"] if c["key"] == "security_guarantee")
    draft = data["plans"][0]["key"]
    assert sec["counts"][draft] == 2 and sec["shares"][draft] == 0.4
    buf = io.StringIO(newline="")
    comp.write_csv(buf, keys=True)
    rows = list(csv.DictReader(io.StringIO(buf.getvalue(), newline="")))
    assert [r["category_key"] for r in rows] == [k for k, _ in comp.categories]
    assert rows[0][f"{draft}_n"] == "2" and rows[0][f"{draft}_share"] == "0.4"
    titled = io.StringIO(newline="")
    comp.write_csv(titled)
    first = next(csv.DictReader(io.StringIO(titled.getvalue(), newline="")))
    assert first["28-point draft n"] == "2" and first["28-point draft share"] == "0.4"
    text = comp.render()
    assert "28-point draft" in text and "2 (40%)" in text


def test_plan_without_clauses_has_no_share(ex):
    ex["documents"].append({"key": "e" * 64, "title": "Empty", "text": "", "clauses": []})
    comp = compare_plans(ex)
    assert comp.share("economic", "e" * 64) is None
    assert "–" in comp.render()


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"rule": "most"}, "unknown rule"),
        ({"rule": "coder"}, "needs a coder"),
        ({"coder": "x"}, "no coder 'x'"),
        ({"coder": OLENA, "consensus": True}, "not both"),
    ],
)
def test_bad_options(ex, kw, message):
    with pytest.raises(InputError, match=message):
        compare_plans(ex, **kw)


def test_no_consensus_coder(ex):
    for c in ex["coders"]:
        c.pop("consensus", None)
    with pytest.raises(InputError, match="no consensus coder"):
        compare_plans(ex, consensus=True)


@pytest.mark.parametrize(
    ("field", "value", "where"),
    [
        ("category", "nope", "$.annotations[0].category"),
        ("coder", "nobody", "$.annotations[0].coder"),
        ("clause", [0, 3], "$.annotations[0].clause"),
        ("clause", "1-2", "$.annotations[0].clause"),
        ("document", "f" * 64, "$.annotations[0].document"),
        ("span", [0, 5], "$.annotations[0].span"),
        ("span", "x", "$.annotations[0].span"),
        ("coder", ["unhashable"], "$.annotations[0].coder"),
        ("category", {"a": 1}, "$.annotations[0].category"),
        ("clause", [True, 5], "$.annotations[0].clause"),
    ],
)
def test_broken_references_name_the_path(ex, field, value, where):
    ex["annotations"][0][field] = value
    with pytest.raises(FormatError) as err:
        ExchangeView(ex, source="x.json")
    assert err.value.where == where and err.value.source == "x.json"


def test_non_object_items_are_refused(ex):
    ex["annotations"][2] = "not an object"
    with pytest.raises(FormatError) as err:
        ExchangeView(ex)
    assert err.value.where == "$.annotations[2]"
    ex = json.loads(FIXTURE.read_text("utf-8"))
    ex["reviews"][0]["coder"] = ["x"]
    with pytest.raises(FormatError, match="unknown coder"):
        ExchangeView(ex)


def test_broken_tombstones_are_ignored(ex):
    ex["annotations"][0]["category"] = "retired_long_ago"
    ex["annotations"][0]["deleted"] = True
    assert len(ExchangeView(ex).tags) == 16


def test_duplicate_tags_count_once_and_the_newest_wins(ex):
    dup = dict(
        ex["annotations"][0],
        id="ffffffff-0000-4000-8000-000000000000",
        memo="newer",
        updated="2027-01-01T00:00:00Z",
    )
    ex["annotations"].append(dup)
    view = ExchangeView(ex)
    assert len(view.tags) == 17
    assert any(t.memo == "newer" for t in view.tags)
