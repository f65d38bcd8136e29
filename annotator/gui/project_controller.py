"""The project controller: which project is open in the window, and as which coder.

Opening, switching, the team server and its offline copies, choosing and switching the coder,
blind mode, and closing. Every path that leaves a project or a coder first commits the editors
that may hold typed text (:meth:`ProjectController.commit_editors`).
"""

from __future__ import annotations

import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer

from annotator.core.changes import Kind
from annotator.core.errors import AnnotatorError
from annotator.gui import file_actions, menus
from annotator.gui.damaged import report_open_failure
from annotator.gui.ops import Change, message_for
from annotator.gui.settings import ProjectSettings, forget_project, remember_project
from annotator.gui.workspace import Workspace

if TYPE_CHECKING:
    from annotator.gui.main_window import MainWindow
    from annotator.services.project import Project


class ProjectController(QObject):
    """Open, switch and close projects; pick the coder; team server; blind mode."""

    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.w = window
        self.workspace: Workspace | None = None
        self.settings: ProjectSettings | None = None
        self._coder_before = ""  # who coded before a coder was added (undoing the add returns)
        #: A project opened while the name prompt was cancelled: Switch coder asks again.
        self.unchosen_project: Project | None = None

    @property
    def project(self) -> Project | None:
        return self.workspace.project if self.workspace else None

    def commit_editors(self) -> None:
        """Save what is being typed (the memo), and where the coder is, before the project,
        coder or window goes."""
        self.w.detail.commit_memo()
        self.w.navigator.save_place()

    # -- opening ---------------------------------------------------------------------------------

    def open_project(
        self,
        path: str | Path | None = None,
        import_files: Sequence[str] = (),
        coder_name: str | None = None,
    ) -> bool:
        """Open (creating if new) the project, pick the coder, reopen where the coder left off.

        ``coder_name`` (``--coder``) names the coder without asking.
        """
        from annotator.services.project import Project  # SQLAlchemy: after the window shows

        try:
            # A project open in another window opens read-only here, never as a second writer.
            project = Project.open(path, read_only_if_locked=True)
        except AnnotatorError as exc:
            self.w.heading.setText("No project open")
            instead = report_open_failure(self.w, exc)  # a damaged project: offer its backup
            return instead is not None and self.open_project(instead, import_files, coder_name)
        except Exception as exc:  # a bug: say so rather than hang blank
            self.w.show_error("Cannot open the project", _cannot_open(path, exc))
            self.w.heading.setText("No project open")
            return False
        try:
            return self.use_project(project, import_files, coder_name)
        except AnnotatorError as exc:  # damage beyond the quick check's budget shows up here
            project.close()
            self.w.heading.setText("No project open")
            report_open_failure(self.w, exc)
            return False

    def use_project(
        self, project: Project, import_files: Sequence[str] = (), coder_name: str | None = None
    ) -> bool:
        """Show ``project`` (already open) in this window."""
        w = self.w
        previous_settings = self.settings
        self.settings = ProjectSettings(project.path)
        coder_id = self._choose_coder(project, coder_name)
        if coder_id is None:
            if self.workspace is not None:  # switching: the current project stays
                self.settings = previous_settings
                return False
            # Kept open, so File ▸ Switch coder… can ask again.
            self.unchosen_project = project
            w.heading.setText("No coder chosen: File ▸ Switch coder… to start coding")
            w.actions_["switch_coder"].setEnabled(True)
            return False
        if self.unchosen_project is not None and self.unchosen_project is not project:
            self.unchosen_project.close()  # left for another project: release its lock
        self.unchosen_project = None
        if project.path is not None:  # a team server's project has no file to reopen
            remember_project(project.path)
            menus.refresh_recent_menu(w)
        self.commit_editors()
        if self.workspace is not None and self.workspace.project is not project:
            self.workspace.deleteLater()  # the previous project's undo stack goes with it
        self.workspace = Workspace(project, coder_id, ops=w.ops, parent=w)
        menus.attach_undo(w, self.workspace.undo_stack)
        w.codebook.set_categories(self.workspace.categories)
        w.clauses.set_categories(self.workspace.categories)
        w.navigator.fill_filter_combo()
        w.coder_label.setText(f"Coder: {self.workspace.coder_name}")
        w.navigator.reload_documents()
        key = self.settings.document_key
        w.navigator.show_first_plan(key, self.settings.clause_id(key) if key else None)
        menus.set_enabled(w, True, writable=not project.read_only)
        self.sync_blind_action()
        if project.read_only:
            if project.locked_by is None:  # read-only media, or a file we may not write
                w.coder_label.setText("Read-only: the file cannot be written")
                w.statusBar().showMessage(f"Read-only: {project.read_only_reason}.")
                return True
            who = f" ({project.locked_by})" if project.locked_by else ""
            w.coder_label.setText(f"Read-only: open in another window{who}")
            w.statusBar().showMessage("This project is open elsewhere: you can read, not code.")
            return True
        if import_files:
            file_actions.open_files(w, import_files)
        return True

    def switch_project(self, path: str | Path, create: bool = False) -> bool:
        """Open the project file at ``path`` in place of the current one.

        The current project stays open and shown if ``path`` cannot be opened (or no coder is
        chosen); it is closed only once the new one is in use.
        """
        from annotator.services.project import Project

        w, previous = self.w, self.project
        current = previous.path if previous is not None else None
        if current is not None and Path(path).expanduser().resolve() == Path(current).resolve():
            w.statusBar().showMessage("That project is already open.", 6000)
            return True
        if not create and not Path(path).expanduser().is_file():
            forget_project(path)  # gone since it was remembered
            menus.refresh_recent_menu(w)
            w.show_error("Cannot open the project", f"{path}: no such file")
            return False
        self.commit_editors()  # a memo being typed belongs to the project being left
        try:
            project = Project.open(
                path, create=create, seed_samples=False, read_only_if_locked=True
            )
        except AnnotatorError as exc:
            instead = report_open_failure(w, exc)  # a damaged project: offer its backup
            return instead is not None and self.switch_project(instead)
        except Exception as exc:  # not a project: say so, keep the current
            w.show_error("Cannot open the project", _cannot_open(path, exc))
            return False
        w.tools.close_all()  # colleagues' windows show the project being left
        w.ops.shutdown()  # no job may still use the project being left
        if not self.use_project(project):
            project.close()
            return False
        if previous is not None and previous is not project:
            previous.close()
        self.show_team_progress(False)
        w.statusBar().showMessage(f"Opened {Path(path).name}.", 6000)
        return True

    def shutdown(self) -> None:
        """Commit the editors and close the project (releasing its lock); safe to call twice."""
        if self.workspace is not None:
            self.commit_editors()
            self.w.ops.shutdown()
            self.workspace.undo_stack.clear()
            self.workspace.project.close()
            self.workspace = None
        if self.unchosen_project is not None:
            self.unchosen_project.close()
            self.unchosen_project = None

    # -- coders ----------------------------------------------------------------------------------

    def _choose_coder(self, project: Project, name: str | None) -> str | None:
        assert self.settings is not None
        coders = project.coders()
        stored = self.settings.coder_id
        if name is None and stored and any(c.id == stored for c in coders):
            return stored
        if project.read_only:  # cannot add a coder: read as the remembered or first one
            known = [c for c in coders if c.name == name] or coders
            return stored or (known[0].id if known else "")
        if name is None:
            name = self.w.ask_name(self.w, [c.name for c in coders if not c.is_consensus])
        if not name:
            return None
        match = next((c for c in coders if c.name == name), None)
        try:
            coder = match or project.add_coder(name)
        except Exception as exc:
            self.w.show_error("Cannot add the coder", message_for(exc))
            return None
        self.settings.coder_id = coder.id
        return coder.id

    def switch_coder(self, name: str | None = None) -> bool:
        """File ▸ Switch coder: code as another (or a new) coder; the undo history is cleared."""
        w, ws = self.w, self.workspace
        if ws is None and self.unchosen_project is not None:
            return self.use_project(self.unchosen_project, coder_name=name)
        if ws is None or self.settings is None:
            return False
        coders = [c for c in ws.project.coders() if not c.is_consensus]
        if name is None:
            name = w.ask_name(w, [c.name for c in coders])
        if not name:
            return False
        match = next((c for c in coders if c.name == name), None)
        added = None
        if match is None:
            made = ws.ops.call(
                lambda: ws.project.add_coder_edit(name), title="Cannot add the coder"
            )
            if made is None:
                return False
            match, added = made
        coder = match
        if coder.id == ws.coder_id:
            return True
        self.commit_editors()
        previous, ws.coder_id = ws.coder_id, coder.id
        ws.undo_stack.clear()  # undoing another coder's edits as this one would confuse both
        if added is not None:  # Edit ▸ Undo takes the new coder back, and returns to `previous`
            self._coder_before = previous
            ws.ops.record(added, announce=False)
        self.settings.coder_id = coder.id
        w.coder_label.setText(f"Coder: {coder.name}")
        self.sync_blind_action()
        ws.ops.announce(frozenset({Kind.CODERS}))
        w.statusBar().showMessage(
            f"Now coding as {coder.name}. The undo history was cleared.", 8000
        )
        return True

    def changed(self, change: Change) -> None:
        """Follow edits that change who codes or the project's settings (and their undo)."""
        ws = self.workspace
        if ws is None or change.edit is None:
            return
        if change.touches(Kind.CODERS) and ws.project.coder(ws.coder_id) is None:
            # "Add coder" undone while coding as them: back to the coder before, once the undo
            # stack has finished (switching clears it).
            back = ws.project.coder(self._coder_before)
            QTimer.singleShot(0, lambda: self.switch_coder(back.name if back else None))
            return
        if change.touches(Kind.SETTINGS):  # blind mode switched, or its switch undone
            self.sync_blind_action()

    # -- blind mode ------------------------------------------------------------------------------

    def sync_blind_action(self) -> None:
        ws, action = self.workspace, self.w.actions_.get("blind")
        if ws is None or action is None:
            return
        from annotator.services.review import blind_mode

        def show(on: bool) -> None:
            if self.workspace is ws:
                blocked = action.blockSignals(True)
                action.setChecked(on)
                action.blockSignals(blocked)

        ws.read(lambda: blind_mode(ws.project), show, title="Blind mode")

    def _blind_failed(self, message: str, was: bool) -> None:
        action = self.w.actions_.get("blind")
        if action is not None:
            blocked = action.blockSignals(True)
            action.setChecked(was)
            action.blockSignals(blocked)
        self.w.ops.report("Cannot change blind mode", message)

    def set_blind_mode(self, on: bool) -> None:
        """Review ▸ Blind mode: coders see only their own work (the reviewer mode is closed)."""
        ws = self.workspace
        if ws is None:
            return
        from annotator.services.review import set_blind_mode

        if not ws.project.read_only:
            # An undoable edit; its announcement (settings) also updates the agreement's warning.
            # On a team server it saves in the background: the menu shows the choice meanwhile.
            ws.edit(
                lambda: set_blind_mode(ws.project, on),
                what=f"blind mode {'on' if on else 'off'}",
                title="Cannot change blind mode",
                on_failed=lambda why: self._blind_failed(why, not on),
            )
        if not ws.background:
            self.sync_blind_action()
        if on and self.w.clauses.reviewing:
            self.w.navigator.set_reviewer_mode(False)

    # -- team server -----------------------------------------------------------------------------

    def connect_team_server(self) -> None:
        """File ▸ Connect to team server: asks window-modal and returns at once; once connected,
        :meth:`open_server_project` shows the server's project here as this login's coder."""
        from annotator.gui.team_dialog import connect_to_team_server

        connect_to_team_server(self.w, self.open_server_project, ops=self.w.ops)

    def open_server_project(self, project: Project, coder_id: str | None) -> bool:
        """Switch to a project just opened on a team server (closed again if refused)."""
        coder = project.coder(coder_id) if coder_id else None
        previous = self.project
        self.commit_editors()
        self.w.tools.close_all()
        self.w.ops.shutdown()
        if not self.use_project(project, coder_name=coder.name if coder else None):
            project.close()
            return False
        if previous is not None and previous is not project:
            previous.close()
        self.show_team_progress(project.path is None)
        return True

    def show_team_progress(self, on_server: bool) -> None:
        """The coders × plans progress dock, for projects on a team server."""
        from annotator.gui.team_progress import TeamProgressPanel

        w = self.w
        old = w.docks.pop("team", None)
        if old is not None:
            old.close()
            old.deleteLater()
        if not on_server or self.workspace is None:
            return
        panel = TeamProgressPanel(self.workspace, w)
        panel.setObjectName("teamDock")
        w.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, panel)
        w.docks["team"] = panel

    def take_offline_copy(self) -> None:
        from annotator.gui.team_dialog import take_offline_copy_dialog

        if self.workspace is None:
            return
        job = take_offline_copy_dialog(self.workspace, self.w)
        if job is None:
            return

        def written() -> None:
            if job.value is not None:
                self.w.statusBar().showMessage(f"Offline copy written to {job.value}", 8000)

        job.finished.connect(written)

    def sync_offline_copy(self) -> None:
        from annotator.gui.team_dialog import sync_dialog

        if self.workspace is not None:
            sync_dialog(self.workspace, self.w)


def _cannot_open(path: str | Path | None, exc: Exception) -> str:
    """The error's own message, or the file and what went wrong for anything unforeseen."""
    if isinstance(exc, AnnotatorError):
        return str(exc)
    traceback.print_exception(exc)
    return f"{path or 'default project'}: {exc}"
