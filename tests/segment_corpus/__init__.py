"""The segmentation corpus: synthetic plans with the labels their authors gave them.

Each case in ``tests/fixtures/segment_corpus/cases.json`` names a plan file, the phenomena it
shows (gaps, late starts, mixed delimiters, run-together points ...), the exact labels of its
points and sub-points, optionally of its bullets and the texts of its headings, and substrings
its notes must contain.
``python -m tests.segment_corpus`` prints the score per phenomenon; the tests require every case.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "segment_corpus"


@dataclass(frozen=True)
class Case:
    file: str
    phenomena: tuple[str, ...]
    points: tuple[str, ...]
    subpoints: tuple[str, ...] | None
    bullets: tuple[str, ...] | None
    notes: tuple[str, ...] = field(default=())
    headings: tuple[str, ...] | None = None  # their texts, whitespace collapsed

    @property
    def path(self) -> Path:
        return CORPUS / self.file

    @property
    def name(self) -> str:
        return self.path.stem


def load_cases() -> list[Case]:
    data = json.loads((CORPUS / "cases.json").read_text("utf-8"))
    out = []
    for raw in data["cases"]:
        out.append(
            Case(
                raw["file"],
                tuple(raw["phenomena"]),
                tuple(raw["points"]),
                tuple(raw["subpoints"]) if "subpoints" in raw else None,
                tuple(raw["bullets"]) if "bullets" in raw else None,
                tuple(raw.get("notes", ())),
                tuple(raw["headings"]) if "headings" in raw else None,
            )
        )
    return out


def problems(case: Case, clauses: list[dict[str, Any]], notes: list[str]) -> list[str]:
    """What is wrong with a segmentation of ``case`` (``clauses`` as in ``segment --json``)."""
    out = []

    def of(kind: str) -> list[str]:
        return [c["label"] for c in clauses if c["kind"] == kind]

    all_labels = [c["label"] for c in clauses]
    duplicates = sorted({lb for lb in all_labels if all_labels.count(lb) > 1})
    if duplicates:
        out.append(f"duplicate labels {duplicates}")
    checks = [("points", "point", case.points), ("subpoints", "subpoint", case.subpoints)]
    checks.append(("bullets", "bullet", case.bullets))
    for what, kind, expected in checks:
        if expected is not None and of(kind) != list(expected):
            out.append(f"{what}: expected {list(expected)}, got {of(kind)}")
    if case.headings is not None:
        found = [" ".join(c["text"].split()) for c in clauses if c["kind"] == "heading"]
        if found != list(case.headings):
            out.append(f"headings: expected {list(case.headings)}, got {found}")
    joined = "\n".join(notes)
    for needle in case.notes:
        if needle not in joined:
            out.append(f"no note mentions {needle!r} (notes: {notes})")
    return out


def segment_case(case: Case) -> tuple[list[dict[str, Any]], list[str]]:
    from annotator.core.readers import read_plan
    from annotator.core.segment import segment_plan

    plan = read_plan(case.path)
    result = segment_plan(plan.text)
    clauses = [
        {
            "label": c.label,
            "kind": c.kind,
            "start": c.start,
            "end": c.end,
            "text": plan.text[c.start : c.end],
        }
        for c in result.clauses
    ]
    return clauses, [n.message for n in result.notes]


def score(cases: list[Case] | None = None) -> dict[str, tuple[int, int]]:
    """Per phenomenon: (cases passed, cases)."""
    table: dict[str, list[int]] = {}
    for case in cases if cases is not None else load_cases():
        clauses, notes = segment_case(case)
        ok = not problems(case, clauses, notes)
        for phenomenon in (*case.phenomena, "all"):
            row = table.setdefault(phenomenon, [0, 0])
            row[0] += ok
            row[1] += 1
    return {k: (v[0], v[1]) for k, v in table.items()}
