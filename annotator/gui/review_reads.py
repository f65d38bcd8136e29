"""What the disagreements window lists, read in one go: on a team server off the UI thread.

Moving through the list then reads nothing: each coder's memos and the consensus layer's marks
come with it (before, each move asked the server for every coder's coding of the clause).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from annotator.services.review import Disagreement, coding_by_coder, disagreements
from annotator.services.types import ClauseCoding

if TYPE_CHECKING:
    from annotator.services.project import Project


@dataclass(frozen=True)
class Listed:
    """What the list shows, read in one go (on a team server off the UI thread): the plan's
    disagreements, its text, every coder's coding of it (their memos beside their sets, the
    consensus layer's marks) and the coders' names."""

    items: list[Disagreement]
    text: str
    by_coder: dict[str, dict[int, ClauseCoding]]
    names: dict[str, str]


def read_list(project: Project, key: str | None, category: str | None) -> Listed:
    if key is None:
        return Listed([], "", {}, {})
    from annotator.services.reads import read_mapped

    return read_mapped(
        lambda: Listed(
            disagreements(project, key, category=category),
            project.document(key).text,
            coding_by_coder(project, key),
            {c.id: c.name for c in project.coders()},
        )
    )
