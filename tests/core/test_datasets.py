"""Dataset writers: parse the output back and compare with counts made here from the dict."""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest

from annotator import __version__
from annotator.core import datasets
from annotator.core.datasets import (
    LONG_COLUMNS,
    write_long_csv,
    write_plans_csv,
    write_wide_csv,
    write_xlsx,
)
from annotator.core.errors import InputError

FIXTURE = Path(__file__).parents[1] / "fixtures" / "exchange_small.json"
CONSENSUS = "2d8c4b5a-3e6f-4071-acbd-2e3f4a5b6c73"
OLENA = "0b6a2f3e-1c4d-4e5f-8a9b-0c1d2e3f4a51"


@pytest.fixture
def ex() -> dict:
    return json.loads(FIXTURE.read_text("utf-8"))


def csv_rows(writer, ex, **kw) -> list[dict[str, str]]:
    buf = io.StringIO(newline="")
    n = writer(ex, buf, **kw)
    rows = list(csv.DictReader(io.StringIO(buf.getvalue(), newline="")))
    assert n == len(rows)
    return rows


def live(ex, coders=None):
    return [
        a
        for a in ex["annotations"]
        if not a["deleted"] and (coders is None or a["coder"] in coders)
    ]


def test_long_csv_has_one_row_per_live_annotation(ex):
    rows = csv_rows(write_long_csv, ex)
    assert list(rows[0]) == list(LONG_COLUMNS)
    assert len(rows) == len(live(ex)) == 17
    got = {
        (
            r["coder_id"],
            r["document_key"],
            int(r["clause_start"]),
            int(r["clause_end"]),
            r["category_key"],
            r["span_start"],
            r["span_end"],
        )
        for r in rows
    }
    want = {
        (
            a["coder"],
            a["document"],
            *a["clause"],
            a["category"],
            *(map(str, a["span"]) if a["span"] else ("", "")),
        )
        for a in live(ex)
    }
    assert got == want


def test_long_csv_values_and_offsets_are_code_points(ex):
    rows = csv_rows(write_long_csv, ex)
    docs = {d["key"]: d for d in ex["documents"]}
    for r in rows:
        text = docs[r["document_key"]]["text"]
        assert r["clause_text"] == text[int(r["clause_start"]) : int(r["clause_end"])]
    span = next(r for r in rows if r["coder_name"] == "Marek" and r["category_key"] == "economic")
    text = docs[span["document_key"]]["text"]
    assert text[int(span["span_start"]) : int(span["span_end"])] == "reconstruction \U0001f3d7"
    memo = next(r for r in rows if r["category_key"] == "sanctions" and r["coder_name"] == "Marek")
    assert memo["memo"] == 'lifted, in stages; "phased"'
    # plans come by date: the 28-point draft (2025-11-20) before the 19-point revision
    assert rows[0]["document_title"] == "28-point draft"
    assert rows[-1]["document_title"] == "19-point revision"


def test_long_csv_is_rfc4180_and_reproducible(ex):
    a, b = io.StringIO(newline=""), io.StringIO(newline="")
    write_long_csv(ex, a)
    ex["annotations"].reverse()  # input order must not matter
    write_long_csv(ex, b)
    assert a.getvalue() == b.getvalue()
    assert a.getvalue().count("\r\n") == 18 and "\n" not in a.getvalue().replace("\r\n", "")
    assert (
        '"3. A joint fund for reconstruction \U0001f3d7 shall be created, with ""frozen assets""."'
        in a.getvalue()
    )


def test_bom_only_on_request(ex):
    plain, bom = io.StringIO(newline=""), io.StringIO(newline="")
    write_long_csv(ex, plain)
    write_long_csv(ex, bom, bom=True)
    assert not plain.getvalue().startswith("\ufeff")
    assert bom.getvalue() == "\ufeff" + plain.getvalue()


def test_long_csv_for_one_coder_and_for_consensus(ex):
    assert len(csv_rows(write_long_csv, ex, coder=OLENA)) == len(live(ex, {OLENA})) == 6
    rows = csv_rows(write_long_csv, ex, consensus=True)
    assert {r["coder_name"] for r in rows} == {"Consensus"}
    assert len(rows) == len(live(ex, {CONSENSUS})) == 5
    with pytest.raises(InputError):
        write_long_csv(ex, io.StringIO(), coder="nobody")
    with pytest.raises(InputError):
        write_long_csv(ex, io.StringIO(), coder=OLENA, consensus=True)


def expected_wide(ex, coders):
    applied = defaultdict(set)
    reviewed = defaultdict(set)
    for a in live(ex, coders):
        clause = (a["document"], *a["clause"])
        applied[(*clause, a["category"])].add(a["coder"])
        reviewed[clause].add(a["coder"])
    for r in ex["reviews"]:
        if r["coder"] in coders:
            reviewed[(r["document"], *r["clause"])].add(r["coder"])
    return applied, reviewed


