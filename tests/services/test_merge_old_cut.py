"""A coder's file exported before the plan was re-segmented, merged into the project.

The file names the old clauses by their spans. Merged as it was, every old clause came back next to
the new ones (overlapping, "1" and "¶2" over the same text) with the coder's work on them. Now the
work is carried onto the clause that holds its text, and the preview says so, naming the file and
the plan.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from annotator.services.exchange import export_exchange_dict
from annotator.services.merge import apply_merge, preview_merge_documents
from annotator.services.notes import set_clause_memo
from annotator.services.project import Project
from annotator.services.segmentation import resegment

PLAN = (
    "Framework for a Settlement (working translation)\n\n"
    "1. A ceasefire takes effect on signing. Monitors watch the line of contact.\n"
    "2. Prisoners are exchanged all for all.\n"
    "3. Sanctions are lifted in stages.\n"
)


def coders_file(tmp_path: Path) -> tuple[dict[str, Any], str]:
    """The coder's own copy, cut automatically (points), with work on points 1 and 2."""
    with Project.open(tmp_path / "laptop.sqlite", seed_samples=False) as laptop:
        key = laptop.import_text("Framework", PLAN, source_name="plan.txt").document_key
        coder = laptop.add_coder("Olena").id
        cat = laptop.categories()[0].key
        by_label = {c.label: c for c in laptop.clauses(key)}
        monitors = PLAN.index("Monitors")
        laptop.toggle_tag(coder, by_label["1"].id, cat)
        laptop.toggle_span(coder, by_label["1"].id, cat, monitors, monitors + 14)
        laptop.toggle_tag(coder, by_label["2"].id, cat)
        laptop.mark_none(coder, by_label["3"].id)
        set_clause_memo(laptop, coder, by_label["2"].id, "check the count")
        return export_exchange_dict(laptop), key


def test_work_on_an_old_cut_lands_on_the_clauses_that_now_hold_its_text(tmp_path: Path) -> None:
    file, key = coders_file(tmp_path)
    with Project.open(tmp_path / "team.sqlite", seed_samples=False) as team:
        team.import_text("Framework", PLAN, source_name="plan.txt")
        resegment(team, key, "paragraphs")
        cut = [(c.start, c.end, c.label) for c in team.clauses(key)]
        assert [label for *_, label in cut] == ["¶1", "¶2"]

        preview = preview_merge_documents(team, [file], ["olena.json"])
        assert preview.conflicts == []  # no old clause overlapping a new one
        (warning,) = preview.warnings
        assert warning.startswith("olena.json: plan “Framework”")
        assert "3 old clauses" in warning and "1 span moved" in warning
        assert "1 whole-clause tag put on the clause holding most of its text" in warning
        assert "1 whole-clause tag joined" in warning  # tags on points 1 and 2, now one clause
        assert preview.counts["annotations_added"] == 2
        apply_merge(team, preview)

        assert [(c.start, c.end, c.label) for c in team.clauses(key)] == cut  # no clause back
        exported = export_exchange_dict(team)
        live = [a for a in exported["annotations"] if not a["deleted"]]
        spans = sorted(tuple(a["span"]) if a["span"] else None for a in live if a["span"])
        monitors = PLAN.index("Monitors")
        assert spans == [(monitors, monitors + 14)]
        assert all(tuple(a["clause"]) == cut[1][:2] for a in live)
        assert [(r["clause"], r["status"]) for r in exported["reviews"]] == [
            ([cut[1][0], cut[1][1]], "none")
        ]
        assert [n["memo"] for n in exported.get("clause_notes", [])] == ["check the count"]

        # The same file again: nothing to write, and the preview still says how it was cut.
        again = preview_merge_documents(team, [file], ["olena.json"])
        assert again.changes_nothing and again.warnings
        assert apply_merge(team, again).empty


def test_undoing_the_re_segmentation_lets_the_file_merge_as_it_is(tmp_path: Path) -> None:
    file, key = coders_file(tmp_path)
    with Project.open(tmp_path / "team.sqlite", seed_samples=False) as team:
        team.import_text("Framework", PLAN, source_name="plan.txt")
        before = [(c.start, c.end, c.label) for c in team.clauses(key)]
        edit = resegment(team, key, "paragraphs").edit
        team.undo(edit)
        preview = preview_merge_documents(team, [file], ["olena.json"])
        assert preview.warnings == [] and preview.conflicts == []
        apply_merge(team, preview)
        assert [(c.start, c.end, c.label) for c in team.clauses(key)] == before
