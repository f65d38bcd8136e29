"""Nominal agreement coefficients with missing data.

All take a (units, coders) code matrix (see :mod:`.coding`). Fleiss' kappa and Gwet's AC1 follow
Gwet (2014), *Handbook of Inter-Rater Reliability*, 4th ed., ch. 2 (Fleiss' generalised kappa and
AC1 for raw ratings with missing values): the observed agreement ``pa`` is averaged over units
with two or more ratings, the classification probabilities ``pi_k`` over units with at least one.
With complete data this is exactly Fleiss (1971).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import combinations
from typing import Any

import numpy as np

from annotator.core.agreement.coding import (
    MISSING,
    Codes,
    Coefficient,
    FloatArray,
    IntArray,
    pairable,
    value_counts,
)

# Reasons a coefficient is undefined; shared so that reports read the same everywhere.
NO_UNITS = "no units"
ONE_CODER = "needs at least two coders"
NO_PAIRS = "fewer than two pairable values: no unit has values from two coders"
NO_VARIATION = "no variation: every value is the same, so chance agreement is total"
TWO_CODERS_ONLY = "defined for exactly two coders"
NO_SHARED_UNITS = "the two coders share no unit"

_EPS = 1e-12


def _precheck(codes: IntArray) -> str | None:
    if codes.shape[0] == 0:
        return NO_UNITS
    if codes.shape[1] < 2:
        return ONE_CODER
    return None


# A report asks percent agreement, Fleiss' kappa and AC1 of the same matrix in turn; each needs
# the per-unit shares and the value proportions. The last result of each is kept for the same
# array object (codes are never changed in place), which saves two of three passes.
_LAST: dict[str, tuple[IntArray, int, Any]] = {}


def _remembered(name: str, codes: IntArray, k: int, compute: Callable[[], Any]) -> Any:
    last = _LAST.get(name)
    if last is not None and last[0] is codes and last[1] == k:
        return last[2]
    value = compute()
    _LAST[name] = (codes, k, value)
    return value


def _agreeing_share(codes: IntArray, k: int) -> FloatArray:
    """Per pairable unit: the share of ordered coder pairs that agree."""
    share: FloatArray = _remembered("share", codes, k, lambda: _compute_share(codes, k))
    return share


def _compute_share(codes: IntArray, k: int) -> FloatArray:
    rows, m = pairable(codes)
    counts = value_counts(rows, k)
    if counts is not None:
        agree = (counts * (counts - 1)).sum(axis=1).astype(np.float64)
    else:
        agree = np.zeros(rows.shape[0])
        for i, j in combinations(range(rows.shape[1]), 2):
            a, b = rows[:, i], rows[:, j]
            agree += 2.0 * ((a == b) & (a != MISSING))
    return np.asarray(agree / (m * (m - 1.0)), dtype=np.float64)


def percent_agreement(data: Codes) -> Coefficient:
    """Mean, over units with at least two values, of the share of agreeing coder pairs."""
    problem = _precheck(data.codes)
    if problem:
        return Coefficient.undefined(problem)
    share = _agreeing_share(data.codes, data.k)
    if share.size == 0:
        return Coefficient.undefined(NO_PAIRS)
    return Coefficient(float(share.mean()))


def _classification_probabilities(codes: IntArray, k: int) -> FloatArray:
    """Gwet's pi_k: the mean over rated units of the share of the unit's ratings in value k."""
    pi: FloatArray = _remembered("pi", codes, k, lambda: _compute_pi(codes, k))
    return pi


def _compute_pi(codes: IntArray, k: int) -> FloatArray:
    valid = codes != MISSING
    m = valid.sum(axis=1)
    rated = m > 0
    weights = np.broadcast_to((1.0 / np.maximum(m, 1))[:, None], codes.shape)
    totals = np.bincount(codes[valid], weights=weights[valid], minlength=k)
    return np.asarray(totals / max(int(rated.sum()), 1), dtype=np.float64)


def _observed_values(codes: IntArray) -> int:
    def compute() -> int:
        rows, _ = pairable(codes)
        return int(np.unique(rows[rows != MISSING]).size)

    observed: int = _remembered("observed", codes, -1, compute)
    return observed


def fleiss_kappa(data: Codes) -> Coefficient:
    """Fleiss' kappa, generalised to missing data as in Gwet (2014)."""
    problem = _precheck(data.codes)
    if problem:
        return Coefficient.undefined(problem)
    share = _agreeing_share(data.codes, data.k)
    if share.size == 0:
        return Coefficient.undefined(NO_PAIRS)
    pa = float(share.mean())
    pi = _classification_probabilities(data.codes, data.k)
    pe = float((pi**2).sum())
    # Values from single-coded units can make pe < 1 while every pairable value is the same;
    # the kappa of 1.0 that follows would report agreement nobody could have failed.
    if pe >= 1.0 - _EPS or _observed_values(data.codes) < 2:
        return Coefficient.undefined(NO_VARIATION)
    return Coefficient((pa - pe) / (1.0 - pe))


