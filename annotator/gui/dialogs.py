"""Small dialogs: who is coding, and About."""

from __future__ import annotations

import getpass
from collections.abc import Sequence

from PySide6.QtWidgets import QInputDialog, QMessageBox, QWidget

import annotator


def ask_coder_name(parent: QWidget | None, known: Sequence[str]) -> str | None:
    """Ask who is coding: pick a coder of this project or type a new name."""
    try:
        suggestion = getpass.getuser()
    except Exception:  # no login name (containers, some Windows services)
        suggestion = ""
    items = list(known) or [suggestion]
    name, ok = QInputDialog.getItem(
        parent,
        "Who is coding?",
        "Your name as a coder (it is recorded with every tag you make):",
        items,
        0,
        True,
    )
    return name.strip() if ok and name.strip() else None


def show_about(parent: QWidget | None, data_folder: str, project_path: str) -> None:
    """The About box: version, licence and where the data lives."""
    QMessageBox.about(
        parent,
        "About Plan Annotator",
        f"<h3>Plan Annotator {annotator.__version__}</h3>"
        "<p>Code plan documents clause by clause, merge coders' work, measure agreement "
        "and export datasets.</p>"
        "<p>Licence: MIT</p>"
        f"<p>Data folder: <code>{data_folder}</code><br>"
        f"Project: <code>{project_path}</code></p>",
    )
