"""Contract 3 units from an exchange document, and the report built on them."""

from __future__ import annotations

import copy
import hashlib
from typing import Any

import pytest

from annotator.core.agreement import TABLE_KEYS, agreement_report, unit_values
from annotator.core.errors import FormatError, InputError

T = "2026-01-05T10:00:00Z"
TEXT = "".join(f"{n}. Points\n" for n in range(1, 5))  # four clauses of 10 characters
DOC = hashlib.sha256(TEXT.encode("utf-8")).hexdigest()
A, B, C = (f"00000000-0000-4000-8000-00000000000{x}" for x in "abc")


def _ann(ident: str, coder: str, clause: list[int], category: str, **extra: Any) -> dict[str, Any]:
    item = {
        "id": f"10000000-0000-4000-8000-00000000000{ident}",
        "coder": coder,
        "document": DOC,
        "clause": clause,
        "category": category,
        "span": None,
        "memo": "",
        "created": T,
        "updated": T,
        "deleted": False,
    }
    item.update(extra)
    return item


def _review(coder: str, clause: list[int], status: str) -> dict[str, Any]:
    return {"coder": coder, "document": DOC, "clause": clause, "status": status, "updated": T}


EXCHANGE: dict[str, Any] = {
    "format": "plan-annotations",
    "version": 1,
    "codebook": {
        "categories": [
            {"key": k, "name": k, "description": "", "color": "#000000", "parent": None}
            for k in ("security", "territorial", "economic", "military_cap")
        ]
    },
    "coders": [
        {"id": A, "name": "Olena"},
        {"id": B, "name": "Bohdan"},
        {"id": C, "name": "Consensus", "consensus": True},
    ],
    "documents": [
        {
            "key": DOC,
            "title": "28-point draft",
            "text": TEXT,
            "clauses": [
                {"start": s, "end": s + 10, "label": str(s // 10 + 1)} for s in range(0, 40, 10)
            ],
        }
    ],
    "annotations": [
        _ann("1", A, [0, 10], "security"),
        _ann("2", A, [10, 20], "economic", span=[12, 15]),  # a span counts for its clause
        _ann("3", A, [30, 40], "territorial", deleted=True),  # a tombstone never counts
        _ann("4", B, [0, 10], "security"),
        _ann("5", B, [0, 10], "territorial"),
        _ann("6", B, [30, 40], "military_cap"),
        _ann("7", C, [0, 10], "security"),
    ],
    "reviews": [
        _review(A, [20, 30], "done"),  # reviewed without tags: the empty set
        _review(B, [10, 20], "none"),
    ],
}


def test_values_per_clause_and_coder() -> None:
    table = unit_values(EXCHANGE)
    assert table.units == tuple((DOC, s, s + 10) for s in range(0, 40, 10))
    assert table.labels == ("Bohdan", "Olena")  # the consensus pseudo-coder is left out
    olena, bohdan = table.labels.index("Olena"), table.labels.index("Bohdan")
    assert table.value(0, olena) == {"security"}
    assert table.value(0, bohdan) == {"security", "territorial"}
    assert table.value(1, olena) == {"economic"}
    assert table.value(1, bohdan) == frozenset()
    assert table.value(2, olena) == frozenset()
    assert table.value(2, bohdan) is None
    assert table.value(3, olena) is None  # only a tombstone: unreviewed
    assert table.value(3, bohdan) == {"military_cap"}


def test_only_finished_reviews_count() -> None:
    other = copy.deepcopy(EXCHANGE)
    other["reviews"].append(_review(B, [20, 30], "started"))
    table = unit_values(other)
    assert table.value(2, table.labels.index("Bohdan")) is None


def test_consensus_is_included_only_on_request() -> None:
    assert "Consensus" in unit_values(EXCHANGE, include_consensus=True).labels
    table = unit_values(EXCHANGE, coders=["Consensus", A])
    assert table.labels == ("Consensus", "Olena")


def test_filters() -> None:
    table = unit_values(EXCHANGE, categories=["security"], documents=["28-point draft"])
    assert table.categories == ("security",)
    olena = table.labels.index("Olena")
    assert table.value(1, olena) == frozenset()  # tagging another category still reviews it
    with pytest.raises(InputError, match="nobody"):
        unit_values(EXCHANGE, coders=["nobody"])
    with pytest.raises(InputError, match="amnesty"):
        unit_values(EXCHANGE, categories=["amnesty"])
    with pytest.raises(InputError, match="no document"):
        unit_values(EXCHANGE, documents=["19-point"])


def test_bad_exchange_names_the_place() -> None:
    broken = copy.deepcopy(EXCHANGE)
    del broken["annotations"][4]["clause"]
    with pytest.raises(FormatError) as info:
        unit_values(broken, source="olena.json")
    assert "olena.json" in str(info.value) and "annotations[4]" in str(info.value)
    broken["annotations"][4]["clause"] = [1, "x"]
    with pytest.raises(FormatError, match=r"annotations\[4\]\.clause"):
        unit_values(broken)


def test_report_shape_and_values() -> None:
    report = agreement_report(EXCHANGE, bootstrap=50, seed=3)
    assert set(report) == {"units", "pairable_units", "coders", "overall", "per_category"}
    assert report["units"] == 4
    assert report["pairable_units"] == 2  # the two clauses both coders reviewed
    assert {r["pairable_units"] for r in report["per_category"].values()} == {2}
    assert report["coders"] == ["Bohdan", "Olena"]
    overall = report["overall"]
    # Pairable units: {security} vs {security, territorial} (MASI 2/3) and {economic} vs {} (1).
    # Do = (2*2/3 + 2*1)/4; De = 2*(2/3 + 5)/(4*3); alpha = 1 - Do/De = 4/34.
    assert overall["krippendorff_alpha_masi"] == pytest.approx(4 / 34)
    assert overall["krippendorff_alpha_nominal_sets"] == pytest.approx(0.0)
    assert overall["percent_agreement"] == pytest.approx(0.0)
    assert overall["krippendorff_alpha_masi_ci"]["samples"] == 50
    assert list(report["per_category"]) == ["security", "territorial", "economic", "military_cap"]
    for table in report["per_category"].values():
        assert tuple(table) == TABLE_KEYS
    security = report["per_category"]["security"]
    assert security["percent_agreement"] == 1.0 and security["krippendorff_alpha"] == 1.0
    assert security["pairs"] == [{"coders": ["Bohdan", "Olena"], "cohen_kappa": 1.0, "units": 2}]
    military = report["per_category"]["military_cap"]
    assert military["krippendorff_alpha"] is None  # never both coded with variation
    assert military["undefined"]["krippendorff_alpha"]
    assert military["fleiss_kappa"] is None and military["gwet_ac1"] is None
    assert agreement_report(EXCHANGE, bootstrap=50, seed=3) == report


def test_progress_is_reported() -> None:
    calls: list[tuple[int, int]] = []
    agreement_report(EXCHANGE, bootstrap=0, progress=lambda d, t: calls.append((d, t)))
    assert calls[-1] == (5, 5) and len(calls) == 5


def test_degenerate_documents_give_reasons_not_errors() -> None:
    empty = agreement_report({"format": "plan-annotations", "version": 1}, bootstrap=10)
    assert empty["units"] == 0 and empty["per_category"] == {}
    assert empty["overall"]["undefined"]["krippendorff_alpha_masi"] == "no units"
    lone = copy.deepcopy(EXCHANGE)
    lone["codebook"]["categories"] = []
    lone["annotations"] = []
    lone["reviews"] = [r for r in lone["reviews"] if r["coder"] == A]
    lone["coders"] = lone["coders"][:1]
    report = agreement_report(lone, bootstrap=10)
    assert report["coders"] == ["Olena"]
    assert report["overall"]["krippendorff_alpha_masi"] is None
    assert "two coders" in report["overall"]["undefined"]["krippendorff_alpha_masi"]


def test_a_category_that_is_not_a_key_is_a_format_error() -> None:
    broken = copy.deepcopy(EXCHANGE)
    broken["annotations"][0]["category"] = ["security"]
    with pytest.raises(FormatError, match=r"annotations\[0\]\.category"):
        unit_values(broken)
