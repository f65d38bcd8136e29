"""Krippendorff's alpha with missing data, by the coincidence-matrix method.

Krippendorff, K. (2011) *Computing Krippendorff's Alpha-Reliability*: values are pairable when a
unit has at least two; each unit adds ``1/(m_u - 1)`` for every ordered pair of its values to the
coincidence matrix ``o``; with margins ``n_c`` and total ``n``,
``alpha = 1 - (n - 1) * sum(o * d) / sum(n_c * n_k * d)`` for a difference function ``d``:
nominal, ordinal (ranks from the margins), interval, ratio, or the MASI distance between sets
(Passonneau 2006).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
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
from annotator.core.agreement.nominal import NO_PAIRS, NO_UNITS, NO_VARIATION, ONE_CODER

LEVELS = ("nominal", "ordinal", "interval", "ratio", "masi")

# Below this many (units x values^2) cells, products are summed without BLAS, whose thread pool
# costs more than the arithmetic on a busy machine.
SMALL_PRODUCT = 20_000_000


def masi_distance(a: Iterable[Any], b: Iterable[Any]) -> float:
    """MASI distance ``1 - J * M`` between two sets (Passonneau 2006).

    J is the Jaccard index; M is 1 for equal sets, 2/3 when one is a subset of the other, 1/3 when
    they overlap otherwise and 0 when disjoint. Two empty sets are at distance 0.
    """
    x, y = set(a), set(b)
    if x == y:
        return 0.0
    common = len(x & y)
    if common == 0:
        return 1.0
    monotonicity = 2.0 / 3.0 if (common == len(x) or common == len(y)) else 1.0 / 3.0
    return 1.0 - (common / len(x | y)) * monotonicity


def masi_matrix(sets: Sequence[frozenset[Any]]) -> FloatArray:
    """Pairwise MASI distances between the given sets, computed on a membership matrix."""
    labels = sorted({x for s in sets for x in s}, key=repr)
    index = {x: i for i, x in enumerate(labels)}
    member = np.zeros((len(sets), len(labels)))
    for row, s in enumerate(sets):
        member[row, [index[x] for x in s]] = 1.0
    size = member.sum(axis=1)
    common = member @ member.T
    union = size[:, None] + size[None, :] - common
    subset = (common == size[:, None]) | (common == size[None, :])
    monotonicity = np.where(subset, 2.0 / 3.0, 1.0 / 3.0)
    monotonicity = np.where(common == 0, 0.0, monotonicity)
    with np.errstate(divide="ignore", invalid="ignore"):
        jaccard = np.where(union == 0, 1.0, common / np.where(union == 0, 1.0, union))
    distance = 1.0 - jaccard * monotonicity
    equal = (common == size[:, None]) & (common == size[None, :])
    return np.asarray(np.where(equal, 0.0, distance), dtype=np.float64)


def coincidence_matrix(data: Codes) -> FloatArray:
    """The (k, k) coincidence matrix of the pairable values."""
    rows, m = pairable(data.codes)
    k = data.k
    weight = 1.0 / (m - 1.0)
    counts = value_counts(rows, k)
    if counts is not None and counts.shape[0] * k * k <= SMALL_PRODUCT:
        weighted = counts * weight[:, None]
        dense: FloatArray = np.einsum("ui,uj->ij", weighted, counts)
        dense[np.diag_indices(k)] -= weighted.sum(axis=0)
        return dense
    if counts is not None:
        weighted = counts * weight[:, None]
        product: FloatArray = weighted.T @ counts
        product[np.diag_indices(k)] -= weighted.sum(axis=0)
        return product
    # Many distinct values (e.g. sets): tally the coder pairs, a few pairs per bincount.
    flat = np.zeros(k * k)
    pairs = list(combinations(range(rows.shape[1]), 2))
    step = max(1, 5_000_000 // max(rows.shape[0], 1))
    for first in range(0, len(pairs), step):
        index, weights = [], []
        for i, j in pairs[first : first + step]:
            a, b = rows[:, i], rows[:, j]
            both = (a != MISSING) & (b != MISSING)
            index += [a[both] * k + b[both], b[both] * k + a[both]]
            weights += [weight[both], weight[both]]
        flat += np.bincount(np.concatenate(index), np.concatenate(weights), minlength=k * k)
    return np.asarray(flat.reshape(k, k), dtype=np.float64)


def difference_matrix(level: str, data: Codes, margins: FloatArray) -> FloatArray:
    """The squared difference ``d[c, k]`` between values for a level of measurement."""
    k = data.k
    if level == "nominal":
        return 1.0 - np.eye(k)
    if level == "ordinal":
        # Krippendorff (2011): d = (sum_{g=c..k} n_g - (n_c + n_k)/2)^2, values in rank order.
        cum = np.concatenate(([0.0], np.cumsum(margins)))
        lo = np.minimum.outer(np.arange(k), np.arange(k))
        hi = np.maximum.outer(np.arange(k), np.arange(k))
        between = cum[hi + 1] - cum[lo]
        return np.asarray((between - (margins[:, None] + margins[None, :]) / 2.0) ** 2)
    if level == "interval":
        v = data.numeric_values()
        return np.asarray(np.subtract.outer(v, v) ** 2)
    if level == "ratio":
        v = data.numeric_values()
        total = np.add.outer(v, v)
        diff = np.subtract.outer(v, v)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(total == 0, 0.0, diff / np.where(total == 0, 1.0, total))
        return np.asarray(ratio**2)
    if level == "masi":
        return masi_matrix([frozenset(s) for s in data.values])
    raise ValueError(f"unknown level of measurement {level!r}; expected one of {LEVELS}")


def _alpha_from(o: FloatArray, d: FloatArray) -> Coefficient:
    margins = o.sum(axis=1)
    n = float(margins.sum())
    if n < 2:
        return Coefficient.undefined(NO_PAIRS)
    expected = float(margins @ d @ margins)
    if expected <= 0.0:
        return Coefficient.undefined(NO_VARIATION)
    observed = float((o * d).sum())
    return Coefficient(1.0 - (n - 1.0) * observed / expected)


def krippendorff_alpha(data: Codes, level: str = "nominal") -> Coefficient:
    """Krippendorff's alpha at ``level`` (nominal, ordinal, interval, ratio or masi)."""
    if level not in LEVELS:
        raise ValueError(f"unknown level of measurement {level!r}; expected one of {LEVELS}")
    if data.n_units == 0:
        return Coefficient.undefined(NO_UNITS)
    if data.n_coders < 2:
        return Coefficient.undefined(ONE_CODER)
    o = coincidence_matrix(data)
    return _alpha_from(o, difference_matrix(level, data, o.sum(axis=1)))


