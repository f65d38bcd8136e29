"""Agreement reports as plain, JSON-ready dicts (the CLI's ``--json`` and the GUI both read them).

``table_report`` describes one reliability matrix with a fixed key set (:data:`TABLE_KEYS`);
``agreement_report`` applies it to each category of an exchange document (present/absent per
clause) and adds alpha over category sets with the MASI distance.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import Any

from annotator.core.agreement.alpha import LEVELS, alpha_bootstrap, krippendorff_alpha
from annotator.core.agreement.coding import MISSING, Codes, Coefficient
from annotator.core.agreement.nominal import (
    TWO_CODERS_ONLY,
    cohen_kappa_pairs,
    fleiss_kappa,
    gwet_ac1,
    pair_tables,
    percent_agreement,
    scott_pi,
)
from annotator.core.agreement.units import unit_values

TABLE_KEYS = (
    "units",
    "pairable_units",
    "coders",
    "level",
    "percent_agreement",
    "krippendorff_alpha",
    "fleiss_kappa",
    "gwet_ac1",
    "cohen_kappa",
    "scott_pi",
    "pairs",
    "undefined",
)

MASI_NOMINAL = (
    "kappa-type coefficients need single labels;"
    " use the nominal level to treat each set as one label"
)

Progress = Callable[[int, int], None]


def _put(
    report: dict[str, Any], undefined: dict[str, str], key: str, coefficient: Coefficient
) -> None:
    report[key] = coefficient.value
    if coefficient.reason is not None:
        undefined[key] = coefficient.reason


#: The coefficients of a table report, by the short names ``--metric`` accepts.
METRICS = {
    "percent": "percent_agreement",
    "alpha": "krippendorff_alpha",
    "fleiss": "fleiss_kappa",
    "ac1": "gwet_ac1",
    "cohen": "cohen_kappa",
    "scott": "scott_pi",
}


def pairable_units(data: Codes) -> int:
    """Units with values from at least two coders: the base every coefficient is computed over.

    ``units`` counts every row (uncoded clauses are missing values); a screen that shows a
    percentage must show this number beside it, not ``units``.
    """
    return int(((data.codes != MISSING).sum(axis=1) >= 2).sum()) if data.n_coders else 0


def table_report(
    data: Codes,
    coders: Sequence[str],
    *,
    level: str = "nominal",
    n_categories: int | None = None,
    metrics: Collection[str] | None = None,
) -> dict[str, Any]:
    """Every coefficient for one (units, coders) matrix, with exactly the keys of TABLE_KEYS.

    Kappa-type coefficients (Fleiss, Cohen, Scott, AC1) treat values as unordered labels at the
    nominal, ordinal, interval and ratio levels; at the masi level they are undefined. Percent
    agreement counts identical values. ``n_categories`` is AC1's number of categories.

    ``metrics`` (short names of :data:`METRICS`) asks for some coefficients only: the report then
    has the keys of those (``pairs`` with Cohen's kappa), besides units, coders, level and
    undefined, and nothing else is computed.
    """
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}")
    if len(coders) != data.n_coders:
        raise ValueError("one coder name per column is needed")
    wanted = set(TABLE_KEYS)
    if metrics is not None:
        unknown = set(metrics) - METRICS.keys()
        if unknown:
            raise ValueError(f"unknown metric(s): {', '.join(sorted(unknown))}")
        wanted = {
            "units",
            "pairable_units",
            "coders",
            "level",
            "undefined",
            *(METRICS[m] for m in metrics),
        }
        if "cohen_kappa" in wanted:
            wanted.add("pairs")
    undefined: dict[str, str] = {}
    report: dict[str, Any] = {
        "units": data.n_units,
        "pairable_units": pairable_units(data),
        "coders": list(coders),
        "level": level,
    }
    if "percent_agreement" in wanted:
        _put(report, undefined, "percent_agreement", percent_agreement(data))
    if "krippendorff_alpha" in wanted:
        _put(report, undefined, "krippendorff_alpha", krippendorff_alpha(data, level))
    pairs: list[dict[str, Any]] = []
    if level == "masi":
        for key in ("fleiss_kappa", "gwet_ac1", "cohen_kappa", "scott_pi"):
            if key in wanted:
                _put(report, undefined, key, Coefficient.undefined(MASI_NOMINAL))
    else:
        if "fleiss_kappa" in wanted:
            _put(report, undefined, "fleiss_kappa", fleiss_kappa(data))
        if "gwet_ac1" in wanted:
            _put(report, undefined, "gwet_ac1", gwet_ac1(data, n_categories=n_categories))
        pairwise = "cohen_kappa" in wanted or ("scott_pi" in wanted and data.n_coders == 2)
        tables = pair_tables(data) if pairwise and data.n_coders >= 2 else None
        if "cohen_kappa" in wanted:
            kappas = cohen_kappa_pairs(data, tables) if tables is not None else {}
            pairs = _pairs(coders, kappas, undefined)
            if data.n_coders == 2 and data.n_units > 0:
                _put(report, undefined, "cohen_kappa", kappas[(0, 1)][0])
            elif data.n_units == 0 or data.n_coders < 2:
                _put(report, undefined, "cohen_kappa", percent_agreement(data))  # same reason
            else:
                _put(
                    report,
                    undefined,
                    "cohen_kappa",
                    Coefficient.undefined(TWO_CODERS_ONLY + "; see pairs"),
                )
        if "scott_pi" in wanted:
            _put(report, undefined, "scott_pi", scott_pi(data, tables))
    report["pairs"] = pairs
    report["undefined"] = undefined
    return {key: report[key] for key in TABLE_KEYS if key in wanted}


def _pairs(
    coders: Sequence[str],
    kappas: dict[tuple[int, int], tuple[Coefficient, int]],
    undefined: dict[str, str],
) -> list[dict[str, Any]]:
    pairs: list[dict[str, Any]] = []
    for (i, j), (kappa, shared) in kappas.items():
        pairs.append(
            {"coders": [coders[i], coders[j]], "cohen_kappa": kappa.value, "units": shared}
        )
        if kappa.reason is not None:
            undefined[f"cohen_kappa[{coders[i]}, {coders[j]}]"] = kappa.reason
    return pairs


def agreement_report(
    exchange: dict[str, Any],
    *,
    categories: Sequence[str] | None = None,
    coders: Sequence[str] | None = None,
    documents: Sequence[str] | None = None,
    bootstrap: int = 1000,
    seed: int = 0,
    progress: Progress | None = None,
    source: str | None = None,
) -> dict[str, Any]:
    """Agreement on an exchange document: overall (category sets) and per category.

    Returns ``{"units", "pairable_units", "coders", "overall", "per_category"}``: ``units`` is
    every clause, ``pairable_units`` those coded by two or more coders. ``overall`` holds alpha
    over sets with the MASI distance and its bootstrap interval (``bootstrap`` resamples from
    ``seed``; 0 skips it), alpha treating each distinct set as a nominal value, percent agreement
    on identical sets and the reasons for any undefined value. ``per_category`` maps each
    category key to a :func:`table_report` of present/absent per clause. ``progress(done,
    total)`` is called after each step.
    """
    table = unit_values(
        exchange, categories=categories, coders=coders, documents=documents, source=source
    )
    total = len(table.categories) + 1
    sets = table.set_codes()
    undefined: dict[str, str] = {}
    overall: dict[str, Any] = {}
    _put(overall, undefined, "krippendorff_alpha_masi", krippendorff_alpha(sets, "masi"))
    overall["krippendorff_alpha_masi_ci"] = alpha_bootstrap(
        sets, "masi", samples=bootstrap, seed=seed
    )
    _put(overall, undefined, "krippendorff_alpha_nominal_sets", krippendorff_alpha(sets, "nominal"))
    _put(overall, undefined, "percent_agreement", percent_agreement(sets))
    overall["undefined"] = undefined
    if progress:
        progress(1, total)
    per_category: dict[str, Any] = {}
    for n, key in enumerate(table.categories):
        per_category[key] = table_report(table.category_codes(n), table.labels, n_categories=2)
        if progress:
            progress(n + 2, total)
    return {
        "units": len(table.units),
        "pairable_units": pairable_units(sets),
        "coders": list(table.labels),
        "overall": overall,
        "per_category": per_category,
    }
