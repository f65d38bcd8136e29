"""Plan files that are not what their names say, through ``annotator import``: one line on
stderr naming the file and its problem, exit 2, the project unchanged, never a traceback. A page
full of scripts, styles and frames imports only its visible text."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from annotator.cli.main import run
from annotator.core.readers import read_plan
from tests.helpers import hostile_plans

NAMES = [
    "notes-archive.docx", "saved-as-odt.docx", "bomb.docx", "laughs.docx", "scan.pdf", "locked.pdf",
    "html-named.pdf", "empty.txt", "bom-only.txt", "photo.txt", "nuls.txt", "broken-utf8.txt",
    "big.txt",
]  # fmt: skip


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, tuple[Path, str]]]:
    yield hostile_plans.build(tmp_path_factory.mktemp("hostile"))


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("project")
    plan = folder / "framework.txt"
    plan.write_text("1. The ceasefire holds.\n2. Monitors are deployed.\n", encoding="utf-8")
    path = folder / "p.sqlite"
    assert run(["import", str(plan), "--project", str(path)]) == 0
    return path


def _state(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_every_hostile_file_is_built(hostile: dict[str, tuple[Path, str]]) -> None:
    assert sorted(hostile) == sorted(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_import_refuses_in_one_line_naming_file_and_problem(
    name: str,
    hostile: dict[str, tuple[Path, str]],
    project: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path, problem = hostile[name]
    before = _state(project.parent)
    capsys.readouterr()
    code = run(["import", str(path), "--project", str(project)])
    err = capsys.readouterr().err
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert str(path) in lines[0] and problem in lines[0], lines[0]
    assert "Traceback" not in err
    assert _state(project.parent) == before


def test_each_file_is_its_own_transaction(
    hostile: dict[str, tuple[Path, str]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The good file goes in, the hostile one after it adds nothing, and the exit says so."""
    from annotator.services.project import Project

    good = tmp_path / "good.txt"
    good.write_text("1. A new plan.\n2. Its second point.\n", encoding="utf-8")
    path = tmp_path / "p.sqlite"
    bad = str(hostile["bomb.docx"][0])
    assert run(["import", str(good), bad, "--project", str(path)]) == 2
    assert "zip bomb" in capsys.readouterr().err
    with Project.open(path, seed_samples=False) as project:
        assert [d.title for d in project.documents()] == ["good"]


def test_a_page_with_scripts_styles_and_frames_imports_its_visible_text(tmp_path: Path) -> None:
    path = hostile_plans.build_accepted(tmp_path)
    text = read_plan(path).text
    assert text == "1. A visible point.\n\n2. Another."
    project = tmp_path / "p.sqlite"
    assert run(["import", str(path), "--project", str(project)]) == 0


def test_an_external_entity_in_a_docx_reads_nothing_from_the_disk(tmp_path: Path) -> None:
    path = hostile_plans.build_external_entity(tmp_path)
    assert read_plan(path).text == "1. A point."
