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

import numpy as np

from annotator.core.agreement.alpha import LEVELS
from annotator.core.agreement.coding import MISSING, Codes, encode_rows
from annotator.core.errors import InputError

NUMERIC_LEVELS = frozenset({"ordinal", "interval", "ratio"})
EMPTY_SET = "-"
SET_SEPARATOR = "|"


@dataclass(frozen=True)
class ReliabilityTable:
    """A parsed reliability table: coder names and, per unit, one value per coder (or missing)."""

    coders: tuple[str, ...]
    level: str
    encoded: Codes

    @property
    def rows(self) -> tuple[tuple[Any, ...], ...]:
        """One tuple of values per unit, None where a value is missing."""
        values = self.encoded.values
        return tuple(
            tuple(None if c == MISSING else values[c] for c in row)
            for row in self.encoded.codes.tolist()
        )

    def codes(self) -> Codes:
        """The table as integer codes for the agreement coefficients."""
        return self.encoded


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
    delimiter = _delimiter(first_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
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
        fast = _fast_codes(text, reader.line_num, delimiter, len(coders), level)
        if fast is not None:
            if not len(fast.codes):
                raise InputError("only a header row: no units to compare", source=source)
            return ReliabilityTable(coders, level, fast)
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
    if level == "masi":
        return ReliabilityTable(
            coders, level, encode_rows(rows, sort_key=lambda s: (len(s), sorted(s)))
        )
    return ReliabilityTable(coders, level, encode_rows(rows))


def _fast_codes(
    text: str, header_lines: int, delimiter: str, width: int, level: str
) -> Codes | None:
    """The codes of a plain table (no quotes, every row complete, every cell valid), or None.

    Reading 2,000,000 cells one by one through the csv module costs seconds; a plain table is
    split with ``str.split`` and each *distinct* cell converted once. Anything else (quotes, a
    short row, a bad number, sets) returns None and takes the careful path, which gives the
    error with its line and column.
    """
    if level == "masi" or header_lines != 1:
        return None
    body = text.split("\n", 1)[1] if "\n" in text else ""
    if "\r" in body:
        body = body.replace("\r\n", "\n")
    if '"' in body or "\r" in body or "\x00" in body:
        return None
    lines = [line for line in body.split("\n") if line]  # csv skips blank lines too
    if any(line.count(delimiter) != width - 1 for line in lines):
        return None
    cells = delimiter.join(lines).split(delimiter) if lines else []
    # Each distinct raw cell, in order of first appearance, converted once.
    values: dict[str, Any] = {}
    for raw in dict.fromkeys(cells):
        value = raw.strip()
        if not value:
            values[raw] = None
            continue
        if level in NUMERIC_LEVELS:
            try:
                number = float(value)
            except ValueError:
                return None
            if not math.isfinite(number) or (level == "ratio" and number < 0):
                return None
            values[raw] = number
        else:
            values[raw] = value
    distinct = [v for v in dict.fromkeys(values.values()) if v is not None]
    ordered = sorted(distinct)
    index = {v: i for i, v in enumerate(ordered)}
    code_of = {raw: MISSING if v is None else index[v] for raw, v in values.items()}
    codes = np.fromiter(map(code_of.__getitem__, cells), dtype=np.intp, count=len(cells))
    return Codes(codes.reshape(len(lines), width), tuple(ordered))


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
