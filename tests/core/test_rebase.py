"""Work cut on an old segmentation, carried onto the project's clauses (core.rebase)."""

from __future__ import annotations

import itertools
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core.exchange import validate_exchange
from annotator.core.rebase import Cut, rebase
from annotator.core.text import document_key

TEXT = (
    "Framework for a Settlement\n\n1. A ceasefire takes effect on signing. Monitors watch "
    "the line.\n2. Prisoners are exchanged all for all.\n3. Sanctions are lifted in stages.\n"
)
KEY = document_key(TEXT)
STAMP = "2026-01-05T10:00:00Z"


def doc(clauses: list[tuple[int, int]], annotations: list[dict[str, Any]], **more: Any) -> Any:
    out = {
        "format": "plan-annotations",
        "version": 1,
        "codebook": {"categories": [{"key": "ceasefire", "name": "Ceasefire"}]},
        "coders": [{"id": "c1", "name": "Olena"}],
        "documents": [
            {
                "key": KEY,
                "title": "Framework",
                "text": TEXT,
                "clauses": [{"start": s, "end": e, "label": f"L{s}"} for s, e in clauses],
            }
        ],
        "annotations": annotations,
        "reviews": [],
        **more,
    }
    return validate_exchange(out, "file.json")


def ann(ident: str, clause: tuple[int, int], span: tuple[int, int] | None = None) -> Any:
    return {
        "id": ident,
        "coder": "c1",
        "document": KEY,
        "clause": list(clause),
        "category": "ceasefire",
        "span": list(span) if span else None,
        "memo": "",
        "created": STAMP,
        "updated": STAMP,
        "deleted": False,
    }


OLD = [(0, 26), (28, 92), (93, 132), (133, 167)]  # the points
NEW = [(0, 26), (28, 167)]  # paragraphs only
CUTS = {KEY: [{"start": s, "end": e, "label": f"¶{i}", "kind": "paragraph"} for i, (s, e) in
              enumerate(NEW, 1)]}  # fmt: skip
RETIRED = {KEY: set(OLD) - set(NEW)}


def test_work_on_retired_clauses_moves_to_the_clause_that_holds_its_text() -> None:
    monitors = TEXT.index("Monitors")
    file = doc(
        OLD,
        [ann("a1", OLD[1]), ann("a2", OLD[1], (monitors, monitors + 14)), ann("a3", OLD[3])],
        reviews=[
            {"coder": "c1", "document": KEY, "clause": [28, 92], "status": "done",
             "updated": STAMP},
            {"coder": "c1", "document": KEY, "clause": [93, 132], "status": "none",
             "updated": "2026-01-06T10:00:00Z"},
        ],
    )  # fmt: skip
    out, (report,) = rebase(file, CUTS, RETIRED)
    validate_exchange(out, "rebased")
    # The project's clauses, with the project's label for a span both cuts have.
    assert [(c["start"], c["end"], c["label"]) for c in out["documents"][0]["clauses"]] == [
        (0, 26, "¶1"),
        (28, 167, "¶2"),
    ]
    by_id = {a["id"]: a for a in out["annotations"]}
    assert by_id["a2"]["clause"] == [28, 167] and by_id["a2"]["span"] == [monitors, monitors + 14]
    # Two tags of one coder and category on clauses that are now one: one tag, counted.
    assert sorted(by_id) == ["a1", "a2"] and by_id["a1"]["clause"] == [28, 167]
    assert (report.spans_moved, report.tags_moved, report.tags_joined) == (1, 1, 1)
    assert [r["status"] for r in out["reviews"]] == ["none"]  # the newer review of the two
    assert (report.reviews_dropped, report.clauses_not_here) == (1, 3)
    message = report.message("olena.json")
    assert message.startswith("olena.json: plan “Framework”") and "3 old clauses" in message
    assert file["documents"][0]["clauses"][1]["start"] == 28  # the input is not mutated


def test_a_file_on_the_projects_cut_or_with_a_coders_own_split_is_left_alone() -> None:
    same = doc(NEW, [ann("a1", NEW[1])])
    assert rebase(same, CUTS, RETIRED) == (same, [])
    split = doc([(0, 26), (28, 60), (60, 167)], [ann("a1", (28, 60))])  # never a project cut
    assert rebase(split, CUTS, RETIRED) == (split, [])


def test_a_span_that_crosses_a_new_boundary_is_clipped_and_counted() -> None:
    cuts = {KEY: [{"start": s, "end": e, "label": str(s)} for s, e in OLD]}
    file = doc(NEW, [ann("a1", (28, 167), (80, 100))])
    out, (report,) = rebase(file, cuts, {KEY: {(28, 167)}})
    assert out["annotations"][0]["clause"] == [28, 92]
    assert out["annotations"][0]["span"] == [80, 92]
    assert report.spans_clipped == 1 and "1 span clipped" in report.message("f.json")


@st.composite
def cut(draw: st.DrawFn) -> list[tuple[int, int]]:
    inner = draw(st.sets(st.integers(1, len(TEXT) - 1), max_size=12))
    bounds = [0, *sorted(inner), len(TEXT)]
    return list(itertools.pairwise(bounds))


@settings(max_examples=200, deadline=None)
@given(cut(), cut(), st.data())
def test_every_annotation_lands_inside_a_project_clause_or_is_counted(
    old: list[tuple[int, int]], new: list[tuple[int, int]], data: st.DataObject
) -> None:
    anns = []
    for i, (s, e) in enumerate(old):
        if data.draw(st.booleans()):
            anns.append(ann(f"t{i}", (s, e)))
        a = data.draw(st.integers(s, e - 1))
        b = data.draw(st.integers(a + 1, e))
        anns.append(ann(f"s{i}", (s, e), (a, b)))
    file = doc(old, anns)
    cuts = {KEY: [{"start": s, "end": e, "label": str(s)} for s, e in new]}
    out, reports = rebase(file, cuts, {KEY: set(old) - set(new)})
    validate_exchange(out, "rebased")
    spans = set(new)
    assert {(c["start"], c["end"]) for c in out["documents"][0]["clauses"]} <= spans
    before = {a["id"]: a for a in anns}
    for a in out["annotations"]:
        s, e = a["clause"]
        assert (s, e) in spans
        if a["span"] is not None:
            a0, b0 = before[a["id"]]["span"]
            a1, b1 = a["span"]
            assert s <= a1 < b1 <= e and a0 <= a1 and b1 <= b0  # inside, never grown
            if s <= a0 and b0 <= e:
                assert (a1, b1) == (a0, b0)  # a span the new clause holds keeps its offsets
    assert len({a["id"] for a in out["annotations"]}) == len(out["annotations"])
    lost = len(anns) - len(out["annotations"])
    counted = sum(r.left_out + r.tags_joined for r in reports)
    assert lost == counted  # nothing dropped without being counted
    moved = sum(r.spans_moved + r.spans_clipped + r.tags_moved for r in reports)
    on_old = sum(1 for a in anns if tuple(a["clause"]) not in spans)
    assert moved + counted == on_old


def test_cut_best_prefers_most_shared_text() -> None:
    c = Cut([(0, 10), (10, 30)])
    assert c.best(5, 20) == (10, 30)
    assert c.best(0, 10) == (0, 10)
    assert Cut([]).best(0, 1) is None