def gwet_ac1(data: Codes, *, n_categories: int | None = None) -> Coefficient:
    """Gwet's AC1 with missing data (Gwet 2014).

    ``n_categories`` is the number of categories q in the chance term ``sum pi(1-pi)/(q-1)``;
    by default the number of distinct values observed (a present/absent table passes 2). When the
    pairable values show no variation AC1 is reported undefined, like the other coefficients,
    rather than as a perfect 1.0 that no disagreement could have lowered.
    """
    problem = _precheck(data.codes)
    if problem:
        return Coefficient.undefined(problem)
    share = _agreeing_share(data.codes, data.k)
    if share.size == 0:
        return Coefficient.undefined(NO_PAIRS)
    q = data.k if n_categories is None else n_categories
    if q < 2 or _observed_values(data.codes) < 2:
        return Coefficient.undefined(NO_VARIATION)
    pa = float(share.mean())
    pi = _classification_probabilities(data.codes, data.k)
    pe = float((pi * (1.0 - pi)).sum() / (q - 1))
    return Coefficient((pa - pe) / (1.0 - pe))


@dataclass(frozen=True)
class PairTables:
    """For every ordered coder pair (i, j), over the units both coded.

    ``shared[i, j]``: number of such units; ``agree[i, j]``: units where they agree;
    ``margins[c, i, j]``: units where coder i gave value c (and j gave any value).
    """

    shared: FloatArray
    agree: FloatArray
    margins: FloatArray


def pair_tables(data: Codes) -> PairTables:
    """Cross-tabulate every coder pair at once with matrix products (one per value)."""
    # Float products of 0/1 matrices go through BLAS (numpy multiplies integer matrices with a
    # plain loop, 2.6 s for 20 coders x 100,000 units) and stay exact: every partial sum is a
    # whole number of units, far below 2**53.
    codes = data.codes
    valid = (codes != MISSING).astype(np.float64)
    shared = valid.T @ valid
    agree = np.zeros_like(shared)
    margins = np.empty((data.k, *shared.shape), dtype=np.float64)
    for c in range(data.k):
        is_c = (codes == c).astype(np.float64)
        agree += is_c.T @ is_c
        margins[c] = is_c.T @ valid
    return PairTables(shared, agree, margins)


def cohen_kappa_pairs(
    data: Codes, tables: PairTables | None = None
) -> dict[tuple[int, int], tuple[Coefficient, int]]:
    """Cohen's kappa for each coder pair ``(i, j)``, ``i < j``, with its number of shared units."""
    t = tables or pair_tables(data)
    out: dict[tuple[int, int], tuple[Coefficient, int]] = {}
    for i, j in combinations(range(data.n_coders), 2):
        n = t.shared[i, j]
        if n == 0:
            out[(i, j)] = (Coefficient.undefined(NO_SHARED_UNITS), 0)
            continue
        po = t.agree[i, j] / n
        pe = float((t.margins[:, i, j] * t.margins[:, j, i]).sum() / (n * n))
        if pe >= 1.0 - _EPS:
            out[(i, j)] = (Coefficient.undefined(NO_VARIATION), int(n))
        else:
            out[(i, j)] = (Coefficient(float((po - pe) / (1.0 - pe))), int(n))
    return out


def cohen_kappa(data: Codes) -> Coefficient:
    """Cohen's kappa for two coders over the units both coded."""
    problem = _precheck(data.codes)
    if problem:
        return Coefficient.undefined(problem)
    if data.n_coders != 2:
        return Coefficient.undefined(TWO_CODERS_ONLY + "; see the pairs")
    return cohen_kappa_pairs(data)[(0, 1)][0]


def scott_pi(data: Codes, tables: PairTables | None = None) -> Coefficient:
    """Scott's pi for two coders over the units both coded (pooled margins)."""
    problem = _precheck(data.codes)
    if problem:
        return Coefficient.undefined(problem)
    if data.n_coders != 2:
        return Coefficient.undefined(TWO_CODERS_ONLY)
    t = tables or pair_tables(data)
    n = t.shared[0, 1]
    if n == 0:
        return Coefficient.undefined(NO_SHARED_UNITS)
    pooled = (t.margins[:, 0, 1] + t.margins[:, 1, 0]) / (2.0 * n)
    pe = float((pooled**2).sum())
    if pe >= 1.0 - _EPS:
        return Coefficient.undefined(NO_VARIATION)
    return Coefficient(float((t.agree[0, 1] / n - pe) / (1.0 - pe)))
