"""Every published worked example reproduces within its published rounding."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from annotator.core.agreement import (
    Coefficient,
    cohen_kappa,
    encode_rows,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
    percent_agreement,
    scott_pi,
)

# The published worked examples, copied into the repository (the tests read nothing outside it).
_CASES = Path(__file__).parents[1] / "fixtures" / "agreement_published.json"


def _cases() -> list[dict[str, Any]]:
    return list(json.loads(_CASES.read_text(encoding="utf-8"))["cases"])


def _compute(metric: str, data: list[list[Any]]) -> Coefficient:
    codes = encode_rows(data)
    if metric.startswith("krippendorff_alpha_"):
        return krippendorff_alpha(codes, metric.removeprefix("krippendorff_alpha_"))
    functions = {
        "percent_agreement": percent_agreement,
        "fleiss_kappa": fleiss_kappa,
        "cohen_kappa": cohen_kappa,
        "scott_pi": scott_pi,
        "gwet_ac1": gwet_ac1,
    }
    return functions[metric](codes)


@pytest.mark.parametrize("case", _cases(), ids=lambda c: c["name"])
def test_published_value(case: dict[str, Any]) -> None:
    result = _compute(case["metric"], case["data"])
    assert result.value is not None, result.reason
    assert result.value == pytest.approx(case["expected"], abs=case["tolerance"])


# Krippendorff (2011) 12-unit data with missing values, as analysed in Gwet's irrCAC README
# (cac.raw4raters): percent agreement 0.8181818, Fleiss' generalised kappa 0.76117
# (pe 0.2387153), AC1 0.77544 (pe 0.1903212), alpha 0.74342.
RAW4RATERS = [
    [1, 1, None, 1],
    [2, 2, 3, 2],
    [3, 3, 3, 3],
    [3, 3, 3, 3],
    [2, 2, 2, 2],
    [1, 2, 3, 4],
    [4, 4, 4, 4],
    [1, 1, 2, 1],
    [2, 2, 2, 2],
    [None, 5, 5, 5],
    [None, None, 1, 1],
    [None, None, 3, None],
]


def test_gwet_generalisations_with_missing_data() -> None:
    codes = encode_rows(RAW4RATERS)
    assert percent_agreement(codes).value == pytest.approx(0.8181818, abs=5e-7)
    assert fleiss_kappa(codes).value == pytest.approx(0.76117, abs=5e-6)
    assert gwet_ac1(codes).value == pytest.approx(0.77544, abs=5e-6)
    assert krippendorff_alpha(codes).value == pytest.approx(0.74342, abs=5e-6)
