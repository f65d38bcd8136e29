"""Agreement coefficients: against the `krippendorff` package, textbook formulas and hand counts."""

from __future__ import annotations

import math
from itertools import combinations
from typing import Any

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from annotator.core.agreement import (
    LEVELS,
    Codes,
    alpha_bootstrap,
    coding,
    cohen_kappa,
    cohen_kappa_pairs,
    encode_array,
    encode_rows,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
    masi_distance,
    percent_agreement,
    scott_pi,
)

NUMERIC_LEVELS = ("nominal", "ordinal", "interval", "ratio")


def _random(rng: np.random.Generator, units: int, coders: int, k: int, missing: float) -> Any:
    data = rng.integers(1, k + 1, size=(units, coders)).astype(float)
    data[rng.random(data.shape) < missing] = np.nan
    return data


def _package(data: Any, level: Any) -> float | None:
    try:
        with np.errstate(divide="ignore", invalid="ignore"):
            value = float(krippendorff.alpha(reliability_data=data.T, level_of_measurement=level))
    except (ValueError, ZeroDivisionError):
        return None
    return value if math.isfinite(value) else None


@pytest.mark.parametrize("level", NUMERIC_LEVELS)
@pytest.mark.parametrize("seed", range(6))
def test_alpha_matches_the_krippendorff_package(level: str, seed: int) -> None:
    rng = np.random.default_rng(seed)
    data = _random(
        rng,
        units=int(rng.integers(5, 300)),
        coders=int(rng.integers(2, 9)),
        k=6,
        missing=float(rng.uniform(0, 0.5)),
    )
    ours = krippendorff_alpha(encode_array(data), level)
    assert ours.value == pytest.approx(_package(data, level), abs=1e-9)


def test_alpha_with_fractional_values_matches_the_package() -> None:
    rng = np.random.default_rng(7)
    data = np.round(rng.normal(5, 2, size=(80, 4)), 1)
    data[rng.random(data.shape) < 0.25] = np.nan
    data = np.abs(data)
    for level in NUMERIC_LEVELS:
        ours = krippendorff_alpha(encode_array(data), level)
        assert ours.value == pytest.approx(_package(data, level), abs=1e-9)


matrices = hnp.arrays(
    np.float64,
    st.tuples(st.integers(1, 12), st.integers(2, 5)),
    elements=st.one_of(st.just(np.nan), st.integers(0, 4).map(float)),
)


