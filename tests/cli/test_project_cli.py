"""annotator import / export / info on a project, through the real dispatcher."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from annotator.cli.main import run
from annotator.services.project import Project

SAMPLES = Path(__file__).resolve().parents[2] / "resources" / "samples"


def _project_with_tags(path: Path) -> tuple[str, int]:
    with Project.open(path, seed_samples=False) as project:
        project.import_plan(SAMPLES / "draft-28-point.md")
        coder = project.add_coder("Olena").id
        doc = project.documents()[0].key
        clauses = project.clauses(doc)
        for clause in clauses[:6]:
            project.toggle_tag(coder, clause.id, "security_guarantee")
        return coder, 6


def test_import_plans_and_info(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = tmp_path / "p.sqlite"
    files = [str(SAMPLES / n) for n in ("draft-28-point.md", "framework-20-point.txt")]
    assert run(["import", *files, "--project", str(project)]) == 0
    assert run(["import", files[0], "--project", str(project)]) == 0
    assert "already in the project" in capsys.readouterr().err  # a message: stderr
    assert run(["info", "--project", str(project), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert len(info["documents"]) == 2


def test_bad_plan_is_one_line_error_and_others_go_in(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "p.sqlite"
    missing = tmp_path / "nope.txt"
    code = run(
        ["import", str(missing), str(SAMPLES / "framework-20-point.txt"), "--project", str(project)]
    )
    err = capsys.readouterr().err
    assert code == 2
    errors = [line for line in err.splitlines() if "annotator import:" in line]
    assert "nope.txt" in errors[0] and "Traceback" not in err and len(errors) == 1
    with Project.open(project) as opened:
        assert len(opened.documents()) == 1


def test_export_exchange_and_reimport(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    coder, n = _project_with_tags(tmp_path / "a.sqlite")
    out = tmp_path / "olena.json"
    assert run(["export", "-f", "exchange", "-o", str(out), "--coder", "Olena",
                "--project", str(tmp_path / "a.sqlite")]) == 0  # fmt: skip
    data = json.loads(out.read_text("utf-8"))
    assert data["format"] == "plan-annotations" and len(data["annotations"]) == n
    assert {a["coder"] for a in data["annotations"]} == {coder}
    team = tmp_path / "team.sqlite"
    assert run(["import", str(out), "--project", str(team)]) == 0
    assert f"{n} annotations added" in capsys.readouterr().err


def test_export_long_csv_has_coder_names(tmp_path: Path) -> None:
    _project_with_tags(tmp_path / "a.sqlite")
    out = tmp_path / "long.csv"
    assert (
        run(["export", "-f", "long", "-o", str(out), "--project", str(tmp_path / "a.sqlite")]) == 0
    )
    rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8"), newline="")))
    assert len(rows) == 6 and {r["coder_name"] for r in rows} == {"Olena"}


def test_export_to_missing_project_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run(["export", "-f", "long", "-o", str(tmp_path / "x.csv"),
                "--project", str(tmp_path / "absent.sqlite")])  # fmt: skip
    assert code == 2 and "no such project" in capsys.readouterr().err
    assert not (tmp_path / "x.csv").exists()


def test_agreement_and_compare_on_a_project(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "a.sqlite"
    _project_with_tags(path)
    with Project.open(path) as project:
        other = project.add_coder("Taras").id
        doc = project.documents()[0].key
        for clause in project.clauses(doc)[:6]:
            project.toggle_tag(other, clause.id, "security_guarantee")
    assert run(["agreement", "--project", str(path), "--json", "--bootstrap", "0"]) == 0
    report = json.loads(capsys.readouterr().out)
    with Project.open(path) as project:
        clause_count = len(project.clauses(project.documents()[0].key))
    assert report["units"] == clause_count  # every clause is a unit; uncoded ones are missing
    assert report["per_category"]["security_guarantee"]["percent_agreement"] == 1.0
    assert run(["compare", "--project", str(path), "--json"]) == 0
    assert "security_guarantee" in capsys.readouterr().out


def test_coder_add_then_export_by_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A coder made on the command line: export --coder works before the window ever ran."""
    project = tmp_path / "p.sqlite"
    assert run(["import", str(SAMPLES / "draft-28-point.md"), "--project", str(project)]) == 0
    assert run(["coder", "add", "Olena", "--project", str(project)]) == 0
    assert run(["coder", "add", "Olena", "--project", str(project)]) == 0  # no second Olena
    capsys.readouterr()
    assert run(["coder", "list", "--project", str(project)]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert [line.split("\t")[1] for line in listed] == ["Olena"]
    out = tmp_path / "olena.json"
    assert run(["export", "-f", "exchange", "-o", str(out), "--coder", "Olena",
                "--project", str(project)]) == 0  # fmt: skip
    captured = capsys.readouterr()
    assert captured.out == "" and "0 annotations by 1 coder" in captured.err
    assert json.loads(out.read_text("utf-8"))["coders"][0]["name"] == "Olena"
