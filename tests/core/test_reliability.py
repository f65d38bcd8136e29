"""Reading reliability tables from CSV, and every way a table can be wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.agreement import krippendorff_alpha
from annotator.core.errors import InputError
from annotator.core.reliability import parse_reliability_csv, read_reliability_csv


def test_reads_values_and_missing_cells(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("\ufeffA,B,C\r\n1,1,\r\n2, 3 ,2\r\n\r\n,,\r\n", encoding="utf-8")
    table = read_reliability_csv(path, "interval")
    assert table.coders == ("A", "B", "C")
    assert table.rows == ((1.0, 1.0, None), (2.0, 3.0, 2.0), (None, None, None))


def test_nominal_keeps_text_and_other_delimiters() -> None:
    table = parse_reliability_csv("A;B\nyes;no\nyes;\n")
    assert table.rows == (("yes", "no"), ("yes", None))
    assert parse_reliability_csv("A\tB\nx\ty\n").rows == (("x", "y"),)


def test_masi_cells_are_sets() -> None:
    table = parse_reliability_csv("A,B\na|b,b\n-,\n", "masi")
    assert table.rows == ((frozenset({"a", "b"}), frozenset({"b"})), (frozenset(), None))
    # One pairable unit whose two values differ: observed = expected disagreement, alpha = 0.
    assert krippendorff_alpha(table.codes(), "masi").value == pytest.approx(0.0)


def test_masi_alpha_from_a_table() -> None:
    text = "A,B,C\na,a,a|b\nb,b,b\n-,-,a\nc|a,a,\n"
    codes = parse_reliability_csv(text, "masi").codes()
    value = krippendorff_alpha(codes, "masi").value
    assert value is not None and 0 < value < 1


@pytest.mark.parametrize(
    ("text", "level", "message", "where"),
    [
        ("", "nominal", "no header", "line 1"),
        ("\n1,2\n", "nominal", "no header", "line 1"),
        ("1,2\n3,4\n", "interval", "only numbers", "line 1"),
        ("A\n1\n", "nominal", "two coder", "line 1"),
        ("A,A\n1,2\n", "nominal", "repeat", "line 1"),
        ("A,\n1,2\n", "nominal", "no coder name", "line 1"),
        ("A,B\n1,2\n3\n", "nominal", "1 cells", "line 3"),
        ("A,B\n1,2\n3,4,5\n", "nominal", "3 cells", "line 3"),
        ("A,B\n1,2\n3,x\n", "interval", "not a number", "line 3"),
        ("A,B\n1,2\n3,x\n", "ordinal", "not a number", "line 3"),
        ("A,B\n1,nan\n", "ratio", "finite", "line 2"),
        ("A,B\n1,-2\n", "ratio", "negative", "line 2"),
        ("A,B\na|,b\n", "masi", "empty label", "line 2"),
    ],
)
def test_bad_tables(text: str, level: str, message: str, where: str) -> None:
    with pytest.raises(InputError) as info:
        parse_reliability_csv(text, level, source="data.csv")
    assert message in str(info.value)
    assert str(info.value).startswith(f"data.csv: {where}")


def test_undecodable_bytes_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes(b"A,B\n1,2\ncaf\xe9,1\n")
    with pytest.raises(InputError, match=r"latin\.csv: line 3: not UTF-8"):
        read_reliability_csv(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        read_reliability_csv(tmp_path / "nope.csv")
