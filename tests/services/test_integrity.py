"""Nothing lost: skewed clocks, unknown fields through a project, review tombstones, stale undo."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

from annotator.core import clock
from annotator.core.errors import StaleEditError
from annotator.core.exchange import dump_exchange, load_exchange
from annotator.core.merge import merge_documents
from annotator.services.exchange import export_exchange_dict, write_exchange_file
from annotator.services.merge import apply_merge, preview_merge, preview_merge_documents
from annotator.services.project import Project
from annotator.storage.db import open_engine
from annotator.storage.tables import T_ANNOTATION, T_REVIEW
from tests.services.conftest import PLAN


@pytest.fixture
def clock_offset(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[timedelta]]:
    """Set ``offset[0]`` to make this process's clock run ahead (or behind) by that much."""
    offset = [timedelta(0)]

    def skewed_now() -> str:
        return clock.format_time(datetime.now(UTC) + offset[0])

    monkeypatch.setattr(clock, "now", skewed_now)
    yield offset


def _laptop(path: Path, coder: str = "c0ffee00-0000-4000-8000-000000000001") -> Project:
    project = Project.open(path, seed_samples=False)
    project.import_text("Framework", PLAN, source_name="plan.txt")
    if project.coder(coder) is None:
        project.add_coder("Olena", coder)
    return project


def _first_clause(project: Project) -> int:
    return project.clauses(project.documents()[0].key)[1].id


# -- 1. clocks ---------------------------------------------------------------------------------


def test_two_laptops_a_fast_clock_cannot_bring_a_removed_tag_back(
    tmp_path: Path, clock_offset: list[timedelta]
) -> None:
    coder = "c0ffee00-0000-4000-8000-000000000001"
    # Laptop 1's clock runs an hour fast; it tags a clause and exports.
    clock_offset[0] = timedelta(hours=1)
    with _laptop(tmp_path / "one.sqlite", coder) as one:
        one.toggle_tag(coder, _first_clause(one), "economic")
        write_exchange_file(one, tmp_path / "one.json")
    # Laptop 2 (a right clock) merges that file and removes the tag.
    clock_offset[0] = timedelta(0)
    with _laptop(tmp_path / "two.sqlite", coder) as two:
        preview = preview_merge(two, [tmp_path / "one.json"])
        assert preview.warnings and "in the future" in preview.warnings[0]
        apply_merge(two, preview)
        clause = _first_clause(two)
        assert two.clause_coding(clause, coder).tags == {"economic"}
        two.toggle_tag(coder, clause, "economic")
        assert two.clause_coding(clause, coder).tags == frozenset()
        write_exchange_file(two, tmp_path / "two.json")

    files = [load_exchange(tmp_path / "one.json"), load_exchange(tmp_path / "two.json")]
    for order in (files, files[::-1]):
        result = merge_documents(order, ["a.json", "b.json"])
        (ann,) = result.document["annotations"]
        assert ann["deleted"] is True, "the removal must survive the merge"
        assert result.conflicts == []
    # Importing both files into a third project keeps the removal too.
    with _laptop(tmp_path / "three.sqlite", coder) as three:
        apply_merge(three, preview_merge(three, [tmp_path / "one.json", tmp_path / "two.json"]))
        assert three.clause_coding(_first_clause(three), coder).tags == frozenset()


def test_an_edit_stamps_after_a_future_stamp(tmp_path: Path, clock_offset: list[timedelta]) -> None:
    coder = "c0ffee00-0000-4000-8000-000000000001"
    with _laptop(tmp_path / "p.sqlite", coder) as project:
        clause = _first_clause(project)
        clock_offset[0] = timedelta(days=2)
        project.toggle_tag(coder, clause, "economic")
        future = export_exchange_dict(project)["annotations"][0]["updated"]
        clock_offset[0] = timedelta(0)
        for _ in range(3):  # untag, tag, untag: each stamp later than the one before
            project.toggle_tag(coder, clause, "economic")
            stamp = export_exchange_dict(project)["annotations"][0]["updated"]
            assert clock.parse_time(stamp) > clock.parse_time(future)
            future = stamp
        # Undo restamps too, and never backwards.
        project.mark_none(coder, clause)
        review = export_exchange_dict(project)["reviews"][0]["updated"]
        edit = project.mark_none(coder, clause)
        assert clock.parse_time(export_exchange_dict(project)["reviews"][0]["updated"]) > (
            clock.parse_time(review)
        )
        project.undo(edit)