@settings(max_examples=60, deadline=None)
@given(data=matrices, level=st.sampled_from(NUMERIC_LEVELS))
def test_alpha_property_against_the_package(data: Any, level: str) -> None:
    ours = krippendorff_alpha(encode_array(data), level)
    theirs = _package(data, level)
    if ours.value is None:
        assert ours.reason
        assert theirs is None  # the package raises or returns nan where alpha is undefined
        return
    assert theirs is not None
    assert ours.value == pytest.approx(theirs, abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(data=matrices, seed=st.integers(0, 2**16))
def test_alpha_is_invariant_under_permutations_and_relabelling(data: Any, seed: int) -> None:
    rng = np.random.default_rng(seed)
    base = krippendorff_alpha(encode_array(data), "nominal").value
    shuffled = data[rng.permutation(data.shape[0])][:, rng.permutation(data.shape[1])]
    relabelled = np.where(np.isnan(shuffled), np.nan, 10.0 - 3.0 * shuffled)
    again = krippendorff_alpha(encode_array(relabelled), "nominal").value
    assert (base is None) == (again is None)
    if base is not None:
        assert again == pytest.approx(base, abs=1e-12)


def test_dense_and_pairwise_paths_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(3)
    data = encode_array(_random(rng, 200, 6, 5, 0.3))
    dense = [krippendorff_alpha(data, lv).value for lv in NUMERIC_LEVELS]
    pa_dense = percent_agreement(data).value
    monkeypatch.setattr(coding, "DENSE_LIMIT", 0)
    for level, value in zip(NUMERIC_LEVELS, dense, strict=True):
        assert krippendorff_alpha(data, level).value == pytest.approx(value, abs=1e-12)
    assert percent_agreement(data).value == pytest.approx(pa_dense, abs=1e-12)


def test_encoding_of_integers_and_fractions_agree() -> None:
    data = np.array([[1.0, 3.0], [np.nan, 1.0], [7.0, 3.0]])
    ints = encode_array(data)
    fractions = encode_array(data + 0.5)
    assert ints.values == (1.0, 3.0, 7.0)
    np.testing.assert_array_equal(ints.codes, fractions.codes)
    assert encode_rows([["b", None], ["a", "b"]]).values == ("a", "b")


# --- Fleiss, Cohen, Scott against direct computations -----------------------------------------


def _textbook_fleiss(data: Any) -> float:
    """Fleiss (1971) with every unit rated by the same n raters."""
    values = np.unique(data)
    counts = np.stack([(data == v).sum(axis=1) for v in values], axis=1).astype(float)
    n_units, n_raters = data.shape
    p_i = ((counts**2).sum(axis=1) - n_raters) / (n_raters * (n_raters - 1))
    p_j = counts.sum(axis=0) / (n_units * n_raters)
    p_bar, pe_bar = p_i.mean(), (p_j**2).sum()
    return float((p_bar - pe_bar) / (1 - pe_bar))


@pytest.mark.parametrize("seed", range(5))
def test_fleiss_with_complete_data_is_the_textbook_formula(seed: int) -> None:
    rng = np.random.default_rng(seed)
    data = rng.integers(0, 4, size=(int(rng.integers(5, 60)), int(rng.integers(2, 8)))).astype(
        float
    )
    assert fleiss_kappa(encode_array(data)).value == pytest.approx(
        _textbook_fleiss(data), abs=1e-12
    )


def test_cohen_and_scott_on_a_hand_counted_two_by_two_table() -> None:
    # Rows: coder A yes/no; columns: coder B yes/no -> 45, 15 / 25, 15 (n = 100).
    # po = 0.60; A says yes 0.60, B 0.70: pe = 0.6*0.7 + 0.4*0.3 = 0.54, kappa = 0.06/0.46.
    # Scott pools the margins: yes 0.65, pe = 0.65^2 + 0.35^2 = 0.545, pi = 0.055/0.455.
    rows = [["y", "y"]] * 45 + [["y", "n"]] * 15 + [["n", "y"]] * 25 + [["n", "n"]] * 15
    codes = encode_rows(rows)
    assert cohen_kappa(codes).value == pytest.approx(0.06 / 0.46, abs=1e-12)
    assert scott_pi(codes).value == pytest.approx(0.055 / 0.455, abs=1e-12)
    assert percent_agreement(codes).value == pytest.approx(0.6)


def _direct_cohen(a: Any, b: Any) -> float | None:
    both = ~np.isnan(a) & ~np.isnan(b)
    a, b = a[both], b[both]
    if a.size == 0:
        return None
    values = np.union1d(a, b)
    po = float((a == b).mean())
    pe = float(sum((a == v).mean() * (b == v).mean() for v in values))
    return None if pe >= 1 - 1e-12 else (po - pe) / (1 - pe)


@settings(max_examples=40, deadline=None)
@given(data=matrices)
def test_cohen_pairs_use_the_units_both_coded(data: Any) -> None:
    pairs = cohen_kappa_pairs(encode_array(data))
    for i, j in combinations(range(data.shape[1]), 2):
        kappa, shared = pairs[(i, j)]
        assert shared == int((~np.isnan(data[:, i]) & ~np.isnan(data[:, j])).sum())
        expected = _direct_cohen(data[:, i], data[:, j])
        if expected is None:
            assert kappa.value is None and kappa.reason
        else:
            assert kappa.value == pytest.approx(expected, abs=1e-12)


@settings(max_examples=40, deadline=None)
@given(data=matrices)
def test_percent_agreement_is_the_mean_share_of_agreeing_pairs(data: Any) -> None:
    shares = []
    for row in data:
        vals = row[~np.isnan(row)]
        if vals.size >= 2:
            pairs = list(combinations(vals, 2))
            shares.append(sum(x == y for x, y in pairs) / len(pairs))
    result = percent_agreement(encode_array(data))
    if shares:
        assert result.value == pytest.approx(float(np.mean(shares)), abs=1e-12)
    else:
        assert result.value is None and result.reason


# --- MASI -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [
        ({"x", "y"}, {"x", "y"}, 0.0),  # equal: J = 1, M = 1
        ({"x"}, {"x", "y"}, 1 - 0.5 * 2 / 3),  # subset: J = 1/2, M = 2/3
        ({"x", "y"}, {"y", "z"}, 1 - (1 / 3) * (1 / 3)),  # overlap: J = 1/3, M = 1/3
        ({"x"}, {"y"}, 1.0),  # disjoint: M = 0
        (set(), set(), 0.0),  # two empty sets
        (set(), {"x"}, 1.0),  # empty against non-empty: disjoint
    ],
)
def test_masi_distance(a: set[str], b: set[str], distance: float) -> None:
    assert masi_distance(a, b) == pytest.approx(distance)
    assert masi_distance(b, a) == pytest.approx(distance)


