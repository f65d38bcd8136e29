"""``annotator import`` on REFI-QDA files: recognised by content, every warning shown."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from annotator.cli.main import run
from annotator.services.project import Project

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "qualcoder"
FIRST = FIXTURES / "01_two_coders_category_memos.qdpx"
SECOND = FIXTURES / "02_same_project_second_export.qdpx"


def test_warnings_are_counted_listed_and_a_re_import_says_it_added_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = str(tmp_path / "p.sqlite")
    assert run(["import", str(FIRST), "--project", project]) == 0
    _, err = capsys.readouterr()  # the summary is a message: stderr, like the warnings
    assert "merged" in err and "14 annotations added" in err and "1 warning" in err
    assert "warning: avalon_plan.txt: selection 12 (Oskar Veld, Economy & trade) crosses" in err
    assert run(["import", str(SECOND), "--project", project]) == 0
    _, err = capsys.readouterr()
    assert "already in the project, nothing added" in err


def test_json_output_carries_counts_and_warnings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = FIXTURES / "03_cyrillic_emoji_utf16_positions.qdpx"
    assert run(["import", str(path), "--project", str(tmp_path / "p.sqlite"), "--json"]) == 0
    out, err = capsys.readouterr()
    report = json.loads(out)
    (entry,) = report["files"]
    assert report["failures"] == 0 and err == ""
    assert entry["kind"] == "qdpx" and entry["counts"]["annotations_added"] == 11
    assert any("9 of 10 selections corrected: UTF-16" in w for w in entry["warnings"])


def tree(project_path: Path) -> list[tuple[str, str | None, bool, str, str]]:
    with Project.open(project_path, seed_samples=False, create=False) as project:
        cats = project.categories(include_retired=True)
    names = {c.key: c.name for c in cats}
    return sorted(
        (c.name, names.get(c.parent or ""), c.codable, c.color, c.description) for c in cats
    )


@pytest.mark.parametrize("name", ["Codebook.qdc", "codebook-given-as-plan.txt"])
def test_a_qdc_is_imported_as_a_codebook_whatever_its_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    qdc = tmp_path / name
    shutil.copy(FIXTURES / "05_codebook.qdc", qdc)
    project = tmp_path / "p.sqlite"
    assert run(["import", str(qdc), "--project", str(project)]) == 0
    assert "codebook imported" in capsys.readouterr().err
    expected = json.loads((FIXTURES / "05_codebook.expected.json").read_text("utf-8"))
    got = {(n, p, c) for n, p, c, _col, _d in tree(project)}
    for code in expected["codebook"]:
        assert (code["code"], code["parent"], code["codable"]) in got
    with Project.open(project, seed_samples=False, create=False) as opened:
        assert opened.documents() == []  # not a plan text
    # Importing it again adds no second "Security guarantee".
    assert run(["import", str(qdc), "--project", str(project)]) == 0
    assert "already in the project" in capsys.readouterr().err
    names = [n for n, *_ in tree(project)]
    assert len(names) == len(set(names))


def test_the_qualcoder_codebook_meets_the_project_export_without_doubling(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "p.sqlite"
    assert run(["import", str(FIRST), "--project", str(project)]) == 0
    before = tree(project)
    assert run(["import", str(FIXTURES / "05_codebook.qdc"), "--project", str(project)]) == 0
    assert tree(project) == before


def test_a_renamed_qdpx_and_exchange_file_are_recognised(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = str(tmp_path / "p.sqlite")
    renamed = tmp_path / "plan.txt"
    shutil.copy(FIRST, renamed)
    assert run(["import", str(renamed), "--project", project]) == 0
    assert "merged" in capsys.readouterr().err
    exchange = tmp_path / "export.txt"
    assert run(["export", "--format", "exchange", "-o", str(exchange), "--project", project]) == 0
    capsys.readouterr()
    assert run(["import", str(exchange), "--project", str(tmp_path / "q.sqlite")]) == 0
    assert "14 annotations added" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "is a Plan Annotator project"),
        (b"PK\x03\x04" + b"\0" * 40, "not a readable zip archive"),
        (FIRST.read_bytes()[:2000], "not a readable zip archive"),
    ],
)
def test_wrong_and_broken_files_are_one_line_errors_that_change_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes | None, message: str
) -> None:
    project = tmp_path / "p.sqlite"
    assert run(["import", str(FIRST), "--project", str(project)]) == 0
    capsys.readouterr()
    bad = tmp_path / "bad.qdpx"
    if content is None:
        with Project.open(tmp_path / "other.sqlite", seed_samples=False):
            pass
        bad = tmp_path / "other.sqlite"
    else:
        bad.write_bytes(content)
    before = project.read_bytes()
    assert run(["import", str(bad), "--project", str(project)]) == 2
    out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"annotator import: {bad}") and message in err
    assert "Traceback" not in err and out == ""
    assert tree(project) and project.read_bytes() == before