def test_no_warning_for_stamps_from_a_right_clock(tmp_path: Path) -> None:
    coder = "c0ffee00-0000-4000-8000-000000000001"
    with _laptop(tmp_path / "a.sqlite", coder) as a:
        a.toggle_tag(coder, _first_clause(a), "economic")
        write_exchange_file(a, tmp_path / "a.json")
    with _laptop(tmp_path / "b.sqlite", coder) as b:
        assert preview_merge(b, [tmp_path / "a.json"]).warnings == []


# -- 2. unknown fields survive import and export -----------------------------------------------


def _file_with_extras(tmp_path: Path) -> dict[str, Any]:
    coder = "c0ffee00-0000-4000-8000-000000000001"
    with _laptop(tmp_path / "src.sqlite", coder) as src:
        clause = _first_clause(src)
        src.toggle_tag(coder, clause, "economic")
        src.mark_none(coder, src.clauses(src.documents()[0].key)[2].id)
        doc = export_exchange_dict(src)
    doc["x_project"] = {"exported_by": "a future version", "n": 3}
    doc["codebook"]["x_scheme"] = "v7"
    doc["coders"][0]["x_orcid"] = "0000-0002-1825-0097"
    doc["codebook"]["categories"][0]["x_definition_source"] = "manual §2"
    doc["documents"][0]["x_language_detected"] = "en"
    doc["documents"][0]["meta"] = {"party": "UN", "x_archive": "box 4"}
    doc["documents"][0]["clauses"][0]["x_heading"] = True
    doc["annotations"][0]["x_confidence"] = 0.75
    doc["annotations"][0]["uncertain"] = False  # a default spelled out
    doc["reviews"][0]["x_reviewed_with"] = "tablet"
    key = doc["documents"][0]["key"]
    first = doc["documents"][0]["clauses"][1]
    doc["clause_notes"] = [
        {
            "coder": coder,
            "document": key,
            "clause": [first["start"], first["end"]],
            "memo": "see annex",
            "flagged": True,
            "updated": "2026-01-05T10:00:00.000Z",
            "x_colour": "amber",
        }
    ]
    doc["links"] = [
        {  # another tool's relation: not a clause link of ours
            "id": "rel-1",
            "relation": "contradicts",
            "source": {"document": key, "clause": [first["start"], first["end"]]},
            "target": {"document": key, "clause": [first["start"], first["end"]]},
            "updated": "2026-01-05T10:00:00.000Z",
        }
    ]
    return doc


def test_unknown_fields_survive_import_and_export(tmp_path: Path) -> None:
    original = _file_with_extras(tmp_path)
    (tmp_path / "in.json").write_bytes(dump_exchange(original))
    with Project.open(tmp_path / "team.sqlite", seed_samples=False) as team:
        apply_merge(team, preview_merge(team, [tmp_path / "in.json"]))
        out = export_exchange_dict(team)
        assert out["x_project"] == original["x_project"]
        assert out["codebook"]["x_scheme"] == "v7"
        assert out["coders"][0]["x_orcid"] == "0000-0002-1825-0097"
        cat = next(c for c in out["codebook"]["categories"] if "x_definition_source" in c)
        assert cat["x_definition_source"] == "manual §2"
        assert out["documents"][0]["x_language_detected"] == "en"
        assert out["documents"][0]["meta"] == {"party": "UN", "x_archive": "box 4"}
        assert out["documents"][0]["clauses"][0]["x_heading"] is True
        ann = out["annotations"][0]
        assert ann["x_confidence"] == 0.75 and ann["uncertain"] is False
        assert out["reviews"][0]["x_reviewed_with"] == "tablet"
        assert out["clause_notes"][0]["x_colour"] == "amber"
        assert out["links"] == original["links"]

        # Re-importing the same file: no phantom conflict, nothing to write.
        again = preview_merge(team, [tmp_path / "in.json"])
        assert again.conflicts == []
        assert apply_merge(team, again).empty
        # Exporting equals merging: the project holds what the file held.
        merged = merge_documents([original], ["in.json"]).document
        assert dump_exchange(export_exchange_dict(team)) == dump_exchange(merged)


