"""``annotator merge FILE... -o OUT [--json]`` (Contract 4)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from annotator.cli.main import run
from annotator.core.exchange import dump_exchange
from annotator.core.merge import merge_documents
from tests.core.exchange_strategies import CODER, small_exchange

SCHEMA_FILE = Path(__file__).parents[2] / "resources/schema/plan-annotations-v1.schema.json"
Doc = dict[str, Any]


def write(path: Path, doc: Any) -> Path:
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=2), "utf-8")
    return path


def changed(change: Callable[[Doc], None]) -> Doc:
    doc = small_exchange()
    change(doc)
    return doc


@pytest.fixture
def two_files(tmp_path: Path) -> tuple[Path, Path]:
    a = write(tmp_path / "olena.json", small_exchange())

    def edit(doc: Doc) -> None:
        doc["coders"][0]["name"] = "Olena K."  # a coder conflict
        doc["annotations"][0].update(deleted=True, updated="2026-01-06T00:00:00Z")

    b = write(tmp_path / "marek.json", changed(edit))
    return a, b


def test_merge_writes_the_canonical_merge(
    two_files: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = two_files
    out = tmp_path / "team.json"
    assert run(["merge", str(a), str(b), "-o", str(out)]) == 0
    docs = [json.loads(p.read_text("utf-8")) for p in (a, b)]
    expected = merge_documents(docs, [str(a), str(b)])
    assert out.read_bytes() == dump_exchange(expected.document)
    schema = json.loads(SCHEMA_FILE.read_text("utf-8"))
    jsonschema.Draft202012Validator(schema).validate(json.loads(out.read_bytes()))
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "merged 2 files" in captured.err and "1 deleted" in captured.err
    assert f"conflict: coder {CODER}" in captured.err
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp left


def test_order_of_files_does_not_matter(two_files: tuple[Path, Path], tmp_path: Path) -> None:
    a, b = two_files
    assert run(["merge", str(a), str(b), "-o", str(tmp_path / "1.json")]) == 0
    assert run(["merge", str(b), str(a), str(a), "-o", str(tmp_path / "2.json")]) == 0
    assert (tmp_path / "1.json").read_bytes() == (tmp_path / "2.json").read_bytes()


def test_json_report(
    two_files: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = two_files
    out = tmp_path / "team.json"
    assert run(["merge", str(a), str(b), "-o", str(out), "--json"]) == 0
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    assert captured.err == ""
    assert set(report) == {"output", "inputs", "counts", "conflicts"}
    assert report["output"] == str(out)
    assert report["inputs"] == [str(a), str(b)]
    assert report["counts"]["annotations"] == 2
    assert report["counts"]["deleted"] == 1
    assert report["counts"]["superseded"] == 1
    assert report["counts"]["conflicts"] == 1
    (conflict,) = report["conflicts"]
    assert conflict["kind"] == "coder"
    assert conflict["id"] == CODER
    assert conflict["sources"] == sorted([str(a), str(b)])
    assert set(conflict) == {"kind", "id", "sources", "resolution", "detail"}


@pytest.mark.parametrize(
    ("content", "where"),
    [
        (b"{not json", "line 1, column 2"),
        (json.dumps({**small_exchange(), "version": 2}).encode(), "$.version"),
        (
            json.dumps(changed(lambda d: d["annotations"][1].update(category="nato"))).encode(),
            "$.annotations[1].category",
        ),
    ],
)
def test_an_invalid_input_changes_nothing(
    two_files: tuple[Path, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: bytes,
    where: str,
) -> None:
    a, _ = two_files
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    out = tmp_path / "team.json"
    out.write_bytes(b"previous merge\n")
    assert run(["merge", str(a), str(bad), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith(f"annotator merge: bad.json: {where}: ")
    assert out.read_bytes() == b"previous merge\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "bad.json",
        "marek.json",
        "olena.json",
        "team.json",
    ]


def test_output_may_be_one_of_the_inputs(two_files: tuple[Path, Path], tmp_path: Path) -> None:
    a, b = two_files
    expected = tmp_path / "expected.json"
    assert run(["merge", str(a), str(b), "-o", str(expected)]) == 0
    assert run(["merge", str(a), str(b), "-o", str(a)]) == 0
    assert a.read_bytes() == expected.read_bytes()


def test_missing_output_folder(two_files: tuple[Path, Path], tmp_path: Path) -> None:
    a, b = two_files
    assert run(["merge", str(a), str(b), "-o", str(tmp_path / "no" / "out.json")]) == 2


def test_missing_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["merge", str(tmp_path / "gone.json"), "-o", str(tmp_path / "o.json")]) == 2
    assert "gone.json" in capsys.readouterr().err
    assert not (tmp_path / "o.json").exists()


def test_entry_point_gives_no_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "plan-annotations", "version": 1', "utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "annotator", "merge", str(bad), "-o", str(tmp_path / "o.json")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "bad.json" in done.stderr and "truncated" in done.stderr
