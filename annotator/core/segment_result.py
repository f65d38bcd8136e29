"""What the segmenter returns: clauses, notes and the modes it cuts in.

Apart from :mod:`annotator.core.segment` (its rules compile many patterns at import), so that
showing a plan's stored notes does not load the segmenter.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Clause:
    """A span ``[start, end)`` of code points in the normalised text, labelled "5", "10.b"..."""

    label: str
    start: int
    end: int
    kind: str = "paragraph"  # point | subpoint | bullet | heading | preamble | paragraph


@dataclass(frozen=True)
class Note:
    """Something the segmenter noticed: ``kind`` is stable for programs, ``message`` is for people.

    Kinds: ``gap``, ``late_start``, ``repeated``, ``restart``, ``footnotes``, ``delimiter``,
    ``run_together``, ``table``, ``unfollowable``, ``paragraphs``, ``page_furniture``,
    ``misread``, ``front_list``, ``inserted``.
    """

    kind: str
    message: str


@dataclass(frozen=True)
class Segmentation:
    """The clauses of a text and the notes about how they were found."""

    clauses: list[Clause]
    notes: list[Note] = field(default_factory=list)


MODES = ("auto", "paragraphs")


def parse_notes(value: str | None) -> tuple[str, list[Note]]:
    """The mode and notes of a plan's stored ``segment/<key>`` setting (JSON)."""
    if not value:
        return "auto", []
    try:
        data = json.loads(value)
        notes = [Note(str(n["kind"]), str(n["message"])) for n in data.get("notes", [])]
        return str(data.get("mode", "auto")), notes
    except (ValueError, TypeError, KeyError, AttributeError):
        return "auto", []  # a damaged row hides the notes, never the plan
