"""`annotator import` shows the notes; `annotator resegment` through the dispatcher."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.cli.main import run
from annotator.launcher import SUBCOMMANDS
from annotator.services.project import Project
from annotator.services.segmentation import segment_notes

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "segment_corpus"


def test_import_summary_shows_notes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = tmp_path / "p.sqlite"
    assert run(["import", str(CORPUS / "gap-28-draft.txt"), "--project", str(project)]) == 0
    out = capsys.readouterr().err.splitlines()  # a message, not a result: stderr
    assert out[0].endswith("32 clauses")
    assert "  note: points 13, 15, 16 are not in the text" in out
    assert '  note: point 14 is written "14)" among "N." points' in out
    with Project.open(project, create=False) as opened:
        (doc,) = opened.documents()
        assert len(segment_notes(opened, doc.key)) == 2


def test_resegment_by_title_and_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = tmp_path / "p.sqlite"
    with Project.open(project, seed_samples=False) as opened:
        result = opened.import_plan(CORPUS / "subpoints-restart.txt")
        coder = opened.add_coder("Olena").id
        first = next(c for c in opened.clauses(result.document_key) if c.label == "1")
        opened.toggle_tag(coder, first.id, "security_guarantee")
    args = ["resegment", "Joint framework — working text", "--mode", "paragraphs"]
    assert run([*args, "--project", str(project), "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["document"] == result.document_key and payload["mode"] == "paragraphs"
    assert payload["clauses_after"] == 2 and payload["unchanged"] == 1  # the title
    assert "1 whole-clause tags put on the clause" in " ".join(payload["report"])
    key = result.document_key[:10]
    assert run(["resegment", key, "--project", str(project)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{result.document_key[:12]}: re-segmented (auto)")
    with Project.open(project, create=False) as opened:
        labels = [c.label for c in opened.clauses(result.document_key)]
        assert labels[:4] == ["H1", "1", "1.a", "1.b"]


@pytest.mark.parametrize(
    ("plan", "message"),
    [("nothing like it", "no plan 'nothing like it'"), ("abc", "no plan 'abc'")],
)
def test_resegment_unknown_plan_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], plan: str, message: str
) -> None:
    project = tmp_path / "p.sqlite"
    Project.open(project, seed_samples=False).close()
    assert run(["resegment", plan, "--project", str(project)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err and "Traceback" not in err


def test_resegment_is_a_subcommand() -> None:
    assert "resegment" in SUBCOMMANDS


def test_importing_a_file_cut_before_a_resegment_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A coder's file exported before the plan was re-segmented: its work lands on the new
    clauses, and the import names the file and the plan and counts what moved."""
    from annotator.core.exchange import dump_exchange
    from annotator.services.exchange import export_exchange_dict

    with Project.open(tmp_path / "laptop.sqlite", seed_samples=False) as laptop:
        key = laptop.import_plan(CORPUS / "subpoints-restart.txt").document_key
        coder = laptop.add_coder("Olena").id
        for clause in laptop.clauses(key):
            if clause.label in ("1.a", "2"):
                laptop.toggle_tag(coder, clause.id, "security_guarantee")
        (tmp_path / "olena.json").write_bytes(dump_exchange(export_exchange_dict(laptop)))
    team = str(tmp_path / "team.sqlite")
    assert run(["import", str(CORPUS / "subpoints-restart.txt"), "--project", team]) == 0
    assert run(["resegment", key[:12], "--mode", "paragraphs", "--project", team]) == 0
    with Project.open(team, create=False) as opened:
        cut = [(c.start, c.end) for c in opened.clauses(key)]
    capsys.readouterr()
    assert run(["import", str(tmp_path / "olena.json"), "--project", team]) == 0
    err = capsys.readouterr().err
    assert "  warning: olena.json: plan “Joint framework — working text” is cut there" in err
    assert "1 whole-clause tag put on the clause holding most of its text" in err
    assert "1 whole-clause tag joined with the coder's same tag there" in err  # one paragraph now
    with Project.open(team, create=False) as opened:
        assert [(c.start, c.end) for c in opened.clauses(key)] == cut  # no old clause back
