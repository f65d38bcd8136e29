"""Exchange files through a project: export, import as a merge, round trip, undo, bad files."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from annotator.core.errors import AnnotatorError
from annotator.services.exchange import export_exchange_dict, write_exchange_file
from annotator.services.merge import apply_merge, preview_merge
from annotator.services.project import Project


def _coded_project(path: Path, name: str, categories: list[str]) -> tuple[Project, str]:
    project = Project.open(path, seed_samples=True)
    coder = project.add_coder(name).id
    doc = project.documents()[0].key
    for clause, category in zip(project.clauses(doc), categories, strict=False):
        project.toggle_tag(coder, clause.id, category)
    return project, coder


def test_export_import_export_gives_identical_bytes(tmp_path: Path) -> None:
    source, _ = _coded_project(tmp_path / "a.sqlite", "Olena", ["economic", "territorial"] * 4)
    clause = source.clauses(source.documents()[1].key)[0]
    source.mark_none(source.coders()[0].id, clause.id)
    write_exchange_file(source, tmp_path / "a.json")
    with Project.open(tmp_path / "empty.sqlite", seed_samples=False) as empty:
        apply_merge(empty, preview_merge(empty, [tmp_path / "a.json"]))
        write_exchange_file(empty, tmp_path / "b.json")
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()
    source.close()


def test_importing_twice_changes_nothing(tmp_path: Path) -> None:
    source, _ = _coded_project(tmp_path / "a.sqlite", "Olena", ["economic"] * 5)
    write_exchange_file(source, tmp_path / "a.json")
    with Project.open(tmp_path / "team.sqlite", seed_samples=False) as team:
        first = preview_merge(team, [tmp_path / "a.json"])
        assert first.counts["annotations_added"] == 5
        apply_merge(team, first)
        again = preview_merge(team, [tmp_path / "a.json"])
        assert again.counts["annotations_added"] == 0
        assert apply_merge(team, again).empty
    source.close()


def test_two_coders_merge_keeps_both_with_authors(tmp_path: Path) -> None:
    a, coder_a = _coded_project(tmp_path / "a.sqlite", "Olena", ["economic"] * 3)
    b, coder_b = _coded_project(tmp_path / "b.sqlite", "Taras", ["territorial"] * 4)
    write_exchange_file(a, tmp_path / "a.json", coder_a)
    write_exchange_file(b, tmp_path / "b.json", coder_b)
    with Project.open(tmp_path / "team.sqlite", seed_samples=False) as team:
        apply_merge(team, preview_merge(team, [tmp_path / "b.json", tmp_path / "a.json"]))
        merged = export_exchange_dict(team)
    by_coder: dict[str, int] = {}
    for ann in merged["annotations"]:
        by_coder[ann["coder"]] = by_coder.get(ann["coder"], 0) + 1
    assert by_coder == {coder_a: 3, coder_b: 4}
    assert {c["name"] for c in merged["coders"]} == {"Olena", "Taras"}
    a.close()
    b.close()


def test_later_removal_wins_over_earlier_tag(tmp_path: Path) -> None:
    a, coder = _coded_project(tmp_path / "a.sqlite", "Olena", ["economic"])
    write_exchange_file(a, tmp_path / "before.json")
    clause = a.clauses(a.documents()[0].key)[0]
    a.toggle_tag(coder, clause.id, "economic")  # removed: a tombstone, newer
    write_exchange_file(a, tmp_path / "after.json")
    with Project.open(tmp_path / "team.sqlite", seed_samples=False) as team:
        apply_merge(team, preview_merge(team, [tmp_path / "after.json"]))
        apply_merge(team, preview_merge(team, [tmp_path / "before.json"]))
        anns = export_exchange_dict(team)["annotations"]
    assert len(anns) == 1 and anns[0]["deleted"] is True
    a.close()


def test_merge_into_project_can_be_undone(tmp_path: Path) -> None:
    a, _ = _coded_project(tmp_path / "a.sqlite", "Olena", ["economic"] * 3)
    write_exchange_file(a, tmp_path / "a.json")
    with Project.open(tmp_path / "team.sqlite", seed_samples=False) as team:
        edit = apply_merge(team, preview_merge(team, [tmp_path / "a.json"]))
        assert edit.label == "Merge a.json"
        team.undo(edit)
        after = export_exchange_dict(team)
        assert after["documents"] == [] and after["annotations"] == []
        team.redo(edit)
        assert len(export_exchange_dict(team)["annotations"]) == 3
    a.close()


def _file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not json at all", "JSON"),
        (b'{"format": "something-else", "version": 1}', "format"),
        (b'{"format": "plan-annotations", "version": 2}', "version"),
    ],
)
def test_bad_file_changes_nothing(tmp_path: Path, content: bytes, message: str) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    with Project.open(tmp_path / "team.sqlite", seed_samples=True) as team:
        before = json.dumps(export_exchange_dict(team), sort_keys=True)
        with pytest.raises(AnnotatorError, match=message) as err:
            preview_merge(team, [bad])
        assert "bad.json" in str(err.value)
        assert json.dumps(export_exchange_dict(team), sort_keys=True) == before


def test_clause_memos_of_two_coders_merge_without_conflict(tmp_path: Path) -> None:
    from annotator.services.notes import set_clause_memo, toggle_clause_flag

    a, coder_a = _coded_project(tmp_path / "a.sqlite", "Olena", ["economic"])
    b, coder_b = _coded_project(tmp_path / "b.sqlite", "Taras", ["territorial"])
    clause_a = a.clauses(a.documents()[0].key)[0]
    clause_b = b.clauses(b.documents()[0].key)[0]
    set_clause_memo(a, coder_a, clause_a.id, "compare with the 19-point text")
    toggle_clause_flag(b, coder_b, clause_b.id)
    write_exchange_file(a, tmp_path / "a.json", coder_a)
    write_exchange_file(b, tmp_path / "b.json", coder_b)
    with Project.open(tmp_path / "team.sqlite", seed_samples=False) as team:
        preview = preview_merge(team, [tmp_path / "a.json", tmp_path / "b.json"])
        assert [c for c in preview.conflicts if "note" in str(c)] == []
        apply_merge(team, preview)
        notes = {n["coder"]: n for n in export_exchange_dict(team)["clause_notes"]}
    assert notes[coder_a]["memo"] == "compare with the 19-point text"
    assert notes[coder_b]["flagged"] is True
    a.close()
    b.close()


def test_undo_of_a_merge_that_brought_a_new_coder_into_known_plans(tmp_path: Path) -> None:
    a, coder = _coded_project(tmp_path / "a.sqlite", "Olena", ["economic"] * 2)
    write_exchange_file(a, tmp_path / "a.json", coder)
    a.close()
    with Project.open(tmp_path / "team.sqlite", seed_samples=True) as team:
        before = export_exchange_dict(team)
        edit = apply_merge(team, preview_merge(team, [tmp_path / "a.json"]))
        team.undo(edit)
        assert export_exchange_dict(team) == before
        team.redo(edit)
        assert [c.name for c in team.coders()] == ["Olena"]
