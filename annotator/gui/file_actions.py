"""File menu jobs: import several plans, merge annotation files, export one coder, back up.

Each function takes the main window; the file dialogs are module functions so tests can replace
them. Long jobs run through the window's operation runner (:mod:`annotator.gui.ops`) and
return its :class:`~annotator.gui.ops.Job`.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QWidget

from annotator.core.changes import Kind, count
from annotator.core.edits import Edit
from annotator.core.errors import AnnotatorError
from annotator.core.wording import plural
from annotator.gui.ops import Job, Progress, message_for

if TYPE_CHECKING:
    from annotator.gui.import_preview import PlanChoice
    from annotator.gui.main_window import MainWindow
    from annotator.gui.workspace import Workspace
    from annotator.services.merge import MergePreview

Answer = Callable[[bool], None]
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


def show_merge_preview(preview: MergePreview, parent: QWidget, answer: Answer) -> None:
    """Show the merge preview (window-modal, no nested event loop); ``answer(True)`` to apply."""
    from annotator.gui.merge_preview import MergePreviewDialog  # on demand, not at start-up

    dialog = MergePreviewDialog(preview, parent)
    from annotator.gui.modal import accepted, open_modal

    open_modal(dialog, lambda code: answer(accepted(code)))  # answered once, then deleted


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


def _content_kind(path: str) -> str:
    """What the file is by its content (a .qdc given as a plan is a codebook); "" if unreadable."""
    from annotator.core.sniff import sniff

    try:
        return sniff(path)
    except AnnotatorError:
        return ""  # the importer reports the error with the file's name


def open_files(window: MainWindow, files: Sequence[str]) -> None:
    """Files from the command line or a drop: exchange files and .qdpx merge, codebooks join the
    codebook, plans import; what a file is, is read from its content. Plans get the import
    preview and merges the merge preview, as from the File menu: a plan dropped on the window
    is not cut into clauses unseen."""
    kinds = {f: _content_kind(f) for f in files}
    exchange = [f for f in files if is_exchange_file(f) or kinds[f] == "exchange"]
    qdpx = [f for f in files if Path(f).suffix.lower() == ".qdpx" or kinds[f] == "qdpx"]
    codebooks = [f for f in files if kinds[f] in ("qdc", "codebook") and f not in qdpx]
    plans = [f for f in files if f not in exchange and f not in qdpx and f not in codebooks]
    if plans:
        import_plans(window, plans, preview=True)
    if exchange:
        merge_files(window, exchange)
    for name in qdpx:
        merge_qdpx(window, name)
    for name in codebooks:
        import_codebook_file(window, name)


def _route_non_plans(window: MainWindow, files: Sequence[str]) -> list[str]:
    """Send a file picked as a plan that is something else where it belongs (a .qdpx to the
    merge, a .qdc to the codebook), refuse what no import takes; return the real plans."""
    from annotator.core.sniff import REFUSALS

    plans = []
    for name in files:
        kind = _content_kind(name)
        if kind == "qdpx":
            merge_qdpx(window, name)
        elif kind in ("qdc", "codebook"):
            import_codebook_file(window, name)
        elif kind == "exchange":
            merge_files(window, [name])
        elif kind in REFUSALS:
            window.show_error("Cannot import the plan", f"{name}: {REFUSALS[kind]}")
        else:
            plans.append(name)
    return plans


def import_codebook_file(window: MainWindow, name: str) -> bool:
    """A REFI-QDA codebook (.qdc) merged into the project's codebook, as one undoable edit."""
    ws = window.workspace
    if ws is None:
        return False
    from annotator.services.codebook import import_codebook

    def imported(edit: Edit) -> None:
        n = count(edit, Kind.CODEBOOK)
        window.statusBar().showMessage(
            f"Codebook {Path(name).name}: {n} categories added or changed.", 8000
        )

    # On a team server in the background (the status bar says so): True once submitted.
    return ws.edit(
        lambda: import_codebook(ws.project, name),
        what=f"the codebook {Path(name).name}",
        title="Cannot import the codebook",
        on_done=imported,
    ) is not None or (ws.background and window.ops.writes_pending())


# -- import ------------------------------------------------------------------------------------


def import_dialog(window: MainWindow) -> None:
    """File ▸ Import plan…: choose plan files and import them."""
    files = ask_open_files(
        window, "Import plans", "Plans (*.txt *.md *.docx *.pdf *.html *.htm);;All files (*)"
    )
    if files:
        import_plans(window, files, preview=True)


