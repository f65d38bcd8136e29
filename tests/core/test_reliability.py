"""Reading reliability tables from CSV, and every way a table can be wrong."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any
from unittest.mock import patch

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core import reliability
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


# --- the fast path for plain tables reads exactly what the csv module reads ---------------------

CELLS = st.sampled_from(["", " ", "1", "2", " 3 ", "1.0", "-0", "1e0", "x", "a b", "nan", "-2"])


@settings(max_examples=200, deadline=None)
@given(
    st.integers(2, 4).flatmap(
        lambda width: st.tuples(
            st.just(width), st.lists(st.lists(CELLS, min_size=width, max_size=width), max_size=8)
        )
    ),
    st.sampled_from([",", ";", "\t"]),
    st.sampled_from(["\n", "\r\n"]),
    st.sampled_from(["nominal", "ordinal", "interval", "ratio"]),
    st.booleans(),
)
def test_plain_tables_read_as_the_csv_module_reads_them(
    table: tuple[int, list[list[str]]], delimiter: str, newline: str, level: str, blank: bool
) -> None:
    width, rows = table
    lines = [delimiter.join(f"c{i}" for i in range(width))]
    lines += [delimiter.join(row) for row in rows]
    if blank:
        lines.insert(len(lines) // 2 + 1, "")
    text = newline.join(lines) + newline

    def outcome(fast: bool) -> Any:
        careful = patch.object(reliability, "_fast_codes", lambda *args: None)
        with contextlib.nullcontext() if fast else careful:
            try:
                codes = parse_reliability_csv(text, level, source="t.csv").codes()
            except InputError as exc:
                return ("error", str(exc))
        return (codes.codes.tolist(), codes.values, [type(v) for v in codes.values])

    assert outcome(True) == outcome(False)
