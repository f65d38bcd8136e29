"""``annotator compare`` on exchange files."""

from __future__ import annotations

import csv
import io
import json
import sys
import types
from pathlib import Path

import pytest

from annotator.cli.main import run

FIXTURE = Path(__file__).parents[1] / "fixtures" / "exchange_small.json"
OLENA = "0b6a2f3e-1c4d-4e5f-8a9b-0c1d2e3f4a51"


def test_table(capsys):
    assert run(["compare", str(FIXTURE)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["category", "28-point", "draft", "19-point", "revision"]
    assert out[2].split() == ["Security", "guarantee", "2", "(40%)", "1", "(33%)"]


def test_json_output(capsys):
    assert run(["compare", str(FIXTURE), "--json", "--rule", "majority"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["rule"] == "majority"
    draft = data["plans"][0]["key"]
    counts = {c["key"]: c["counts"][draft] for c in data["categories"]}
    assert counts == {
        "security_guarantee": 1,
        "territorial": 0,
        "economic": 1,
        "military_cap": 1,
        "sanctions": 0,
    }


def test_csv_output_for_one_coder(capsys):
    assert run(["compare", str(FIXTURE), "--csv", "--coder", OLENA, "--rule", "coder"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == 5
    assert sum(int(v) for r in rows for k, v in r.items() if k.endswith(" n")) == 6
    assert "28-point draft n" in rows[0]  # plans are named by title, not by a 64-digit key


def test_csv_keys_names_columns_by_document_key(capsys):
    assert run(["compare", str(FIXTURE), "--csv", "--keys"]) == 0
    header = capsys.readouterr().out.splitlines()[0].split(",")
    assert all(len(h.split("_")[0]) == 64 for h in header[2:])


def test_several_files_are_combined(tmp_path, capsys):
    ex = json.loads(FIXTURE.read_text("utf-8"))
    parts = []
    for i, coder in enumerate(c["id"] for c in ex["coders"]):
        part = dict(
            ex,
            annotations=[a for a in ex["annotations"] if a["coder"] == coder],
            reviews=[r for r in ex["reviews"] if r["coder"] == coder],
        )
        path = tmp_path / f"coder{i}.json"
        path.write_text(json.dumps(part), "utf-8")
        parts.append(str(path))
    assert run(["compare", "--json", *parts]) == 0
    combined = json.loads(capsys.readouterr().out)
    assert run(["compare", "--json", str(FIXTURE)]) == 0
    single = json.loads(capsys.readouterr().out)
    # the merge puts categories in canonical (key) order; the numbers must not change
    by_key = lambda d: {c["key"]: c for c in d.pop("categories")}  # noqa: E731
    assert by_key(combined) == by_key(single)
    assert combined == single


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["compare"], "give one or more exchange files"),
        (["compare", "--project", "absent.sqlite"], "no such project"),
        (["compare", "missing.json"], "missing.json: cannot read"),
        (["compare", str(FIXTURE), "--rule", "coder"], "needs a coder"),
    ],
)
def test_errors_are_one_line(args, message, capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    assert run(args) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_project_goes_through_the_service(monkeypatch, capsys):
    calls = []

    def export_exchange_dict(path):
        calls.append(path)
        return json.loads(FIXTURE.read_text("utf-8"))

    fake = types.ModuleType("annotator.services.exchange")
    fake.export_exchange_dict = export_exchange_dict
    monkeypatch.setitem(sys.modules, "annotator.services.exchange", fake)
    assert run(["compare", "--project", "team.sqlite", "--json"]) == 0
    assert calls == ["team.sqlite"]
    assert len(json.loads(capsys.readouterr().out)["plans"]) == 2


def test_bad_json_and_wrong_format(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "plan-annotations",\n oops}', "utf-8")
    assert run(["compare", str(bad)]) == 2
    assert "bad.json: line 2, column 2: not valid JSON" in capsys.readouterr().err
    other = tmp_path / "other.json"
    other.write_text('{"format": "something"}', "utf-8")
    assert run(["compare", str(other)]) == 2
    assert "other.json" in capsys.readouterr().err
    broken = json.loads(FIXTURE.read_text("utf-8"))
    broken["annotations"][3]["category"] = "nope"
    other.write_text(json.dumps(broken), "utf-8")
    assert run(["compare", str(other)]) == 2
    err = capsys.readouterr().err
    assert "other.json" in err and "annotations[3]" in err and "nope" in err
