"""A plan's count in the plan list when a write to it commits after the coder left it.

On a team server a coding key's write commits in the background; by then the coder may show
another plan. The count of the plan left behind is then neither in the clause list (which
holds another plan) nor read again until that plan is opened, so it comes with the write: its
thread read it right after committing (:attr:`ReadBack.coded`). If the coder left only after that
read, the plan list's counts are read again, off the UI thread on a server.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from annotator.gui.main_window import MainWindow
    from annotator.gui.saving import ReadBack
    from annotator.services.types import DocumentSummary


def recount_left_plan(w: MainWindow, key: str, read: ReadBack | None) -> None:
    """Set plan ``key``'s coded count in the plan list (it is not the plan shown)."""
    ws = w.workspace
    if ws is None:
        return
    if read is not None and read.coder_id == ws.coder_id and read.coded is not None:
        w.documents.set_coded(key, read.coded)
        return
    coder = ws.coder_id

    def show(documents: list[DocumentSummary]) -> None:
        if w.workspace is not ws or ws.coder_id != coder:
            return  # another project or coder since: its own counts are shown
        shown = w.navigator.shown_key()
        for doc in documents:
            if doc.key != shown:  # the plan shown counts its own rows, saving ones too
                w.documents.set_coded(doc.key, doc.coded, doc.clauses)

    ws.read(lambda: ws.project.documents(coder), show, title="Cannot count the plans")
