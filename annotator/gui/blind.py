"""Blind mode, one rule for every window that would show other coders' work.

Blind mode keeps each coder's work from the others (see :func:`annotator.services.review.blind_mode`
for its default). Reviewer mode, the Agreement window and the Disagreements window all show
other coders' tags, so each of them asks through :func:`may_show_others` before it opens.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from annotator.gui.workspace import Workspace

Confirm = Callable[[QWidget | None, str, str], bool]

TITLE = "Blind mode is on"


def question(what: str) -> str:
    """The confirmation text for a window showing ``what``."""
    return (
        f"Blind mode keeps each coder's work from the others. Show {what} anyway (as a reviewer)?"
    )


def may_show_others(
    parent: QWidget | None, workspace: Workspace, confirm: Confirm, what: str
) -> bool:
    """True when other coders' work may be shown: blind mode is off, or the user confirms."""
    from annotator.services.review import blind_mode

    if not blind_mode(workspace.project):
        return True
    return confirm(parent, TITLE, question(what))
