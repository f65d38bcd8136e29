"""``annotator segment`` through the dispatcher."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.cli.main import run
from annotator.core.text import document_key, normalise

SAMPLES = Path(__file__).resolve().parents[2] / "resources" / "samples"


def test_text_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["segment", str(SAMPLES / "framework-20-point.txt")]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 23  # heading, preamble, 20 points, then one note
    assert (
        out[-1] == "note: points 8, 13 run on from the line before (line breaks lost in the copy?)"
    )
    assert out[0].split()[:2] == ["H1", "0-48"]
    label, span, preview = out[2].split(maxsplit=2)
    assert (label, span) == ("1", "475-643")
    assert preview.startswith("1. A complete ceasefire") and len(preview) == 70


def test_json_output(capsys: pytest.CaptureFixture[str]) -> None:
    path = SAMPLES / "counter-24-point-uk.txt"
    assert run(["segment", str(path), "--json"]) == 0
    out = capsys.readouterr().out
    payload = json.loads(out)  # exactly one JSON object
    text = normalise(path.read_text("utf-8"))
    assert set(payload) == {"document", "title", "clauses", "notes", "note_kinds"}
    assert payload["notes"] == [] and payload["note_kinds"] == []
    assert payload["document"] == document_key(text)
    assert payload["title"] == "КОНТРПРОПОЗИЦІЯ З 24 ПУНКТІВ (СИНТЕТИЧНИЙ ЗРАЗОК)"
    assert "КОНТР" in out  # ensure_ascii=False
    clauses = payload["clauses"]
    assert sum(c["kind"] == "point" for c in clauses) == 24
    for c in clauses:
        assert set(c) == {"label", "start", "end", "kind", "text"}
        assert text[c["start"] : c["end"]] == c["text"]
    assert [c["label"] for c in clauses if c["label"].startswith("4")] == ["4", "4.а", "4.б", "4.в"]


@pytest.mark.parametrize("name", ["missing.txt", ""])
def test_bad_file_is_one_line_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str
) -> None:
    path = tmp_path / name if name else tmp_path  # a missing file, then a directory
    assert run(["segment", str(path), "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"annotator segment: {path}: ")
    assert "Traceback" not in captured.err


def test_corrupt_docx_is_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "broken.docx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    assert run(["segment", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not a readable .docx" in err


def test_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        run(["segment", "--help"])
    assert info.value.code == 0
    assert "--json" in capsys.readouterr().out
