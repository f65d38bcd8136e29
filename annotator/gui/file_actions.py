"""File menu jobs: import several plans, merge annotation files, export one coder, back up.

Each function takes the main window; the file dialogs are module functions so tests can replace
them. Long jobs run through :func:`annotator.gui.jobs.run_with_progress`.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QDialog, QFileDialog, QWidget

from annotator.core.errors import AnnotatorError
from annotator.gui import import_preview
from annotator.gui.import_preview import PlanChoice
from annotator.gui.jobs import Progress, run_with_progress
from annotator.gui.merge_preview import MergePreviewDialog

if TYPE_CHECKING:
    from annotator.gui.main_window import MainWindow
    from annotator.services.exchange import MergePlan

EXCHANGE_SUFFIX = ".plan-annotations.json"
_FORMAT = re.compile(rb'"format"\s*:\s*"plan-annotations"')
PEEK = 65536
PROJECT_SUFFIX = ".annotator.sqlite"
PROJECT_FILTER = "Projects (*.annotator.sqlite *.sqlite);;All files (*)"


def ask_open_files(parent: QWidget, title: str, filter_: str) -> list[str]:
    files, _ = QFileDialog.getOpenFileNames(parent, title, "", filter_)
    return list(files)


def ask_save_file(parent: QWidget, title: str, suggested: str, filter_: str) -> str | None:
    path, _ = QFileDialog.getSaveFileName(parent, title, suggested, filter_)
    return path or None


def ask_project_to_open(parent: QWidget) -> str | None:
    path, _ = QFileDialog.getOpenFileName(parent, "Open project", "", PROJECT_FILTER)
    return path or None


def ask_new_project(parent: QWidget) -> str | None:
    path, _ = QFileDialog.getSaveFileName(
        parent, "New project", f"untitled{PROJECT_SUFFIX}", PROJECT_FILTER
    )
    return path or None


def preview_merge(plan: MergePlan, parent: QWidget) -> bool:
    """Show the merge preview modally; True to apply."""
    dialog = MergePreviewDialog(plan, parent)
    try:
        return dialog.exec() == QDialog.DialogCode.Accepted
    finally:
        dialog.deleteLater()


def is_exchange_file(path: str | Path) -> bool:
    """A .json that says it is a ``plan-annotations`` file (checked on its first 64 KB).

    A file too big to look through whole is assumed to be one: the merge validates it anyway.
    """
    p = Path(path)
    if p.suffix.lower() != ".json":
        return False
    try:
        with open(p, "rb") as fh:
            head = fh.read(PEEK)
    except OSError:
        return True  # the merge reports the error with the file's name
    return bool(_FORMAT.search(head)) or len(head) >= PEEK


def open_files(window: MainWindow, files: Sequence[str]) -> None:
    """Files from the command line or a drop: exchange files and .qdpx merge, plans import."""
    exchange = [f for f in files if is_exchange_file(f)]
    qdpx = [f for f in files if Path(f).suffix.lower() == ".qdpx"]
    plans = [f for f in files if f not in exchange and f not in qdpx]
    if plans:
        import_plans(window, plans)
    if exchange:
        merge_files(window, exchange)
    for name in qdpx:
        merge_qdpx(window, name)


# -- import ------------------------------------------------------------------------------------


def import_plans(window: MainWindow, files: Sequence[str], preview: bool = False) -> list[str]:
    """Import plan files, each in its own transaction, in a worker with a Cancel button.

    With ``preview`` the user first sees each file's clauses, labels and notes, and may choose
    "paragraphs only" (:mod:`annotator.gui.import_preview`); Cancel there imports nothing.
    Cancel during the job stops before the next file; the files already imported stay. Returns
    the keys of the documents imported (or already present).
    """
    ws = window.workspace
    if ws is None:
        return []
    project = ws.project
    done: list[tuple[str, str, int, bool]] = []
    errors: list[str] = []
    chosen: dict[str, PlanChoice] = {}
    noted: dict[str, int] = {}  # segmentation notes per plan, for the status line
    if preview:
        choices = import_preview.review_import(window, files)
        if choices is None:
            return []
        chosen = {c.path: c for c in choices}

    def job(progress: Progress) -> None:
        for i, name in enumerate(files):
            progress(i, len(files))  # raises Cancelled once the user has cancelled
            choice = chosen.get(name)
            try:
                if choice is not None and choice.error:
                    raise AnnotatorError(choice.error)
                if choice is not None:  # read once already, for the preview
                    result = project.import_text(
                        choice.title,
                        choice.text,
                        source_name=Path(name).name,
                        mode=choice.mode,
                    )
                else:
                    result = project.import_plan(name)
            except AnnotatorError as exc:
                errors.append(str(exc))
                continue
            except OSError as exc:
                errors.append(f"{name}: {exc.strerror or exc}")
                continue
            done.append((result.document_key, result.title, result.clauses, result.already_present))
            noted[result.document_key] = len(result.notes)
        progress(len(files), len(files))

    label = (
        f"Importing {len(files)} plans…" if len(files) > 1 else f"Importing {Path(files[0]).name}…"
    )
    try:
        finished = run_with_progress(window, label, job, delay_ms=0 if len(files) > 1 else 400)
    except AnnotatorError as exc:  # pragma: no cover - the job catches per file
        errors.append(str(exc))
        finished = None
    cancelled = finished is None and not errors and len(done) < len(files)
    for message in errors:
        window.show_error("Cannot import the plan", message)
    if done:
        key, title, clauses, present = done[-1]
        note = "was already in the project" if present else "imported"
        extra = f" ({len(done)} of {len(files)} files; cancelled)" if cancelled else ""
        notes = noted.get(key, 0)
        if notes:
            extra += f"; {notes} note{'s' if notes > 1 else ''} on the source above the clauses"
        window.statusBar().showMessage(f"{title}: {note} ({clauses} clauses){extra}.", 6000)
        window.reload_documents()
        window.open_document(key)
    elif cancelled:
        window.statusBar().showMessage("Import cancelled: nothing imported.", 6000)
    return [d[0] for d in done]


# -- merge -------------------------------------------------------------------------------------


def merge_dialog(window: MainWindow) -> None:
    files = ask_open_files(
        window, "Merge annotation files", "Annotation files (*.json);;All files (*)"
    )
    if files:
        merge_files(window, files)


def merge_files(window: MainWindow, files: Sequence[str]) -> bool:
    """Plan the merge in a worker, preview it, and apply it as one undoable edit."""
    ws = window.workspace
    if ws is None:
        return False
    from annotator.services.exchange import plan_merge

    project = ws.project
    names = ", ".join(Path(f).name for f in files)
    try:
        plan = run_with_progress(
            window,
            f"Reading and merging {names}…",
            lambda progress: plan_merge(project, list(files), progress),
        )
    except AnnotatorError as exc:
        window.show_error("Cannot merge", str(exc))
        return False
    if plan is None:
        window.statusBar().showMessage("Merge cancelled: nothing changed.", 6000)
        return False
    return apply_planned(window, plan)


def merge_qdpx(window: MainWindow, name: str) -> bool:
    """A REFI-QDA project: converted, previewed and merged like an exchange file."""
    ws = window.workspace
    if ws is None:
        return False
    from annotator.services.refi import plan_qdpx_merge

    project = ws.project
    try:
        plan = run_with_progress(
            window, f"Reading {Path(name).name}…", lambda _p: plan_qdpx_merge(project, name)
        )
    except AnnotatorError as exc:
        window.show_error("Cannot merge", str(exc))
        return False
    if plan is None:
        return False
    return apply_planned(window, plan)


def apply_planned(window: MainWindow, plan: MergePlan) -> bool:
    ws = window.workspace
    if ws is None or not window.preview_merge(plan, window):
        window.statusBar().showMessage("Merge not applied: nothing changed.", 6000)
        return False
    from annotator.services.exchange import apply_merge

    edit = ws._do(lambda: apply_merge(ws.project, plan))
    if edit is None:
        return False
    if edit.empty:
        window.statusBar().showMessage("The merge changed nothing: all already here.", 6000)
    else:
        window.statusBar().showMessage(f"{edit.label}: {plan.summary()}.", 8000)
    return True


# -- export and backup -------------------------------------------------------------------------


def export_annotations(window: MainWindow) -> Path | None:
    """The current coder's exchange file (Contract 2), for the team to merge."""
    ws = window.workspace
    if ws is None:
        return None
    from annotator.services.exchange import write_exchange_file

    suggested = f"{_safe(ws.coder_name)}{EXCHANGE_SUFFIX}"
    target = ask_save_file(window, "Export my annotations", suggested, "Annotation files (*.json)")
    if not target:
        return None
    try:
        counts = write_exchange_file(ws.project, target, ws.coder_id)
    except AnnotatorError as exc:
        window.show_error("Cannot export", str(exc))
        return None
    window.statusBar().showMessage(
        f"Exported {counts['annotations']} annotations and {counts['reviews']} reviews "
        f"to {Path(target).name}.",
        8000,
    )
    return Path(target)