def test_undoing_an_import_takes_its_extras_back(tmp_path: Path) -> None:
    original = _file_with_extras(tmp_path)
    (tmp_path / "in.json").write_bytes(dump_exchange(original))
    with Project.open(tmp_path / "team.sqlite", seed_samples=False) as team:
        before = dump_exchange(export_exchange_dict(team))
        edit = apply_merge(team, preview_merge(team, [tmp_path / "in.json"]))
        team.undo(edit)
        after = export_exchange_dict(team)
        assert "x_project" not in after and "links" not in after
        assert [a for a in after["annotations"] if not a["deleted"]] == []
        assert before != b""  # the categories and codebook are as before the import
        assert {c["key"] for c in after["codebook"]["categories"]} == {
            c["key"] for c in json.loads(before)["codebook"]["categories"]
        }


# -- review tombstones -------------------------------------------------------------------------


def test_unmarking_none_applies_leaves_a_tombstone_that_merges(tmp_path: Path) -> None:
    coder = "c0ffee00-0000-4000-8000-000000000001"
    with _laptop(tmp_path / "p.sqlite", coder) as project:
        clause = _first_clause(project)
        project.mark_none(coder, clause)
        old = export_exchange_dict(project)  # the review, as exported then
        assert old["reviews"][0]["status"] == "none"
        project.mark_none(coder, clause)  # take it back
        assert project.clause_coding(clause, coder).review is None
        (tomb,) = export_exchange_dict(project)["reviews"]
        assert tomb["deleted"] is True
        assert project.documents(coder)[0].coded == 0

        # Merging the older export back does not revive the review.
        preview = preview_merge_documents(project, [old], ["old.json"])
        apply_merge(project, preview)
        assert project.clause_coding(clause, coder).review is None
        # Nor does a merge of the two files.
        now = export_exchange_dict(project)
        merged = merge_documents([old, now], ["old.json", "now.json"]).document
        assert merged["reviews"][0]["deleted"] is True

        # Marking again revives the row, later than its tombstone.
        project.mark_none(coder, clause)
        (live,) = export_exchange_dict(project)["reviews"]
        assert live["status"] == "none" and "deleted" not in live
        assert clock.parse_time(live["updated"]) > clock.parse_time(tomb["updated"])


def test_untagging_the_last_tag_tombstones_the_done_review(tmp_path: Path) -> None:
    coder = "c0ffee00-0000-4000-8000-000000000001"
    with _laptop(tmp_path / "p.sqlite", coder) as project:
        clause = _first_clause(project)
        project.mark_none(coder, clause)
        project.toggle_tag(coder, clause, "economic")  # "none" becomes "done"
        project.toggle_tag(coder, clause, "economic")  # the last tag goes: so does the review
        (review,) = export_exchange_dict(project)["reviews"]
        assert review["deleted"] is True
        assert project.clause_coding(clause, coder).review is None


def test_undoing_mark_none_leaves_a_tombstone(tmp_path: Path) -> None:
    coder = "c0ffee00-0000-4000-8000-000000000001"
    with _laptop(tmp_path / "p.sqlite", coder) as project:
        clause = _first_clause(project)
        edit = project.mark_none(coder, clause)
        project.undo(edit)
        (review,) = export_exchange_dict(project)["reviews"]
        assert review["deleted"] is True
        project.redo(edit)
        assert project.clause_coding(clause, coder).review == "none"


# -- 4. undo matches the database --------------------------------------------------------------


def test_undo_refuses_when_another_connection_changed_the_row(tmp_path: Path) -> None:
    coder = "c0ffee00-0000-4000-8000-000000000001"
    with _laptop(tmp_path / "p.sqlite", coder) as project:
        clause = _first_clause(project)
        edit = project.toggle_tag(coder, clause, "economic")
        # A colleague (another connection, another process) retags the annotation meanwhile.
        other = open_engine(tmp_path / "p.sqlite", create=False)
        with other.begin() as conn:
            conn.execute(
                update(T_ANNOTATION).values(
                    category_key="territorial", updated="2027-01-01T00:00:00Z"
                )
            )
        other.dispose()
        with pytest.raises(StaleEditError, match=r"cannot undo .*Tag.*changed since"):
            project.undo(edit)
        # Nothing was written: the colleague's change stands.
        assert project.clause_coding(clause, coder).tags == {"territorial"}


