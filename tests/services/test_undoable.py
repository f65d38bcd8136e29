"""Plan import and removal, new coders and blind mode are undoable edits that check the database."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.cli.main import run
from annotator.core.errors import InputError, StaleEditError
from annotator.services import notes
from annotator.services.exchange import export_exchange_dict
from annotator.services.project import Project
from annotator.services.review import blind_mode, set_blind_mode
from tests.services.conftest import PLAN

SECOND = "Counter-proposal\n\n1. Territory is returned.\n2. Guarantors deploy monitors.\n"


def test_undo_import_removes_the_plan_and_redo_brings_it_back(project: Project) -> None:
    result = project.import_text("Framework", PLAN, source_name="plan.txt")
    assert result.edit is not None and result.edit.label == "Import Framework"
    clauses = project.clauses(result.document_key)
    project.undo(result.edit)
    assert project.documents() == []
    project.redo(result.edit)
    assert project.clauses(result.document_key) == clauses  # the same clause ids again
    again = project.import_text("Framework", PLAN)
    assert again.already_present and again.edit is None


def test_undo_import_refused_once_the_plan_is_coded(project: Project, coder: str) -> None:
    result = project.import_text("Framework", PLAN)
    assert result.edit is not None
    clause = project.clauses(result.document_key)[1].id
    tag = project.toggle_tag(coder, clause, "economic")
    with pytest.raises(StaleEditError, match="coded or changed since"):
        project.undo(result.edit)
    assert project.clause_coding(clause, coder).tags == {"economic"}  # nothing was lost
    # Once the tag is undone (a tombstone is all that is left), the import undoes.
    project.undo(tag)
    project.undo(result.edit)
    assert project.documents() == []


def test_remove_plan_takes_everything_and_undo_restores_it(project: Project, coder: str) -> None:
    keep = project.import_text("Counter", SECOND).document_key
    key = project.import_text("Framework", PLAN).document_key
    clauses = project.clauses(key)
    project.toggle_tag(coder, clauses[1].id, "economic")
    project.toggle_span(coder, clauses[2].id, "territorial", clauses[2].start, clauses[2].start + 4)
    project.mark_none(coder, clauses[3].id)
    project.mark_none(coder, clauses[3].id)  # a review tombstone
    notes.set_clause_memo(project, coder, clauses[1].id, "check the annex")
    before = export_exchange_dict(project)

    edit = project.remove_plan(project.find_document("Framework"))
    assert [d.key for d in project.documents()] == [keep]
    assert export_exchange_dict(project)["annotations"] == []
    project.undo(edit)
    after = export_exchange_dict(project)
    # Everything is back, restamped as the newest word (so a merge sees the undo).
    assert _without_stamps(after) == _without_stamps(before)
    project.redo(edit)
    assert [d.key for d in project.documents()] == [keep]


def _without_stamps(doc: dict[str, object]) -> object:
    def clean(value: object) -> object:
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items() if k != "updated"}
        if isinstance(value, list):
            return [clean(v) for v in value]
        return value

    return clean(doc)


def test_find_document_by_key_prefix_or_title(project: Project) -> None:
    key = project.import_text("Framework", PLAN).document_key
    assert project.find_document(key) == key
    assert project.find_document(key[:8]) == key
    assert project.find_document("Framework") == key
    with pytest.raises(InputError, match="no plan"):
        project.find_document("Nothing")
    with pytest.raises(InputError, match="no plan"):
        project.find_document(key[:3])  # too short to be a prefix


def test_new_coder_is_undoable_until_they_code(project: Project, plan: str) -> None:
    info, edit = project.add_coder_edit("Taras")
    project.undo(edit)
    assert project.coder(info.id) is None
    project.redo(edit)
    assert project.coder(info.id) == info
    project.toggle_tag(info.id, project.clauses(plan)[1].id, "economic")
    with pytest.raises(StaleEditError, match="coder has been coded or changed since"):
        project.undo(edit)
    assert project.coder(info.id) == info


def test_blind_mode_is_undoable(project: Project) -> None:
    edit = set_blind_mode(project, True)
    assert blind_mode(project) and edit.label == "Turn blind mode on"
    project.undo(edit)
    assert project.setting("blind") is None
    project.redo(edit)
    assert blind_mode(project)
    assert set_blind_mode(project, True).empty
    # Someone switched it off meanwhile: undoing "on" is refused, not silently re-applied.
    project.set_setting("blind", "off")
    with pytest.raises(StaleEditError):
        project.undo(edit)


def test_cli_remove_plan(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "p.sqlite"
    with Project.open(path, seed_samples=False) as project:
        key = project.import_text("Framework", PLAN).document_key
        project.import_text("Counter", SECOND)
    assert run(["remove-plan", "Nothing", key[:10], "--project", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["annotator remove-plan: no plan 'Nothing' in this project (see annotator info)"]
    with Project.open(path, create=False) as project:
        assert len(project.documents()) == 2  # all or nothing
    assert run(["remove-plan", key[:10], "--project", str(path)]) == 0
    assert "removed: 'Framework'" in capsys.readouterr().out
    with Project.open(path, create=False) as project:
        assert [d.title for d in project.documents()] == ["Counter"]


def test_undoing_a_merge_drops_tombstones_left_on_its_clauses_and_coders(
    tmp_path: Path,
) -> None:
    """A tombstone pointing at both a clause and a coder the undo removes goes once, quietly."""
    from annotator.services.exchange import write_exchange_file
    from annotator.services.merge import apply_merge, preview_merge

    with Project.open(tmp_path / "src.sqlite", seed_samples=False) as src:
        src.import_text("Framework", PLAN)
        coder = src.add_coder("Taras").id
        clause = src.clauses(src.documents()[0].key)[1].id
        src.toggle_tag(coder, clause, "economic")
        write_exchange_file(src, tmp_path / "taras.json")
    with Project.open(tmp_path / "team.sqlite", seed_samples=False) as team:
        merge = apply_merge(team, preview_merge(team, [tmp_path / "taras.json"]))
        clause = team.clauses(team.documents()[0].key)[1].id
        later = team.toggle_tag(coder, clause, "territorial")  # a later tag by Taras, here
        with pytest.raises(StaleEditError, match="coded or changed since"):
            team.undo(merge)
        team.undo(later)  # now only a tombstone of it is left
        team.undo(merge)
        assert team.documents() == [] and team.coder(coder) is None
