"""The 2×2 confusion table of one category between two coders (issue 5, item 4).

Units are the Contract 3 clause units of :func:`~annotator.core.agreement.units.unit_values`,
kept only where both coders have a value (reviewed the clause); each coder's value is then
"present" or "absent" for the chosen category.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from annotator.core.agreement.units import unit_values
from annotator.core.errors import InputError


@dataclass(frozen=True)
class Disagreement:
    """A clause on which the two coders differ: its identity, label and who applied the category."""

    document: str
    start: int
    end: int
    label: str
    a_present: bool  # True: only coder A applied it; False: only coder B


@dataclass(frozen=True)
class Confusion:
    """Counts of present/absent for one category over the clauses both coders coded.

    ``coder_a``/``coder_b`` are coder ids, ``label_a``/``label_b`` their display names.
    """

    category: str
    coder_a: str
    coder_b: str
    label_a: str
    label_b: str
    both: int
    a_only: int
    b_only: int
    neither: int
    disagreements: tuple[Disagreement, ...]

    @property
    def units(self) -> int:
        """Clauses coded by both coders."""
        return self.both + self.a_only + self.b_only + self.neither

    def matrix(self) -> tuple[tuple[int, int], tuple[int, int]]:
        """Rows: A present, A absent; columns: B present, B absent."""
        return ((self.both, self.a_only), (self.b_only, self.neither))


def _matches(selector: str, ident: str, name: str) -> bool:
    # The same selectors unit_values accepts: id, name, or an id prefix of six or more.
    return selector in (ident, name) or (len(selector) >= 6 and ident.startswith(selector))


def confusion_table(
    exchange: dict[str, Any],
    category: str,
    coder_a: str,
    coder_b: str,
    *,
    documents: Sequence[str] | None = None,
    source: str | None = None,
) -> Confusion:
    """Cross-tabulate ``category`` between two coders (selected by id or name).

    Only clauses that both coders reviewed count (Contract 3: unreviewed is missing, not absent).
    Raises :class:`InputError` for an unknown category or coder, or if both select one coder.
    """
    table = unit_values(
        exchange,
        categories=[category],
        coders=[coder_a, coder_b],
        documents=documents,
        source=source,
    )
    if len(table.coders) != 2:
        raise InputError(f"choose two different coders, not {coder_a!r} twice")
    names = {
        str(c.get("id")): str(c.get("name") or "")
        for c in exchange.get("coders", [])
        if isinstance(c, dict)
    }
    first = table.coders[0]
    ia = 0 if _matches(coder_a, first, names.get(first, "")) else 1
    ib = 1 - ia

    both_coded = table.reviewed[:, ia] & table.reviewed[:, ib]
    a = table.present[:, ia, 0] & both_coded
    b = table.present[:, ib, 0] & both_coded

    labels: dict[tuple[str, int, int], str] = {}
    for doc in exchange.get("documents", []):
        for clause in doc.get("clauses", []):
            labels[(doc["key"], clause["start"], clause["end"])] = str(clause.get("label") or "")
    disagreements = tuple(
        Disagreement(*table.units[i], labels.get(table.units[i], ""), bool(a[i]))
        for i in np.flatnonzero(a != b)
    )
    return Confusion(
        category=category,
        coder_a=table.coders[ia],
        coder_b=table.coders[ib],
        label_a=table.labels[ia],
        label_b=table.labels[ib],
        both=int(np.count_nonzero(a & b)),
        a_only=int(np.count_nonzero(a & ~b)),
        b_only=int(np.count_nonzero(~a & b)),
        neither=int(np.count_nonzero(both_coded & ~a & ~b)),
        disagreements=disagreements,
    )
