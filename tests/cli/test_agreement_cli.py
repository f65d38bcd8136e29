"""``annotator agreement`` on reliability tables and exchange files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.cli.main import run
from annotator.core.agreement import TABLE_KEYS
from annotator.core.agreement.report import METRICS
from tests.core.test_agreement_units import EXCHANGE

KRIPPENDORFF_2011 = """\
A,B,C,D
1,1,,1
2,2,3,2
3,3,3,3
3,3,3,3
2,2,2,2
1,2,3,4
4,4,4,4
1,1,2,1
2,2,2,2
,5,5,5
,,1,1
,3,,
"""


@pytest.fixture
def table(tmp_path: Path) -> Path:
    path = tmp_path / "reliability.csv"
    path.write_text(KRIPPENDORFF_2011, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("level", "alpha"),
    [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)],
)
def test_table_json(
    table: Path, level: str, alpha: float, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["agreement", "--table", str(table), "--level", level, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert list(report) == list(TABLE_KEYS)
    assert report["units"] == 12 and report["coders"] == ["A", "B", "C", "D"]
    assert report["level"] == level
    assert report["krippendorff_alpha"] == pytest.approx(alpha, abs=5e-4)
    assert report["fleiss_kappa"] == pytest.approx(0.76117, abs=5e-6)
    assert report["cohen_kappa"] is None and "cohen_kappa" in report["undefined"]
    assert report["scott_pi"] is None and "scott_pi" in report["undefined"]
    assert len(report["pairs"]) == 6
    assert set(report["pairs"][0]) == {"coders", "cohen_kappa", "units"}
    assert report["pairs"][0]["coders"] == ["A", "B"] and report["pairs"][0]["units"] == 9


@pytest.mark.parametrize("level", ["nominal", "interval", "masi"])
@pytest.mark.parametrize(
    "metrics", [["alpha"], ["percent"], ["fleiss", "ac1"], ["cohen"], ["scott"], ["cohen", "alpha"]]
)
def test_one_metric_gives_the_same_values_as_the_full_report(
    table: Path, level: str, metrics: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["agreement", "--table", str(table), "--level", level, "--json"]) == 0
    full = json.loads(capsys.readouterr().out)
    flags = [arg for m in metrics for arg in ("--metric", m)]
    assert run(["agreement", "--table", str(table), "--level", level, "--json", *flags]) == 0
    some = json.loads(capsys.readouterr().out)
    asked = {METRICS[m] for m in metrics} | ({"pairs"} if "cohen" in metrics else set())
    assert list(some) == [
        k
        for k in TABLE_KEYS
        if k in asked | {"units", "pairable_units", "coders", "level", "undefined"}
    ]
    for key in asked:
        assert some[key] == full[key]
    assert some["undefined"] == {
        k: v for k, v in full["undefined"].items() if k.split("[")[0] in asked
    }
    assert run(["agreement", "--table", str(table), "--level", level, *flags]) == 0
    shown = capsys.readouterr().out
    assert ("Krippendorff's alpha" in shown) == ("alpha" in metrics)
    assert ("Fleiss' kappa" in shown) == ("fleiss" in metrics)


def test_metric_is_for_tables_only(table: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["agreement", "x.json", "--metric", "alpha"]) == 2
    assert "--metric" in capsys.readouterr().err
    with pytest.raises(SystemExit) as info:  # argparse's usage error
        run(["agreement", "--table", str(table), "--metric", "kappa"])
    assert info.value.code == 2
    assert "invalid choice: 'kappa'" in capsys.readouterr().err


def test_table_two_coders_and_text_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "two.csv"
    path.write_text("A,B\n" + "y,y\n" * 20 + "y,n\n" * 5 + "n,y\n" * 10 + "n,n\n" * 15, "utf-8")
    assert run(["agreement", "--table", str(path), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["cohen_kappa"] == pytest.approx(0.4)
    assert report["scott_pi"] is not None and report["undefined"] == {}
    assert run(["agreement", "--table", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Cohen's kappa" in out and "0.400" in out


def test_table_masi(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "sets.csv"
    path.write_text("A,B,C\na,a,a|b\nb,b,b\n-,-,a\n", "utf-8")
    assert run(["agreement", "--table", str(path), "--level", "masi", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert list(report) == list(TABLE_KEYS) and report["level"] == "masi"
    assert report["krippendorff_alpha"] is not None
    assert report["fleiss_kappa"] is None and report["undefined"]["fleiss_kappa"]


def test_undefined_table_is_not_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "same.csv"
    path.write_text("A,B\n1,1\n1,1\n", "utf-8")
    assert run(["agreement", "--table", str(path), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["krippendorff_alpha"] is None
    assert "variation" in report["undefined"]["krippendorff_alpha"]


@pytest.mark.parametrize(
    ("content", "level", "fragment"),
    [
        (b"A,B\n1,2\n3\n", "nominal", "line 3"),
        (b"A,B\n1,x\n", "interval", "line 2"),
        (b"", "nominal", "no header"),
        (b"A\n1\n", "nominal", "two coder"),
        (b"A,B\n\xff\xfe,1\n", "nominal", "not UTF-8"),
    ],
)
def test_bad_table_is_one_line_on_stderr(
    tmp_path: Path, content: bytes, level: str, fragment: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    assert run(["agreement", "--table", str(path), "--level", level]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "bad.csv" in err and fragment in err


def test_exchange_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "olena.json"
    path.write_text(json.dumps(EXCHANGE), "utf-8")
    args = ["agreement", str(path), "--json", "--bootstrap", "100", "--seed", "7"]
    assert run(args) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["units"] == 4 and report["coders"] == ["Bohdan", "Olena"]
    assert report["overall"]["krippendorff_alpha_masi"] == pytest.approx(4 / 34)
    assert report["overall"]["krippendorff_alpha_masi_ci"]["seed"] == 7
    assert run(args) == 0
    assert json.loads(capsys.readouterr().out) == report
    assert run(["agreement", str(path), "--category", "security", "--bootstrap", "0"]) == 0
    out = capsys.readouterr().out
    assert "security" in out and "territorial" not in out


def test_usage_errors(tmp_path: Path, table: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "x.json"
    path.write_text("{not json", "utf-8")
    assert run(["agreement", str(path)]) == 2
    assert "x.json" in capsys.readouterr().err
    assert run(["agreement"]) == 2
    assert run(["agreement", str(table), "--table", str(table)]) == 2
    assert run(["agreement", str(path), "--level", "ordinal"]) == 2
    good = tmp_path / "good.json"
    good.write_text(json.dumps(EXCHANGE), "utf-8")
    assert run(["agreement", str(good), "--coder", "nobody"]) == 2
    assert "nobody" in capsys.readouterr().err


def test_several_files_are_merged_first(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    by_coder = []
    for coder in EXCHANGE["coders"]:
        part = dict(EXCHANGE, coders=[coder])
        part["annotations"] = [a for a in EXCHANGE["annotations"] if a["coder"] == coder["id"]]
        part["reviews"] = [r for r in EXCHANGE["reviews"] if r["coder"] == coder["id"]]
        path = tmp_path / f"{coder['name']}.json"
        path.write_text(json.dumps(part), "utf-8")
        by_coder.append(str(path))
    whole = tmp_path / "whole.json"
    whole.write_text(json.dumps(EXCHANGE), "utf-8")
    assert run(["agreement", "--json", "--bootstrap", "20", *by_coder]) == 0
    merged = json.loads(capsys.readouterr().out)
    assert run(["agreement", "--json", "--bootstrap", "20", str(whole)]) == 0
    assert merged == json.loads(capsys.readouterr().out)


def test_report_files_match_the_agreement_window(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--html/--csv/--svg write what the GUI's agreement window exports, from the same core."""
    from annotator.core.agreement import agreement_report
    from annotator.core.agreement.render import report_csv

    path = tmp_path / "team.json"
    path.write_text(json.dumps(EXCHANGE), "utf-8")
    html, csv_, svg = tmp_path / "a.html", tmp_path / "a.csv", tmp_path / "a.svg"
    args = ["agreement", str(path), "--bootstrap", "0", "--html", str(html)]
    assert run([*args, "--csv", str(csv_), "--svg", str(svg), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    page = html.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "Inter-coder agreement" in page
    assert f"{report['units']} clauses" in page and "<svg" in page
    names = {c["key"]: c["name"] for c in EXCHANGE["codebook"]["categories"]}
    expected = agreement_report(EXCHANGE, bootstrap=0, source=str(path))
    assert csv_.read_text(encoding="utf-8") == report_csv(expected, names)
    assert svg.read_text(encoding="utf-8").startswith("<svg")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv", "a.html", "a.svg", "team.json"]


def test_report_files_refused_with_a_table(
    table: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "a.html"
    assert run(["agreement", "--table", str(table), "--html", str(out)]) == 2
    assert "--html" in capsys.readouterr().err and not out.exists()
