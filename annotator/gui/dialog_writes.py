"""A dialog's write: at once locally; on a team server in the background, the dialog saying so.

The codebook editor and the disagreements window write through :meth:`Workspace.edit` like every
other edit. On a server the write waits for the network (or a row lock) on the runner's write
thread, so the dialog keeps answering keys; its status line says "Saving <what>…" meanwhile, and
either clears once the edit has committed (and is on the undo stack) or says in red what was not
saved and why. A dialog closed meanwhile is not called back: the edit is still recorded, and a
failure is shown as a message on the window instead.
"""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtWidgets import QLabel, QWidget

from annotator.core.edits import Edit
from annotator.gui.saving import save_in_background
from annotator.gui.workspace import Workspace

GREY = "#666666"
RED = "#b00020"


def show_failure(workspace: Workspace, dialog: QWidget, status: QLabel, message: str) -> None:
    """``message`` in red on the dialog's status line, or as a message if the dialog is closed."""
    if dialog.isVisible():
        status.setText(f"<span style='color:{RED}'>{html.escape(message)}</span>")
    else:
        workspace.ops.report("Not saved", message)


def write_from_dialog(
    workspace: Workspace,
    dialog: QWidget,
    status: QLabel,
    action: Callable[[], Edit],
    what: str,
    on_done: Callable[[Edit], None] | None = None,
    clause_ids: tuple[int, ...] = (),
) -> Edit | None:
    """Run the dialog's write ``action`` (named ``what`` for the user); ``on_done(edit)`` once
    it is on the undo stack. Returns the edit when written at once (a local project)."""
    saying = f"Saving {what}…"

    def done(edit: Edit) -> None:
        if status.text().endswith(html.escape(saying) + "</span>"):
            status.clear()
        if on_done is not None:
            on_done(edit)

    def failed(message: str) -> None:
        show_failure(workspace, dialog, status, message)

    status.clear()
    if not workspace.background:
        return workspace.edit(action, clause_ids, what=what, on_done=done, on_failed=failed)
    if save_in_background(
        workspace, action, clause_ids, what=what, on_done=done, on_failed=failed, owner=dialog
    ):
        status.setText(f"<span style='color:{GREY}'>{html.escape(saying)}</span>")
    else:  # a blocking job, or undo steps queued before it: the runner said why in the status bar
        failed(f"Not saved: {what}. Wait until the changes before it are saved, then try again.")
    return None
