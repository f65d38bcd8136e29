"""When a project cannot be opened: one message, and for a damaged project its backup.

A damaged project is never opened or written. If a backup lies beside it (one is made before each
upgrade), the user may open a *copy* of that backup under a new name, so the damaged file and the
backup both stay as they were for whoever wants to rescue more.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Protocol

from PySide6.QtWidgets import QMessageBox, QWidget

from annotator.core.errors import AnnotatorError, DamagedProjectError
from annotator.gui.file_actions import PROJECT_SUFFIX


class _Window(Protocol):
    def show_error(self, title: str, message: str) -> None: ...


def report_open_failure(parent: _Window, error: AnnotatorError) -> Path | None:
    """Show why the project did not open; returns a project to open instead, if the user chose one.

    For a damaged project with a backup the dialog offers to open a copy of the backup
    (default button: Cancel, so Enter never replaces anything by accident).
    """
    if not isinstance(error, DamagedProjectError) or not error.backup:
        parent.show_error("Cannot open the project", str(error))
        return None
    assert isinstance(parent, QWidget)
    backup = Path(error.backup)
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("The project is damaged")
    name = Path(error.source).name if error.source else "This project"
    box.setText(f"{name} is damaged and cannot be opened.")
    box.setInformativeText(
        f"A backup made on {_when(backup)} lies beside it ({backup.name}).\n\n"
        "Open a copy of the backup? Work done after the backup is not in it. "
        "The damaged file and the backup stay as they are."
    )
    box.setDetailedText(str(error))
    restore = box.addButton("Open a Copy of the Backup", QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    box.exec()
    if box.clickedButton() is not restore:
        return None
    source = Path(error.source) if error.source else backup
    try:
        return copy_backup(backup, source)
    except OSError as exc:
        QMessageBox.warning(
            parent,
            "Cannot copy the backup",
            f"{backup}: {exc.strerror or exc}; nothing was changed",
        )
        return None


def copy_backup(backup: Path, project: Path) -> Path:
    """Copy ``backup`` beside ``project`` under a new, unused name, and return that name."""
    name = project.name
    stem = name[: -len(PROJECT_SUFFIX)] if name.endswith(PROJECT_SUFFIX) else project.stem
    suffix = PROJECT_SUFFIX if name.endswith(PROJECT_SUFFIX) else project.suffix or ".sqlite"
    label = backup.name.rsplit(".", 1)[-1]  # "bak-0005"
    for n in range(1, 1000):
        extra = f" {n}" if n > 1 else ""
        target = project.with_name(f"{stem} (from {label}{extra}){suffix}")
        if not target.exists():
            break
    else:
        raise FileExistsError(f"too many copies of {backup.name}")
    tmp = target.with_name(target.name + ".part")
    shutil.copyfile(backup, tmp)
    tmp.replace(target)
    return target


def _when(path: Path) -> str:
    import datetime as dt

    try:
        stamp = dt.datetime.fromtimestamp(path.stat().st_mtime)
    except OSError:
        return "an unknown date"
    return stamp.strftime("%Y-%m-%d %H:%M")
