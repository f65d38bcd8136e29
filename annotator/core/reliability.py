"""Reliability tables: one row per unit, one column per coder, read from CSV.

The first row names the coders; a blank cell is a missing value. At the ``masi`` level a cell holds
a set of labels separated by ``|`` and ``-`` alone is the empty set. At the ordinal, interval and
ratio levels cells must be numbers (ordinal values are ranked numerically), and ratio values must
not be negative. Every problem raises :class:`InputError` naming the file and the line.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from annotator.core.agreement.alpha import LEVELS
from annotator.core.agreement.coding import Codes, encode_rows
from annotator.core.errors import InputError

NUMERIC_LEVELS = frozenset({"ordinal", "interval", "ratio"})
EMPTY_SET = "-"
SET_SEPARATOR = "|"


@dataclass(frozen=True)
class ReliabilityTable:
    """A parsed reliability table: coder names and one row of values (None = missing) per unit."""

    coders: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    level: str

    def codes(self) -> Codes:
        """The table as integer codes for the agreement coefficients."""
        if self.level == "masi":
            return encode_rows(self.rows, sort_key=lambda s: (len(s), sorted(s)))
        return encode_rows(self.rows)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _cell(text: str, level: str, source: str, line: int, column: str) -> Any:
    value = text.strip()
    if not value:
        return None
    where = f"line {line}, column {column!r}"
    if level == "masi":
        if value == EMPTY_SET:
            return frozenset()
        labels = [part.strip() for part in value.split(SET_SEPARATOR)]
        if any(not label for label in labels):
            raise InputError(f"empty label in set {value!r}", source=source, where=where)
        return frozenset(labels)
    if level in NUMERIC_LEVELS:
        try:
            number = float(value)
        except ValueError:
            raise InputError(
                f"{value!r} is not a number ({level} data)", source=source, where=where
            ) from None
        if not math.isfinite(number):
            raise InputError(f"{value!r} is not a finite number", source=source, where=where)
        if level == "ratio" and number < 0:
            raise InputError(f"{value!r} is negative (ratio data)", source=source, where=where)
        return number
    return value


def _delimiter(first_line: str) -> str:
    for candidate in (",", ";", "\t"):
        if candidate in first_line:
            return candidate
    return ","


def parse_reliability_csv(
    text: str, level: str = "nominal", *, source: str = "<table>"
) -> ReliabilityTable:
    """Parse CSV text (comma, semicolon or tab separated, chosen from the header line)."""
    if level not in LEVELS:
        raise InputError(f"unknown level {level!r}; expected one of {', '.join(LEVELS)}")
    text = text.removeprefix("\ufeff")
    first_line = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line))
    try:
        header = next(reader, None)
        if header is None or not any(cell.strip() for cell in header):
            raise InputError("no header row naming the coders", source=source, where="line 1")
        coders = tuple(cell.strip() for cell in header)
        if len(coders) < 2:
            raise InputError("needs at least two coder columns", source=source, where="line 1")
        if "" in coders:
            column = coders.index("") + 1
            raise InputError(f"column {column} has no coder name", source=source, where="line 1")
        if len(set(coders)) != len(coders):
            raise InputError("coder names repeat in the header", source=source, where="line 1")
        if all(_is_number(c) for c in coders):
            raise InputError(
                "the first row must name the coders but holds only numbers (no header?)",
                source=source,
                where="line 1",
            )
        rows: list[tuple[Any, ...]] = []
        for record in reader:
            line = reader.line_num
            if not record:
                continue  # a blank line is not a unit
            if len(record) != len(coders):
                raise InputError(
                    f"{len(record)} cells where the header has {len(coders)}",
                    source=source,
                    where=f"line {line}",
                )
            rows.append(
                tuple(
                    _cell(cell, level, source, line, coder)
                    for cell, coder in zip(record, coders, strict=True)
                )
            )
    except csv.Error as exc:
        raise InputError(
            f"not valid CSV: {exc}", source=source, where=f"line {reader.line_num}"
        ) from None
    if not rows:
        raise InputError("only a header row: no units to compare", source=source)
    return ReliabilityTable(coders, tuple(rows), level)


def read_reliability_csv(path: str | Path, level: str = "nominal") -> ReliabilityTable:
    """Read a reliability table from a CSV file in UTF-8 (a BOM is allowed)."""
    source = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror or exc}", source=source) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(
            f"not UTF-8 text (byte 0x{data[exc.start]:02x})", source=source, where=f"line {line}"
        ) from None
    return parse_reliability_csv(text, level, source=source)
