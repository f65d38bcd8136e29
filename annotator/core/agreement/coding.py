"""Reliability data as integer codes: the shared input of every coefficient.

A reliability matrix has one row per unit and one column per coder. Each distinct value is replaced
by an integer code (``0 .. k-1``, in the values' sorted order so that ordinal and interval metrics
can use them), and a missing value by :data:`MISSING`. Every coefficient works on these codes with
numpy, so the Python-level cost is paid once, here.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

MISSING = -1

IntArray = npt.NDArray[np.intp]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Coefficient:
    """One agreement coefficient: a value, or ``None`` with the reason it is undefined."""

    value: float | None
    reason: str | None = None

    @classmethod
    def undefined(cls, reason: str) -> Coefficient:
        """An undefined coefficient (no variation, too few pairable values ...)."""
        return cls(None, reason)

    @property
    def defined(self) -> bool:
        """True when the coefficient has a value."""
        return self.value is not None


@dataclass(frozen=True)
class Codes:
    """A reliability matrix encoded as integer codes.

    ``codes`` has shape (units, coders) and holds :data:`MISSING` where a coder gave no value;
    ``values[c]`` is the value that code ``c`` stands for (sorted ascending where values order).
    """

    codes: IntArray
    values: tuple[Any, ...]

    @property
    def n_units(self) -> int:
        """Number of units (rows)."""
        return int(self.codes.shape[0])

    @property
    def n_coders(self) -> int:
        """Number of coders (columns)."""
        return int(self.codes.shape[1])

    @property
    def k(self) -> int:
        """Number of distinct values."""
        return len(self.values)

    def numeric_values(self) -> FloatArray:
        """The values as floats, for the interval and ratio metrics."""
        return np.asarray([float(v) for v in self.values], dtype=np.float64)


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def encode_array(data: npt.ArrayLike) -> Codes:
    """Encode a numeric (units, coders) array in which NaN marks a missing value."""
    array = np.asarray(data, dtype=np.float64)
    if array.ndim != 2:
        raise ValueError("reliability data must be two-dimensional (units x coders)")
    valid = ~np.isnan(array)
    codes = np.full(array.shape, MISSING, dtype=np.intp)
    observed = array[valid]
    if observed.size == 0:
        return Codes(codes, ())
    low, high = observed.min(), observed.max()
    if np.all(observed == np.round(observed)) and high - low < 1_000_000:
        # Small integers (the usual case): a bincount is much cheaper than a sort.
        offsets = (observed - low).astype(np.intp)
        used = np.flatnonzero(np.bincount(offsets))
        lookup = np.full(int(high - low) + 1, MISSING, dtype=np.intp)
        lookup[used] = np.arange(used.size)
        codes[valid] = lookup[offsets]
        values: tuple[Any, ...] = tuple(float(low + u) for u in used)
    else:
        uniques, inverse = np.unique(observed, return_inverse=True)
        codes[valid] = inverse
        values = tuple(float(u) for u in uniques)
    return Codes(codes, values)


def encode_rows(
    rows: Iterable[Sequence[Hashable | None]],
    *,
    sort_key: Callable[[Any], Any] | None = None,
) -> Codes:
    """Encode rows of arbitrary hashable values; ``None`` (or NaN) marks a missing value.

    Values are numbered in sorted order (with ``sort_key`` if given); values that do not order
    among themselves are numbered by their text, which is fine for nominal data.
    """
    materialised = [list(row) for row in rows]
    width = len(materialised[0]) if materialised else 0
    if any(len(row) != width for row in materialised):
        raise ValueError("every unit must have one value per coder")
    distinct = {v for row in materialised for v in row if not _is_missing(v)}
    try:
        ordered = sorted(distinct, key=sort_key) if sort_key else sorted(distinct)  # type: ignore[type-var]
    except TypeError:
        ordered = sorted(distinct, key=repr)
    index = {v: i for i, v in enumerate(ordered)}
    codes = np.full((len(materialised), width), MISSING, dtype=np.intp)
    for u, row in enumerate(materialised):
        for c, v in enumerate(row):
            if not _is_missing(v):
                codes[u, c] = index[v]
    return Codes(codes, tuple(ordered))


def as_codes(data: Any) -> Codes:
    """Accept :class:`Codes`, a numeric array with NaN, or rows of values with ``None``."""
    if isinstance(data, Codes):
        return data
    if isinstance(data, np.ndarray) and data.dtype.kind in "fiub":
        return encode_array(data)
    return encode_rows(data)


def pairable(codes: IntArray) -> tuple[IntArray, IntArray]:
    """The rows of units with at least two values, and their number of values."""
    m = (codes != MISSING).sum(axis=1)
    keep = m >= 2
    return codes[keep], m[keep]


# Above this many cells a dense (units x values) count matrix costs too much memory; the
# coefficients then fall back to loops over coder pairs.
DENSE_LIMIT = 20_000_000


def value_counts(codes: IntArray, k: int) -> npt.NDArray[np.int64] | None:
    """The (units, k) matrix of how many coders gave each value, or None if too large."""
    n_units = codes.shape[0]
    if n_units * max(k, 1) > DENSE_LIMIT:
        return None
    rows = np.broadcast_to(np.arange(n_units)[:, None], codes.shape)
    valid = codes != MISSING
    flat = rows[valid] * k + codes[valid]
    return np.bincount(flat, minlength=n_units * k).reshape(n_units, k)
