"""``annotator codebook FILE`` and ``annotator codebook convert IN OUT``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.cli.main import run
from annotator.core.codebook import codebook_from_json, default_codebook
from annotator.core.qdc import codebook_from_qdc

ROOT = Path(__file__).parents[2]
CODEBOOK = ROOT / "resources" / "codebook.json"
FIXTURE = ROOT / "tests" / "fixtures" / "exchange_small.json"


def test_show_json_codebook(capsys):
    assert run(["codebook", str(CODEBOOK)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        "1 #2f6fb0 Security guarantee [security_guarantee]",
        "2 #b5572a Territorial [territorial]",
        "3 #3d8b47 Economic [economic]",
        "4 #8a3fa0 Military cap [military_cap]",
    ]


def test_show_the_codebook_of_an_exchange_file_as_a_tree(capsys):
    assert run(["codebook", str(FIXTURE)]) == 0
    out = capsys.readouterr().out
    assert "#3d8b47 Economic [economic]\n" in out and "#c03030   Sanctions [sanctions]\n" in out


def test_convert_json_to_qdc_and_back(tmp_path, capsys):
    qdc, back = tmp_path / "c.qdc", tmp_path / "back.json"
    assert run(["codebook", "convert", str(CODEBOOK), str(qdc)]) == 0
    assert [c.key for c in codebook_from_qdc(qdc.read_bytes())] == [
        c.key for c in default_codebook()
    ]
    assert run(["codebook", "convert", str(qdc), str(back)]) == 0
    assert codebook_from_json(json.loads(back.read_text("utf-8"))) == default_codebook()
    assert run(["codebook", str(qdc), "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["format"] == "plan-codebook" and len(shown["categories"]) == 4


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["codebook", "convert", "a.json"], "usage: annotator codebook convert IN OUT"),
        (["codebook", "a.json", "b.json"], "usage"),
        (["codebook", "notes.txt"], "expected a .json or .qdc file"),
        (["codebook", "missing.qdc"], "missing.qdc: cannot read"),
    ],
)
def test_usage_errors(args, message, capsys):
    assert run(args) == 2
    assert message in capsys.readouterr().err


def test_hostile_qdc_is_one_line_error(tmp_path, capsys):
    evil = tmp_path / "evil.qdc"
    evil.write_text(
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"/>',
        "utf-8",
    )
    assert run(["codebook", str(evil)]) == 2
    err = capsys.readouterr().err
    assert "evil.qdc" in err and "DTDs and entities" in err and err.count("\n") == 1


def test_bad_output_suffix(tmp_path, capsys):
    assert run(["codebook", "convert", str(CODEBOOK), str(tmp_path / "x.xml")]) == 2
    assert "expected a .json or .qdc output" in capsys.readouterr().err