def import_plans(
    window: MainWindow, files: Sequence[str], preview: bool = False
) -> Job[list[str]] | None:
    """Import plan files, each in its own transaction, as a job with a Cancel button.

    With ``preview`` the user first sees each file's clauses, labels and notes, and may choose
    "paragraphs only" (:mod:`annotator.gui.import_preview`); Cancel there imports nothing.
    Cancel during the job stops before the next file; the files already imported stay. The job's
    value is the keys of the documents imported (or already present).
    """
    ws = window.workspace
    if ws is None:
        return None
    files = _route_non_plans(window, files)
    if not files:
        return None
    if preview:
        # The preview (and the segmenter) load only when asked for: not at start-up.
        from annotator.gui import import_preview

        started: list[Job[list[str]]] = []

        def answered(choices: list[PlanChoice] | None) -> None:
            if choices is not None and window.workspace is ws:
                started.append(_import(window, ws, files, {c.path: c for c in choices}))

        # Window-modal, no nested event loop: the import starts when the user accepts (at once
        # if the preview answers at once, as in tests; then its job is returned).
        import_preview.review_import(window, files, answered)
        return started[0] if started else None
    return _import(window, ws, files, {})


def _import(
    window: MainWindow, ws: Workspace, files: Sequence[str], chosen: dict[str, PlanChoice]
) -> Job[list[str]]:
    project = ws.project
    done: list[tuple[str, str, int, bool]] = []
    edits: list[Edit] = []
    errors: list[str] = []
    noted: dict[str, int] = {}  # segmentation notes per plan, for the status line

    def job(progress: Progress) -> list[str]:
        for i, name in enumerate(files):
            progress(i, len(files))  # raises Cancelled once the user has cancelled
            choice = chosen.get(name)
            try:
                if choice is not None and choice.error:
                    raise AnnotatorError(choice.error)
                if choice is not None:  # read once already, for the preview
                    result = project.import_text(
                        choice.title, choice.text, source_name=Path(name).name, mode=choice.mode
                    )
                else:
                    result = project.import_plan(name)
            except (AnnotatorError, OSError) as exc:
                errors.append(message_for(exc))
                continue
            done.append((result.document_key, result.title, result.clauses, result.already_present))
            noted[result.document_key] = len(result.notes)
            if result.edit is not None:
                edits.append(result.edit)
        progress(len(files), len(files))
        return [d[0] for d in done]

    def finish(cancelled: bool) -> None:
        if errors:  # one message for all the files that failed
            window.ops.fail("Cannot import the plan", "\n".join(errors))
        if edits:  # one step on the undo stack, whatever the number of files
            label = edits[0].label if len(edits) == 1 else f"Import {len(edits)} plans"
            changes = tuple(c for edit in edits for c in edit.changes)
            window.ops.record(Edit(label, changes), announce=False)  # announced just below
        if done:
            key, title, clauses, present = done[-1]
            note = "was already in the project" if present else "imported"
            extra = f" ({len(done)} of {len(files)} files; cancelled)" if cancelled else ""
            notes = noted.get(key, 0)
            if notes:
                extra += f"; {plural(notes, 'note')} on the source above the clauses"
            window.statusBar().showMessage(f"{title}: {note} ({clauses} clauses){extra}.", 6000)
            window.ops.announce(frozenset({Kind.DOCUMENTS}))
            window.open_document(key)
        elif cancelled:
            window.statusBar().showMessage("Import cancelled: nothing imported.", 6000)

    label = (
        f"Importing {len(files)} plans…" if len(files) > 1 else f"Importing {Path(files[0]).name}…"
    )
    return window.ops.run(
        job,
        label=label,
        title="Cannot import the plan",
        on_done=lambda _keys: finish(False),
        on_cancelled=lambda: finish(True),
        delay_ms=0 if len(files) > 1 else 400,
    )


def remove_current_plan(window: MainWindow) -> bool:
    """File ▸ Remove plan: the open plan, its clauses and everyone's coding; Undo restores it."""
    ws = window.workspace
    key = window.clauses.document_key
    if ws is None or key is None:
        return False
    row = window.documents.row_of(key)
    title = window.documents.summary(row).title if row is not None else key[:12]
    if not window.confirm(
        window,
        "Remove plan",
        f"Remove \u201c{title}\u201d with its clauses and every coder's tags, reviews and memos "
        "on it? Edit \u25b8 Undo brings it back.",
    ):
        return False

    def removed(edit: Edit) -> None:
        window.statusBar().showMessage(f"{edit.label}. Edit \u25b8 Undo brings it back.", 8000)

    edit = ws.edit(
        lambda: ws.project.remove_plan(key),
        what=f"the removal of \u201c{title}\u201d",
        title="Cannot remove the plan",
        on_done=removed,
    )
    return edit is not None or (ws.background and window.ops.writes_pending())