def backup_name(project_path: Path, today: _dt.date | None = None) -> str:
    """``<name>-YYYY-MM-DD.annotator.sqlite`` for a project file."""
    name = project_path.name
    for suffix in (".sqlite", ".db", ".annotator"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    return f"{name or 'project'}-{(today or _dt.date.today()).isoformat()}.annotator.sqlite"


def backup_project(window: MainWindow) -> Path | None:
    """A consistent copy of the open project (SQLite backup API), safe while coding."""
    ws = window.workspace
    if ws is None or ws.project.path is None:
        return None
    from annotator.storage.db import backup_sqlite

    source = Path(ws.project.path)
    suggested = str(source.with_name(backup_name(source)))
    target = ask_save_file(window, "Back up project", suggested, "Projects (*.sqlite)")
    if not target:
        return None
    if Path(target).resolve() == source.resolve():
        window.show_error("Cannot back up", "Choose another file than the project itself.")
        return None
    try:
        backup_sqlite(source, Path(target))
    except AnnotatorError as exc:
        window.show_error("Cannot back up", str(exc))
        return None
    window.statusBar().showMessage(f"Backed up to {target}.", 8000)
    return Path(target)


# -- projects ----------------------------------------------------------------------------------


def open_project_dialog(window: MainWindow) -> bool:
    """File ▸ Open project…: pick an existing project file and switch to it."""
    path = ask_project_to_open(window)
    return window.switch_project(path, create=False) if path else False


def new_project_dialog(window: MainWindow) -> bool:
    """File ▸ New project…: name a new project file, create it empty and switch to it."""
    name = ask_new_project(window)
    if not name:
        return False
    path = Path(name)
    if not path.name.endswith(".sqlite"):
        path = path.with_name(path.name + PROJECT_SUFFIX)
    if path.exists() and path.stat().st_size > 0:
        # Never overwrite someone's coding: opening it is what they most likely want.
        window.show_error(
            "Cannot create the project",
            f"{path} already exists. Use File ▸ Open project… to open it.",
        )
        return False
    return window.switch_project(path, create=True)


def open_data_folder() -> bool:
    from annotator.services.paths import data_dir

    folder = data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))


def _safe(name: str) -> str:
    """A coder's name usable as a file name on every system."""
    cleaned = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "_", name).strip(" .")
    return cleaned or "coder"