def _unit_disagreements(rows: IntArray, m: IntArray, k: int, d: FloatArray) -> FloatArray:
    """Per pairable unit: the sum of d over its ordered pairs of values, divided by m_u - 1."""
    counts = value_counts(rows, k)
    if counts is not None:
        c = counts.astype(np.float64)
        if c.shape[0] * k * k <= SMALL_PRODUCT:
            total = np.einsum("ui,ij,uj->u", c, d, c)
        else:
            total = ((c @ d) * c).sum(axis=1)
    else:
        total = np.zeros(rows.shape[0])
        for i, j in combinations(range(rows.shape[1]), 2):
            a, b = rows[:, i], rows[:, j]
            both = (a != MISSING) & (b != MISSING)
            total[both] += 2.0 * d[a[both], b[both]]
    return np.asarray(total / (m - 1.0), dtype=np.float64)


def alpha_bootstrap(
    data: Codes,
    level: str = "nominal",
    *,
    samples: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
    thresholds: Sequence[float] = (0.667, 0.8),
) -> dict[str, Any] | None:
    """A percentile bootstrap interval for alpha, reproducible from ``seed``.

    Method: as in Hayes & Krippendorff (2007), the expected disagreement D_e (and the ordinal
    metric) stay at their full-data values and only the observed disagreement is resampled. The
    resampling unit is the pairable unit (a unit with two or more values): ``samples`` times, as
    many units as there are are drawn with replacement and ``alpha* = 1 - D_o* / D_e`` with
    ``D_o*`` the resample's disagreement per pairable value. Resampling whole units keeps the
    values of one clause together, which the macro's resampling of single value pairs does not.
    Returns None when alpha itself is undefined. ``p_below`` gives the share of resamples below
    each threshold (Krippendorff's 0.667 and 0.8 conventions).
    """
    if samples <= 0 or data.n_units == 0 or data.n_coders < 2:
        return None
    rows, m = pairable(data.codes)
    o = coincidence_matrix(data)
    margins = o.sum(axis=1)
    n = float(margins.sum())
    if n < 2:
        return None
    d = difference_matrix(level, data, margins)
    expected = float(margins @ d @ margins) / (n * (n - 1.0))
    if expected <= 0.0:  # alpha itself is undefined
        return None
    disagreement = _unit_disagreements(rows, m, data.k, d)
    values_per_unit = m.astype(np.float64)
    rng = np.random.default_rng(seed)
    n_units = rows.shape[0]
    block = max(1, 5_000_000 // max(n_units, 1))
    alphas: list[FloatArray] = []
    for start in range(0, samples, block):
        size = min(block, samples - start)
        picks = rng.integers(0, n_units, size=(size, n_units))
        observed = disagreement[picks].sum(axis=1) / values_per_unit[picks].sum(axis=1)
        alphas.append(1.0 - observed / expected)
    values = np.concatenate(alphas)
    tail = (1.0 - confidence) / 2.0
    low, high = np.quantile(values, [tail, 1.0 - tail])
    return {
        "low": float(low),
        "high": float(high),
        "confidence": confidence,
        "samples": samples,
        "seed": seed,
        "method": "percentile bootstrap over pairable units; expected disagreement held fixed",
        "p_below": {f"{t:g}": float((values < t).mean()) for t in thresholds},
    }