# -- merge -------------------------------------------------------------------------------------


def merge_dialog(window: MainWindow) -> None:
    files = ask_open_files(
        window, "Merge annotation files", "Annotation files (*.json);;All files (*)"
    )
    if files:
        merge_files(window, files)


def merge_files(window: MainWindow, files: Sequence[str]) -> Job[MergePreview] | None:
    """Read and merge the files as a job, preview the result, and apply it as one undoable edit."""
    ws = window.workspace
    if ws is None:
        return None
    from annotator.services.merge import preview_merge

    project = ws.project
    names = ", ".join(Path(f).name for f in files)
    return window.ops.run(
        lambda progress: preview_merge(project, list(files), progress),
        label=f"Reading and merging {names}…",
        title="Cannot merge",
        on_done=lambda preview: ask_to_apply(window, preview),
        on_cancelled=lambda: window.statusBar().showMessage(
            "Merge cancelled: nothing changed.", 6000
        ),
    )


def merge_qdpx(window: MainWindow, name: str) -> Job[MergePreview] | None:
    """A REFI-QDA project: converted, previewed and merged like an exchange file."""
    ws = window.workspace
    if ws is None:
        return None
    from annotator.services.refi import preview_qdpx_merge

    project = ws.project
    return window.ops.run(
        lambda _progress: preview_qdpx_merge(project, name),
        label=f"Reading {Path(name).name}…",
        title="Cannot merge",
        on_done=lambda preview: ask_to_apply(window, preview),
        on_cancelled=lambda: window.statusBar().showMessage(
            "Merge cancelled: nothing changed.", 6000
        ),
    )


def ask_to_apply(window: MainWindow, preview: MergePreview) -> None:
    """Show the preview; apply the merge if the user says so."""

    def answer(yes: bool) -> None:
        apply_previewed(window, preview, yes)

    window.show_merge_preview(preview, window, answer)


def apply_previewed(window: MainWindow, preview: MergePreview, apply: bool) -> bool:
    """Write a previewed merge (one undoable edit), or say that nothing changed."""
    ws = window.workspace
    if ws is None or not apply:
        window.statusBar().showMessage("Merge not applied: nothing changed.", 6000)
        return False
    from annotator.services.merge import apply_merge

    def merged(edit: Edit) -> None:
        if edit.empty:
            window.statusBar().showMessage("The merge changed nothing: all already here.", 6000)
        else:
            window.statusBar().showMessage(f"{edit.label}: {preview.summary()}.", 8000)

    # On a team server the merge saves in the background; the preview is closed already.
    names = ", ".join(Path(s).name for s in preview.sources) or "the merge"
    edit = ws.edit(
        lambda: apply_merge(ws.project, preview),
        what=f"the merge of {names}",
        title="Cannot merge",
        on_done=merged,
    )
    return edit is not None or (ws.background and window.ops.writes_pending())


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
    counts = window.ops.call(
        lambda: write_exchange_file(ws.project, target, ws.coder_id), title="Cannot export"
    )
    if counts is None:
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
    from annotator.services.backup import backup_project as backup

    source = Path(ws.project.path)
    suggested = str(source.with_name(backup_name(source)))
    target = ask_save_file(window, "Back up project", suggested, "Projects (*.sqlite)")
    if not target:
        return None
    if window.ops.call(lambda: backup(ws.project, target), title="Cannot back up") is None:
        return None
    window.statusBar().showMessage(f"Backed up to {target}.", 8000)
    return Path(target)


# -- projects ----------------------------------------------------------------------------------


def open_project_dialog(window: MainWindow) -> bool:
    """File ▸ Open project…: pick an existing project file and switch to it."""
    path = ask_project_to_open(window)
    return window.projects.switch_project(path, create=False) if path else False


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
    if not window.projects.switch_project(path, create=True):
        return False
    from annotator.gui.preferences import load

    blind = load().blind_new
    if blind != "auto" and window.workspace is not None:  # Preferences ▸ blind mode, new projects
        window.projects.set_blind_mode(blind == "on")
    return True


def open_data_folder() -> bool:
    from annotator.services.paths import data_dir

    folder = data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))


def _safe(name: str) -> str:
    """A coder's name usable as a file name on every system."""
    cleaned = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "_", name).strip(" .")
    return cleaned or "coder"