def test_masi_alpha_matches_the_package_with_the_same_distance() -> None:
    rng = np.random.default_rng(11)
    labels = ["a", "b", "c"]
    rows = [
        [
            None if rng.random() < 0.2 else frozenset(x for x in labels if rng.random() < 0.4)
            for _ in range(4)
        ]
        for _ in range(120)
    ]
    codes = encode_rows(rows, sort_key=lambda s: (len(s), sorted(s)))
    sets = list(codes.values)
    matrix = np.array([[masi_distance(x, y) for y in sets] for x in sets])

    def metric(v1: Any, v2: Any, **_: Any) -> Any:
        return matrix[v1.astype(int), v2.astype(int)]

    numeric = np.where(codes.codes < 0, np.nan, codes.codes).astype(float)
    theirs = krippendorff.alpha(
        reliability_data=numeric.T, value_domain=np.arange(len(sets)), level_of_measurement=metric
    )
    assert krippendorff_alpha(codes, "masi").value == pytest.approx(float(theirs), abs=1e-9)


# --- undefined cases --------------------------------------------------------------------------

UNDEFINED = {
    "all the same value": [[1, 1], [1, 1], [1, None]],
    "one coder": [[1], [2], [1]],
    "one unit": [[1, 1, 1]],
    "all missing": [[None, None], [None, None]],
    "no pairable unit": [[1, None], [None, 2]],
    "no units": [],
}


@pytest.mark.parametrize("name", list(UNDEFINED))
def test_undefined_coefficients_are_none_with_a_reason(name: str) -> None:
    rows = UNDEFINED[name]
    codes = encode_rows(rows) if rows else Codes(np.zeros((0, 2), dtype=np.intp), ())
    results = [krippendorff_alpha(codes, lv) for lv in NUMERIC_LEVELS]
    results += [fleiss_kappa(codes), gwet_ac1(codes), cohen_kappa(codes), scott_pi(codes)]
    for result in results:
        assert result.value is None
        assert isinstance(result.reason, str) and result.reason
    if name in {"one coder", "all missing", "no pairable unit", "no units"}:
        assert percent_agreement(codes).value is None


def test_kappa_for_more_than_two_coders_points_to_the_pairs() -> None:
    codes = encode_rows([[1, 2, 1], [2, 2, 2], [1, 1, 2]])
    assert cohen_kappa(codes).value is None
    assert scott_pi(codes).value is None
    assert "two coders" in (cohen_kappa(codes).reason or "")


def test_levels_are_all_supported() -> None:
    assert set(NUMERIC_LEVELS) | {"masi"} == set(LEVELS)
    with pytest.raises(ValueError):
        krippendorff_alpha(encode_rows([[1, 2]]), "cardinal")


# --- bootstrap --------------------------------------------------------------------------------


def test_bootstrap_is_reproducible_and_brackets_alpha() -> None:
    rng = np.random.default_rng(5)
    truth = rng.integers(0, 3, size=200)
    data = np.stack(
        [np.where(rng.random(200) < 0.8, truth, rng.integers(0, 3, 200)) for _ in range(3)], axis=1
    ).astype(float)
    data[rng.random(data.shape) < 0.1] = np.nan
    codes = encode_array(data)
    for level in ("nominal", "ordinal", "interval"):
        first = alpha_bootstrap(codes, level, samples=300, seed=42)
        assert first == alpha_bootstrap(codes, level, samples=300, seed=42)
        assert first is not None
        value = krippendorff_alpha(codes, level).value
        assert value is not None
        assert first["low"] < value < first["high"]
        assert first["high"] - first["low"] < 0.3
    assert alpha_bootstrap(codes, samples=300, seed=1) != alpha_bootstrap(
        codes, samples=300, seed=2
    )
    assert alpha_bootstrap(codes, samples=0) is None
    assert alpha_bootstrap(encode_rows([[1, 1], [1, 1]]), samples=10) is None


@settings(max_examples=30, deadline=None)
@given(sets=st.lists(st.frozensets(st.sampled_from("abcde")), min_size=1, max_size=12))
def test_masi_matrix_agrees_with_the_pairwise_distance(sets: list[frozenset[str]]) -> None:
    from annotator.core.agreement.alpha import masi_matrix

    matrix = masi_matrix(sets)
    for i, x in enumerate(sets):
        for j, y in enumerate(sets):
            assert matrix[i, j] == pytest.approx(masi_distance(x, y), abs=1e-12)
