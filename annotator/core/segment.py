"""Automatic segmentation of a plan into clauses (Contract 1). Placeholder until the real segmenter lands."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Clause:
    """A span ``[start, end)`` of code points in the normalised text, with a label like "5" or "10.b"."""

    label: str
    start: int
    end: int
    kind: str = "paragraph"  # point | subpoint | bullet | heading | preamble | paragraph


def segment(text: str) -> list[Clause]:
    """Paragraphs only; replaced by the full segmenter."""
    clauses = []
    pos = 0
    n = 0
    for block in text.split("\n\n"):
        stripped = block.strip()
        if stripped:
            start = text.index(stripped, pos)
            n += 1
            clauses.append(Clause(f"¶{n}", start, start + len(stripped)))
            pos = start + len(stripped)
        else:
            pos += len(block)
        pos += 0
    return clauses
