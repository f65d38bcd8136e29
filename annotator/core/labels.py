"""Clause labels stay unique within a plan (the scheme is in :mod:`annotator.core.segment`).

A label that is taken gets the first free Latin suffix, as a repeated number does in the text:
``"4"`` → ``"4bis"`` → ``"4ter"``… and past the eighth, ``"4(10)"``. Splitting a clause gives
its second part the next free variant of the same number (``"5"`` → ``"5bis"``, ``"5bis"`` →
``"5ter"``), so a split reads like a repeated number and never repeats a label.
"""

from __future__ import annotations

import re
from collections.abc import Collection

SUFFIXES = ("bis", "ter", "quater", "quinquies", "sexies", "septies", "octies", "novies")

# A suffix counts only after a digit or a closing bracket ("4bis", "(2)ter"): "Charter" keeps its
# "ter". Longest first, so "4quater" is 4 + quater, not 4qua + ter.
_VARIANT = re.compile(
    r"^(?P<base>.*[\d)])(?:" + "|".join(sorted(SUFFIXES, key=len, reverse=True)) + r"|\(\d+\))$"
)


def unique(label: str, used: Collection[str]) -> str:
    """``label`` with the first suffix that makes it free in ``used``."""
    for suffix in SUFFIXES:
        if label + suffix not in used:
            return label + suffix
    n = len(SUFFIXES) + 2
    while f"{label}({n})" in used:
        n += 1
    return f"{label}({n})"


def base(label: str) -> str:
    """The label without its suffix: ``"5bis"`` and ``"5(11)"`` → ``"5"``; ``"5"`` stays."""
    m = _VARIANT.match(label)
    return m.group("base") if m else label


def split_label(label: str, used: Collection[str]) -> str:
    """The label of the second part when a clause labelled ``label`` is split."""
    return unique(base(label), used)


def join_label(first: str, second: str, used: Collection[str]) -> str:
    """The label of two clauses joined: ``"5–6"``; a split joined back (``"5"`` and ``"5bis"``)
    is ``"5"`` again. ``used`` are the other clauses' labels."""
    if base(first) == base(second):
        label = second if second == base(second) else first  # the one without a suffix
    else:
        label = f"{first}–{second}"
    return label if label not in used else unique(label, used)
