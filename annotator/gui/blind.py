"""Blind mode, one rule for every window that would show other coders' work.

Blind mode keeps each coder's work from the others (see :func:`annotator.services.review.blind_mode`
for its default). Reviewer mode, the Agreement window and the Disagreements window all show
other coders' tags, so each of them asks through :func:`may_show_others` before it opens (on a
team server the setting is read off the UI thread first, and the window opens once it is known).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
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
    parent: QWidget | None,
    workspace: Workspace,
    confirm: Confirm,
    what: str,
    then: Callable[[], object],
    *,
    title: str,
) -> None:
    """Call ``then()`` when other coders' work may be shown: blind mode is off, or the user
    confirms. The setting is read through :meth:`Workspace.read`: at once locally (``then`` runs
    before this returns), off the UI thread on a team server, a failure one message (``title``).
    """
    from annotator.services.review import blind_mode

    project = workspace.project

    def decide(blind: bool) -> None:
        if workspace.ops.workspace is not workspace:
            return  # another project opened meanwhile
        if not blind or confirm(parent, TITLE, question(what)):
            then()

    def read_back(blind: bool) -> None:
        # A job's callback: the question (a Yes/No box) is asked from the application's loop,
        # as after a menu click, never inside the callback.
        QTimer.singleShot(0, lambda: decide(blind))

    show = read_back if workspace.background else decide
    workspace.read(lambda: blind_mode(project), show, title=title)
