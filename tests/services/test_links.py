"""Clause links through a project: suggest, accept, reject, unlink, undo, revisions, exchange."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.core.errors import EditError, FormatError
from annotator.core.exchange import load_exchange
from annotator.services.documents import set_document_properties
from annotator.services.exchange import export_exchange_dict, write_exchange_file
from annotator.services.links import (
    ACCEPTED,
    REJECTED,
    accept,
    links,
    reject,
    revisions_in_order,
    suggest,
    unlink,
)
from annotator.services.merge import apply_merge, preview_merge
from annotator.services.project import Project
from annotator.services.types import DocumentMeta
from annotator.storage.rows import read_row

DRAFT = (
    "Draft plan\n\n"
    "1. A complete ceasefire on land, at sea and in the air takes effect at once.\n"
    "2. Sanctions are lifted in three stages after verification.\n"
    "3. Elections are held within one hundred days.\n"
    "4. The armed forces of Avalon shall not exceed 600,000 personnel.\n"
    "5. The Guarantor Group assures Avalon of collective defence against renewed attack.\n"
)
REVISION = (
    "Revised plan\n\n"
    "1. A complete ceasefire on land, at sea and in the air takes effect.\n"
    "2. Elections are held within one hundred days of the ceasefire.\n"
    "3. Peacetime armed forces of Avalon shall not exceed 800,000 personnel.\n"
    "4. The Guarantor Group assures Avalon of collective defence.\n"
    "5. A reconstruction fund of 100 billion is set up.\n"
)


def _points(project: Project, key: str) -> dict[str, int]:
    return {c.label: c.id for c in project.clauses(key)}


@pytest.fixture
def plans(project: Project) -> tuple[str, str]:
    draft = project.import_text("Draft", DRAFT).document_key
    revision = project.import_text("Revision", REVISION).document_key
    return draft, revision


def test_suggestions_rank_point_5_with_point_4(project: Project, plans: tuple[str, str]) -> None:
    draft, revision = plans
    found = suggest(project, draft, revision, limit_per_clause=1)
    best = {s.source_clause.label: s.target_clause.label for s in found}
    assert best["5"] == "4"
    assert best["3"] == "2"
    assert best["4"] == "3"
    assert "2" not in best  # the sanctions clause has no counterpart
    assert found == sorted(found, key=lambda s: -s.score)
    assert suggest(project, draft, draft) == []


def test_accept_links_and_hides_the_pair_from_suggestions(
    project: Project, plans: tuple[str, str], coder: str
) -> None:
    draft, revision = plans
    d, r = _points(project, draft), _points(project, revision)
    edit = accept(project, d["5"], r["4"], coder)
    assert edit.label == "Link 5 ↔ 4" and not edit.empty
    shown = links(project, draft, revision)
    assert [(x.source_clause.label, x.target_clause.label, x.status) for x in shown] == [
        ("5", "4", ACCEPTED)
    ]
    assert shown[0].coder_id == coder
    # Seen from the revision, the same link is turned round.
    back = links(project, revision, draft)
    assert [(x.id, x.source_clause.label, x.target_clause.label) for x in back] == [
        (shown[0].id, "4", "5")
    ]
    labels = {
        (s.source_clause.label, s.target_clause.label) for s in suggest(project, draft, revision)
    }
    assert not any(a == "5" or b == "4" for a, b in labels)
    with_linked = suggest(project, draft, revision, include_linked=True)
    assert ("5", "4") not in {(s.source_clause.label, s.target_clause.label) for s in with_linked}
    # Accepting again changes nothing; accepting it the other way round finds the same link.
    assert accept(project, d["5"], r["4"]).empty
    assert accept(project, r["4"], d["5"]).empty


def test_reject_is_remembered_and_can_be_turned_round(
    project: Project, plans: tuple[str, str]
) -> None:
    draft, revision = plans
    d, r = _points(project, draft), _points(project, revision)
    reject(project, d["5"], r["4"])
    assert links(project, draft, revision) == []
    rejected = links(project, draft, revision, include_rejected=True)
    assert [x.status for x in rejected] == [REJECTED]
    pairs = {
        (s.source_clause.label, s.target_clause.label) for s in suggest(project, draft, revision)
    }
    assert ("5", "4") not in pairs
    edit = accept(project, d["5"], r["4"])
    assert [c.key for c in edit.changes] == [(rejected[0].id,)]
    assert [x.status for x in links(project, draft, revision)] == [ACCEPTED]


def test_unlink_leaves_a_tombstone_and_accept_revives_it(
    project: Project, plans: tuple[str, str]
) -> None:
    draft, revision = plans
    d, r = _points(project, draft), _points(project, revision)
    accept(project, d["3"], r["2"])
    link = links(project, draft, revision)[0]
    edit = unlink(project, link.id)
    assert edit.label == "Unlink 3 ↔ 2"
    assert links(project, draft, revision) == []
    with project.engine.connect() as conn:
        row = read_row(conn, "clause_link", (link.id,))
    assert row is not None and row["deleted"] is True
    assert unlink(project, link.id).empty
    # The pair is free again: suggested, and accepting it revives the same row.
    pairs = {
        (s.source_clause.label, s.target_clause.label) for s in suggest(project, draft, revision)
    }
    assert ("3", "2") in pairs
    accept(project, d["3"], r["2"])
    assert [x.id for x in links(project, draft, revision)] == [link.id]
    with pytest.raises(EditError):
        unlink(project, "no-such-link")


def test_undo_and_redo_a_link(project: Project, plans: tuple[str, str]) -> None:
    draft, revision = plans
    d, r = _points(project, draft), _points(project, revision)
    edit = accept(project, d["5"], r["4"])
    project.undo(edit)
    assert links(project, draft, revision) == []
    project.redo(edit)
    assert [x.source_clause.label for x in links(project, draft, revision)] == ["5"]
    gone = unlink(project, links(project, draft, revision)[0].id)
    project.undo(gone)
    assert len(links(project, draft, revision)) == 1


def test_refusals(project: Project, plans: tuple[str, str]) -> None:
    draft, revision = plans
    d, r = _points(project, draft), _points(project, revision)
    with pytest.raises(EditError, match="two different plans"):
        accept(project, d["1"], d["2"])
    with pytest.raises(EditError, match="two different plans"):
        reject(project, r["1"], r["2"])
    with pytest.raises(EditError):
        reject(project, d["1"], 10_000)


def test_revisions_follow_revises_then_dates(project: Project, plans: tuple[str, str]) -> None:
    draft, revision = plans
    third = project.import_text("Third", "Third plan\n\n1. Peace.\n2. Fund.\n").document_key
    alone = project.import_text("Other", "Other plan\n\n1. Unrelated.\n").document_key
    # The third plan revises the revision; its date is (wrongly) earlier than the draft's.
    set_document_properties(project, draft, meta=DocumentMeta(date="2025-11-20"))
    set_document_properties(project, revision, meta=DocumentMeta(date="2025-11-23", revises=draft))
    set_document_properties(project, third, meta=DocumentMeta(date="2025-01-01", revises=revision))
    for key in (draft, revision, third):
        assert [d.title for d in revisions_in_order(project, key)] == ["Draft", "Revision", "Third"]
    assert [d.key for d in revisions_in_order(project, alone)] == [alone]
    # Two revisions of one draft: by date.
    set_document_properties(project, third, meta=DocumentMeta(date="2025-11-21", revises=draft))
    assert [d.title for d in revisions_in_order(project, draft)] == ["Draft", "Third", "Revision"]
    summary = revisions_in_order(project, draft)[0]
    assert summary.clauses == len(project.clauses(draft))
    with pytest.raises(EditError):
        revisions_in_order(project, "0" * 64)


def test_links_travel_in_exchange_files_byte_for_byte(
    tmp_path: Path, project: Project, plans: tuple[str, str], coder: str
) -> None:
    draft, revision = plans
    d, r = _points(project, draft), _points(project, revision)
    accept(project, d["5"], r["4"], coder)
    reject(project, d["1"], r["5"])
    accept(project, d["3"], r["2"])
    unlink(project, links(project, draft, revision)[0].id)  # 3 ↔ 2: a tombstone
    write_exchange_file(project, tmp_path / "a.json")
    data = json.loads((tmp_path / "a.json").read_text("utf-8"))
    by_status = sorted((x["status"], x["deleted"], "coder" in x) for x in data["links"])
    assert by_status == [
        ("accepted", False, True),
        ("accepted", True, False),
        ("rejected", False, False),
    ]
    five = next(x for x in data["links"] if "coder" in x)
    assert five["source"]["document"] == draft and five["target"]["document"] == revision
    start = DRAFT.index("5. The Guarantor")
    assert five["source"]["clause"][0] == start
    load_exchange(tmp_path / "a.json")  # validates
    with Project.open(tmp_path / "b.sqlite", seed_samples=False) as other:
        preview = preview_merge(other, [tmp_path / "a.json"])
        assert preview.counts["links_changed"] == 3
        apply_merge(other, preview)
        write_exchange_file(other, tmp_path / "b.json")
        assert [x.source_clause.label for x in links(other, draft, revision)] == ["5"]
        assert preview_merge(other, [tmp_path / "a.json"]).counts["links_changed"] == 0
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()
    # One coder's export carries their links and unsigned ones.
    mine = export_exchange_dict(project, coder)
    assert len(mine["links"]) == 3
    # No links: no "links" field at all.
    with Project.open(tmp_path / "c.sqlite", seed_samples=False) as empty:
        assert "links" not in export_exchange_dict(empty)


def test_newer_unlink_wins_in_a_merge(
    tmp_path: Path, project: Project, plans: tuple[str, str]
) -> None:
    draft, revision = plans
    d, r = _points(project, draft), _points(project, revision)
    accept(project, d["5"], r["4"])
    write_exchange_file(project, tmp_path / "linked.json")
    unlink(project, links(project, draft, revision)[0].id)
    write_exchange_file(project, tmp_path / "unlinked.json")
    with Project.open(tmp_path / "team.sqlite", seed_samples=False) as team:
        apply_merge(team, preview_merge(team, [tmp_path / "unlinked.json"]))
        apply_merge(team, preview_merge(team, [tmp_path / "linked.json"]))
        assert links(team, draft, revision) == []
    with Project.open(tmp_path / "team2.sqlite", seed_samples=False) as team:
        edit = apply_merge(team, preview_merge(team, [tmp_path / "linked.json"]))
        assert len(links(team, draft, revision)) == 1
        team.undo(edit)
        assert links(team, draft, revision) == []


def test_a_link_to_a_missing_clause_is_refused(
    tmp_path: Path, project: Project, plans: tuple[str, str]
) -> None:
    draft, revision = plans
    d, r = _points(project, draft), _points(project, revision)
    accept(project, d["5"], r["4"])
    doc = export_exchange_dict(project)
    doc["links"][0]["target"]["clause"] = [0, 3]
    (tmp_path / "bad.json").write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(FormatError) as caught:
        load_exchange(tmp_path / "bad.json")
    assert caught.value.where == "$.links[0].target.clause"
    assert "bad.json" in str(caught.value)


def test_merging_a_linked_clause_keeps_the_link_on_the_merged_clause(tmp_path) -> None:
    from annotator.services import clauses as clause_service
    from annotator.services import links as link_service
    from annotator.services.project import Project

    with Project.open(tmp_path / "m.sqlite", seed_samples=False) as project:
        left = project.import_text("Draft", "1. A ceasefire.\n2. A fund for rebuilding.\n")
        right = project.import_text("Revision", "1. A ceasefire now.\n2. A rebuilding fund.\n")
        a1, a2 = project.clauses(left.document_key)
        b2 = project.clauses(right.document_key)[1]
        link_service.accept(project, a2.id, b2.id)
        edit = clause_service.merge_with_next(project, a1.id)
        found = link_service.links(project, left.document_key, right.document_key)
        assert [(x.source_clause.id, x.target_clause.id) for x in found] == [(a1.id, b2.id)]
        project.undo(edit)
        found = link_service.links(project, left.document_key, right.document_key)
        assert [(x.source_clause.id, x.target_clause.id) for x in found] == [(a2.id, b2.id)]


def test_undoing_an_accept_leaves_a_tombstone_that_merges(tmp_path) -> None:
    from annotator.services import links as link_service
    from annotator.services.exchange import export_exchange_dict
    from annotator.services.project import Project

    with Project.open(tmp_path / "u.sqlite", seed_samples=False) as project:
        left = project.import_text("Draft", "1. A ceasefire.\n")
        right = project.import_text("Revision", "1. A ceasefire now.\n")
        a = project.clauses(left.document_key)[0]
        b = project.clauses(right.document_key)[0]
        edit = link_service.accept(project, a.id, b.id)
        project.undo(edit)
        exported = export_exchange_dict(project)["links"]
        assert len(exported) == 1 and exported[0]["deleted"] is True