def test_redo_refuses_when_the_row_was_added_again(tmp_path: Path) -> None:
    coder = "c0ffee00-0000-4000-8000-000000000001"
    with _laptop(tmp_path / "p.sqlite", coder) as project:
        clause = _first_clause(project)
        edit = project.mark_none(coder, clause)
        project.undo(edit)
        other = open_engine(tmp_path / "p.sqlite", create=False)
        with other.begin() as conn:
            conn.execute(update(T_REVIEW).values(deleted=False, status="done"))
        other.dispose()
        with pytest.raises(StaleEditError, match="cannot redo"):
            project.redo(edit)
        assert project.clause_coding(clause, coder).review == "done"


def test_undo_and_redo_chain_without_interference(tmp_path: Path) -> None:
    coder = "c0ffee00-0000-4000-8000-000000000001"
    with _laptop(tmp_path / "p.sqlite", coder) as project:
        clause = _first_clause(project)
        edits = [
            project.toggle_tag(coder, clause, "economic"),
            project.toggle_tag(coder, clause, "territorial"),
            project.mark_none(coder, clause),
        ]
        for _ in range(2):
            for edit in reversed(edits):
                project.undo(edit)
            assert project.clause_coding(clause, coder).tags == frozenset()
            for edit in edits:
                project.redo(edit)
            assert project.clause_coding(clause, coder).review == "none"


def test_cli_import_warns_about_a_fast_clock(
    tmp_path: Path, clock_offset: list[timedelta], capsys: pytest.CaptureFixture[str]
) -> None:
    from annotator.cli.main import run

    coder = "c0ffee00-0000-4000-8000-000000000001"
    clock_offset[0] = timedelta(hours=1)
    with _laptop(tmp_path / "fast.sqlite", coder) as fast:
        fast.toggle_tag(coder, _first_clause(fast), "economic")
        write_exchange_file(fast, tmp_path / "fast.json")
    clock_offset[0] = timedelta(0)
    target = tmp_path / "team.sqlite"
    assert run(["import", str(tmp_path / "fast.json"), "--project", str(target)]) == 0
    err = capsys.readouterr().err
    assert "warning: fast.json: 2 timestamps more than 5 minutes in the future" in err


def test_optional_fields_a_file_left_out_stay_out_until_changed(tmp_path: Path) -> None:
    original = _file_with_extras(tmp_path)
    note = original["clause_notes"][0]
    del note["memo"]  # only the flag: memo and flagged are optional
    (tmp_path / "in.json").write_bytes(dump_exchange(original))
    with Project.open(tmp_path / "team.sqlite", seed_samples=False) as team:
        apply_merge(team, preview_merge(team, [tmp_path / "in.json"]))
        (exported,) = export_exchange_dict(team)["clause_notes"]
        assert "memo" not in exported and exported["flagged"] is True
        again = preview_merge(team, [tmp_path / "in.json"])
        assert again.conflicts == [] and apply_merge(team, again).empty
        # Once the coder writes a memo, it is exported like any other.
        from annotator.services import notes

        coder = original["coders"][0]["id"]
        key = original["documents"][0]["key"]
        clause = next(c.id for c in team.clauses(key) if [c.start, c.end] == note["clause"])
        notes.set_clause_memo(team, coder, clause, "now written")
        (exported,) = export_exchange_dict(team)["clause_notes"]
        assert exported["memo"] == "now written" and exported["x_colour"] == "amber"


def test_a_clause_link_signed_by_a_stranger_keeps_its_signature(tmp_path: Path) -> None:
    original = _file_with_extras(tmp_path)
    key = original["documents"][0]["key"]
    a, b = original["documents"][0]["clauses"][:2]
    original["links"].append(
        {
            "id": "clink-1",
            "source": {"document": key, "clause": [a["start"], a["end"]]},
            "target": {"document": key, "clause": [b["start"], b["end"]]},
            "status": "accepted",
            "coder": "someone-not-in-this-file",
            "updated": "2026-01-05T10:00:00.000Z",
            "x_similarity": 0.83,
        }
    )
    (tmp_path / "in.json").write_bytes(dump_exchange(original))
    with Project.open(tmp_path / "team.sqlite", seed_samples=False) as team:
        apply_merge(team, preview_merge(team, [tmp_path / "in.json"]))
        links = {x["id"]: x for x in export_exchange_dict(team)["links"]}
        assert links["clink-1"] == original["links"][-1]  # no created or deleted added either
        assert links["rel-1"] == original["links"][0]
        again = preview_merge(team, [tmp_path / "in.json"])
        assert again.conflicts == [] and apply_merge(team, again).empty