def test_wide_csv_counts_coders_per_clause(ex):
    rows = csv_rows(write_wide_csv, ex)
    coders = {OLENA, "1c7b3a4f-2d5e-4f60-9bac-1d2e3f4a5b62"}  # all but the consensus coder
    applied, reviewed = expected_wide(ex, coders)
    keys = [c["key"] for c in ex["codebook"]["categories"]]
    assert list(rows[0])[7:] == keys
    assert len(rows) == sum(len(d["clauses"]) for d in ex["documents"])
    for r in rows:
        clause = (r["document_key"], int(r["clause_start"]), int(r["clause_end"]))
        assert int(r["coders_reviewed"]) == len(reviewed[clause])
        for k in keys:
            assert int(r[k]) == len(applied[(*clause, k)]), (clause, k)
    # the tombstoned territorial tag of clause 4 does not count
    four = next(r for r in rows if r["clause_label"] == "4")
    assert four["territorial"] == "1"


def test_wide_csv_is_zero_one_for_consensus(ex):
    rows = csv_rows(write_wide_csv, ex, consensus=True)
    keys = [c["key"] for c in ex["codebook"]["categories"]]
    values = {r[k] for r in rows for k in keys}
    assert values == {"0", "1"}
    applied, _ = expected_wide(ex, {CONSENSUS})
    assert sum(int(r[k]) for r in rows for k in keys) == len(applied)


def test_plans_csv_counts_and_shares(ex):
    rows = csv_rows(write_plans_csv, ex)
    coders = {OLENA, "1c7b3a4f-2d5e-4f60-9bac-1d2e3f4a5b62"}
    applied, reviewed = expected_wide(ex, coders)
    keys = [c["key"] for c in ex["codebook"]["categories"]]
    assert [r["title"] for r in rows] == ["28-point draft", "19-point revision"]
    for r in rows:
        doc = next(d for d in ex["documents"] if d["key"] == r["document_key"])
        n_clauses = len(doc["clauses"])
        assert int(r["clauses"]) == n_clauses
        # Coded as the GUI counts it: tagged, or reviewed (a "none applies" clause is coded).
        coded = {
            (c["start"], c["end"])
            for c in doc["clauses"]
            if reviewed.get((doc["key"], c["start"], c["end"]))
        }
        assert int(r["coded_clauses"]) == len(coded)
        for k in keys:
            n = sum(1 for c in doc["clauses"] if applied.get((doc["key"], c["start"], c["end"], k)))
            assert int(r[f"{k}_n"]) == n
            assert float(r[f"{k}_share"]) == pytest.approx(n / n_clauses, abs=1e-6)
    assert rows[1]["revises"] == rows[0]["document_key"]
    assert rows[0]["language"] == "en" and rows[1]["party"] == "US–UA"


def test_plans_csv_without_meta_has_no_meta_columns(ex):
    for d in ex["documents"]:
        d.pop("meta")
    rows = csv_rows(write_plans_csv, ex)
    assert "date" not in rows[0]
    assert [r["title"] for r in rows] == ["19-point revision", "28-point draft"]  # by title


def test_xlsx_sheets_match_the_csv_counts(ex, tmp_path):
    path = tmp_path / "out.xlsx"
    with path.open("wb") as fh:
        counts = write_xlsx(ex, fh, fixed_time=datetime(2026, 2, 1, 12, 0, tzinfo=UTC))
    wb = openpyxl.load_workbook(path, read_only=True)
    assert wb.sheetnames == ["long", "wide", "plans", "codebook", "provenance"]
    sheets = {name: list(wb[name].iter_rows(values_only=True)) for name in wb.sheetnames}
    assert counts == {name: len(rows) - 1 for name, rows in sheets.items()}
    assert sheets["long"][0] == LONG_COLUMNS
    assert len(sheets["long"]) - 1 == len(live(ex))
    assert len(sheets["wide"]) - 1 == 8 and len(sheets["plans"]) - 1 == 2
    prov = {row[0]: row[1] for row in sheets["provenance"][1:]}
    assert prov["version"] == __version__
    assert prov["exported"] == "2026-02-01T12:00:00Z"
    assert sum(1 for row in sheets["provenance"] if row[0] == "coder") == 3
    assert [r[0] for r in sheets["codebook"][1:]] == [
        c["key"] for c in ex["codebook"]["categories"]
    ]
    # numbers stay numbers
    assert isinstance(sheets["long"][1][3], int)
    wb.close()


def test_xlsx_is_byte_identical_with_a_fixed_time(ex, monkeypatch):
    import openpyxl.writer.excel as excel

    class Clock:
        calls = 0

        @classmethod
        def now(cls, tz=None):
            cls.calls += 1
            return datetime(2030, 1, 1, 0, 0, cls.calls, tzinfo=tz)

    class FakeDatetime:
        datetime = Clock
        timezone = __import__("datetime").timezone

    monkeypatch.setattr(excel, "datetime", FakeDatetime)  # openpyxl stamps "modified" with now()
    fixed = datetime(2026, 2, 1, 12, 0, tzinfo=UTC)
    a, b = io.BytesIO(), io.BytesIO()
    write_xlsx(ex, a, fixed_time=fixed)
    write_xlsx(ex, b, fixed_time=fixed)
    assert Clock.calls == 2
    assert a.getvalue() == b.getvalue()


def test_xlsx_refuses_more_rows_than_excel_holds(ex, monkeypatch):
    monkeypatch.setattr(datasets, "XLSX_MAX_ROWS", 5)
    with pytest.raises(InputError, match="more rows than Excel"):
        write_xlsx(ex, io.BytesIO())
