"""The main window: docks, menus, and wiring between the views and the workspace; no logic.

The window is built without the service (which imports SQLAlchemy, the largest start-up cost), so
it can be shown at once; :meth:`MainWindow.open_project` then opens the project.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QFileDialog,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from annotator.core.edits import Edit
from annotator.core.errors import AnnotatorError
from annotator.gui import file_actions, menus
from annotator.gui.codebook_panel import NONE_KEY, CodebookPanel
from annotator.gui.detail_panel import DetailPanel
from annotator.gui.dialogs import ask_coder_name, show_about
from annotator.gui.models import FILTERS, ClauseListModel, DocumentListModel, Role
from annotator.gui.search import SearchBar
from annotator.gui.segment_notes import SegmentNotesBar
from annotator.gui.settings import (
    ProjectSettings,
    forget_project,
    load_bytes,
    remember_project,
    save_bytes,
)
from annotator.gui.views import ClauseListView, DocumentListView
from annotator.gui.workspace import Workspace

if TYPE_CHECKING:
    from annotator.services.project import Project

AskName = Callable[[QWidget | None, Sequence[str]], str | None]
Confirm = Callable[[QWidget | None, str, str], bool]


def ask_confirm(parent: QWidget | None, title: str, text: str) -> bool:
    """A Yes/No question, No by default."""
    answer = QMessageBox.question(
        parent,
        title,
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


PLAN_SUFFIXES = {".txt", ".md", ".markdown", ".docx", ".pdf", ".html", ".htm"}


class MainWindow(QMainWindow):
    """Plans on the left, the open plan's clauses in the middle, codebook and clause at right."""

    def __init__(
        self,
        *,
        ask_name: AskName = ask_coder_name,
        confirm: Confirm = ask_confirm,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.ask_name = ask_name
        self.confirm = confirm
        #: Shows a merge's preview; True to apply (tests replace it).
        self.preview_merge = file_actions.preview_merge
        #: Non-modal windows opened from the menus, kept alive while they are open.
        self.views: dict[str, QWidget] = {}
        self.filter_how = "all"
        self.hits: list[int] = []
        self.workspace: Workspace | None = None
        self.settings: ProjectSettings | None = None
        self.setWindowTitle("Plan Annotator")
        self.setObjectName("mainWindow")
        self.setAcceptDrops(True)
        screen = QGuiApplication.primaryScreen()
        room = screen.availableGeometry() if screen else None
        self.resize(
            min(1280, room.width() * 9 // 10) if room else 1280,
            min(800, room.height() * 9 // 10) if room else 800,
        )

        self.documents = DocumentListModel(self)
        self.clauses = ClauseListModel(self)
        self.clause_view = ClauseListView(self.clauses)
        self.document_view = DocumentListView(self.documents)
        self.codebook = CodebookPanel()
        self.detail = DetailPanel()
        self.heading = QLabel("Opening project…")
        self.heading.setObjectName("documentHeading")
        self.heading.setContentsMargins(12, 8, 12, 8)
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        font.setBold(True)
        self.heading.setFont(font)
        self.heading.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)

        centre = QWidget()
        box = QVBoxLayout(centre)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(0)
        box.addWidget(self.heading)
        self.segment_notes = SegmentNotesBar()  # what the segmenter noticed about the source
        box.addWidget(self.segment_notes)
        self.search_bar = SearchBar()
        self.search_bar.hide()
        self.search_bar.changed.connect(self.search_changed)
        self.search_bar.step.connect(self.step_hit)
        self.search_bar.closed.connect(self._search_closed)
        box.addWidget(self.search_bar)
        box.addWidget(self.clause_view, 1)
        self.setCentralWidget(centre)
        self._build_docks()
        self.coder_label = QLabel()
        self.progress_label = QLabel()
        for label in (self.coder_label, self.progress_label):
            label.setContentsMargins(10, 0, 10, 0)
        self.statusBar().addPermanentWidget(self.coder_label)
        self.statusBar().addPermanentWidget(self.progress_label)
        self._build_toolbar()
        self.actions_ = menus.build(self)
        self.detail.memo_committed.connect(self.save_memo)

        self.clause_view.selectionModel().currentChanged.connect(self._clause_changed)
        self.document_view.selectionModel().currentChanged.connect(self._document_chosen)
        self.codebook.chosen.connect(self.apply_category)
        self._restore_layout()
        self.clause_view.setFocus()

    def _build_docks(self) -> None:
        plans = QDockWidget("&Plans", self)
        plans.setObjectName("plansDock")
        plans.setWidget(self.document_view)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, plans)
        right = QWidget()
        column = QVBoxLayout(right)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.codebook)  # as tall as its categories
        column.addWidget(self.detail, 1)
        codebook = QDockWidget("&Codebook and clause", self)
        codebook.setObjectName("codebookDock")
        codebook.setWidget(right)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, codebook)
        self.resizeDocks([plans, codebook], [280, 380], Qt.Orientation.Horizontal)
        self.docks = {"plans": plans, "codebook": codebook}

    def _build_toolbar(self) -> None:
        bar = QToolBar("Filter", self)
        bar.setObjectName("filterBar")
        bar.setMovable(False)
        label = QLabel("  Sho&w: ")
        self.filter_combo = QComboBox()
        self.filter_combo.setObjectName("filterCombo")
        self.filter_combo.setMinimumContentsLength(18)
        self.filter_combo.setToolTip("Show only some clauses (key navigation follows the filter)")
        label.setBuddy(self.filter_combo)
        bar.addWidget(label)
        bar.addWidget(self.filter_combo)
        self.filter_combo.activated.connect(
            lambda i: self.set_filter(self.filter_combo.itemData(i) or "all")
        )
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
        self.filter_bar = bar
        self._fill_filter_combo()

    def _fill_filter_combo(self) -> None:
        combo = self.filter_combo
        combo.blockSignals(True)
        combo.clear()
        for key, text in FILTERS:
            combo.addItem(text, key)
        for cat in self.workspace.categories if self.workspace else []:
            combo.addItem(f"Tagged {cat.name}", f"cat:{cat.key}")
        row = combo.findData(self.filter_how)
        combo.setCurrentIndex(max(0, row))
        combo.blockSignals(False)

    # -- project -------------------------------------------------------------------------------

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
            self.show_error("Cannot open the project", str(exc))
            self.heading.setText("No project open")
            return False
        except Exception as exc:  # a bug or a damaged file: say so rather than hang blank
            traceback.print_exc()
            self.show_error("Cannot open the project", f"{path or 'default project'}: {exc}")
            self.heading.setText("No project open")
            return False
        return self.use_project(project, import_files, coder_name)

    def use_project(
        self, project: Project, import_files: Sequence[str] = (), coder_name: str | None = None
    ) -> bool:
        """Show ``project`` (already open) in this window."""
        previous_settings = self.settings
        self.settings = ProjectSettings(project.path)
        coder_id = self._choose_coder(project, coder_name)
        if coder_id is None:
            if self.workspace is not None:  # switching: the current project stays
                self.settings = previous_settings
                return False
            self.heading.setText("No coder chosen: restart to code")
            return False
        if project.path is not None:  # a team server's project has no file to reopen
            remember_project(project.path)
            menus.refresh_recent_menu(self)
        if self.workspace is not None and self.workspace.project is not project:
            self.workspace.deleteLater()  # the previous project's undo stack goes with it
        self.workspace = Workspace(project, coder_id, self)
        self.workspace.changed.connect(self._edit_written)
        self.workspace.failed.connect(lambda msg: self.show_error("Cannot do that", msg))
        menus.attach_undo(self, self.workspace.undo_stack)
        self.codebook.set_categories(self.workspace.categories)
        self.clauses.set_categories(self.workspace.categories)
        self._fill_filter_combo()
        self.coder_label.setText(f"Coder: {self.workspace.coder_name}")
        self.reload_documents()
        key = self.settings.document_key
        if key is None or self.documents.row_of(key) is None:
            key = self.documents.summary(0).key if self.documents.rowCount() else None
        if key is not None:
            self.open_document(key, self.settings.clause_id(key))
        else:
            self.detail.commit_memo()
            self.clauses.set_document(None, "", [], {})  # not the previous project's plan
            self._clause_changed(QModelIndex())
            self.setWindowTitle("Plan Annotator")
            self.heading.setText("No plans yet: File ▸ Import plan… or drop a file here")
        menus.set_enabled(self, True, writable=not project.read_only)
        self._sync_blind_action()
        if project.read_only:
            who = f" ({project.locked_by})" if project.locked_by else ""
            self.coder_label.setText(f"Read-only: open in another window{who}")
            self.statusBar().showMessage("This project is open elsewhere: you can read, not code.")
            return True
        if import_files:
            file_actions.open_files(self, import_files)
        return True

    def switch_project(self, path: str | Path, create: bool = False) -> bool:
        """Open the project file at ``path`` in place of the current one.

        The current project stays open and shown if ``path`` cannot be opened (or no coder is
        chosen); it is closed only once the new one is in use.
        """
        from annotator.services.project import Project

        previous = self.project
        current = previous.path if previous is not None else None
        if current is not None and Path(path).expanduser().resolve() == Path(current).resolve():
            self.statusBar().showMessage("That project is already open.", 6000)
            return True
        if not create and not Path(path).expanduser().is_file():
            forget_project(path)  # gone since it was remembered
            menus.refresh_recent_menu(self)
            self.show_error("Cannot open the project", f"{path}: no such file")
            return False
        self.detail.commit_memo()  # a memo being typed belongs to the project being left
        try:
            project = Project.open(
                path, create=create, seed_samples=False, read_only_if_locked=True
            )
        except AnnotatorError as exc:
            self.show_error("Cannot open the project", str(exc))
            return False
        except Exception as exc:  # not a project (or a damaged one): say so, keep the current
            self.show_error("Cannot open the project", f"{path}: {exc}")
            return False
        for view in list(self.views.values()):
            view.close()  # colleagues' windows show the project being left
        if not self.use_project(project):
            project.close()
            return False
        if previous is not None and previous is not project:
            previous.close()
        self._show_team_progress(False)
        self.statusBar().showMessage(f"Opened {Path(path).name}.", 6000)
        return True

    # -- team server ---------------------------------------------------------------------------

    def connect_team_server(self) -> bool:
        """File ▸ Connect to team server: open the server's project here as this login's coder."""
        from annotator.gui.team_dialog import connect_to_team_server

        result = connect_to_team_server(self)
        if result is None:
            return False
        project, coder_id = result
        coder = project.coder(coder_id) if coder_id else None
        previous = self.workspace.project if self.workspace else None
        if not self.use_project(project, coder_name=coder.name if coder else None):
            project.close()
            return False
        if previous is not None and previous is not project:
            previous.close()
        self._show_team_progress(project.path is None)
        return True

    def _show_team_progress(self, on_server: bool) -> None:
        """The coders × plans progress dock, for projects on a team server."""
        from annotator.gui.team_progress import TeamProgressPanel

        old = self.docks.pop("team", None)
        if old is not None:
            old.close()
            old.deleteLater()
        if not on_server or self.workspace is None:
            return
        panel = TeamProgressPanel(self.workspace, self)
        panel.setObjectName("teamDock")
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, panel)
        self.docks["team"] = panel

    def take_offline_copy(self) -> None:
        from annotator.gui.team_dialog import take_offline_copy_dialog

        if self.workspace is not None:
            path = take_offline_copy_dialog(self.workspace, self)
            if path is not None:
                self.statusBar().showMessage(f"Offline copy written to {path}", 8000)

    def sync_offline_copy(self) -> None:
        from annotator.gui.team_dialog import sync_dialog

        if self.workspace is not None:
            sync_dialog(self.workspace, self)

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
            name = self.ask_name(self, [c.name for c in coders if not c.is_consensus])
        if not name:
            return None
        match = next((c for c in coders if c.name == name), None)
        try:
            coder = match or project.add_coder(name)
        except AnnotatorError as exc:
            self.show_error("Cannot add the coder", str(exc))
            return None
        self.settings.coder_id = coder.id
        return coder.id

    @property
    def project(self) -> Project | None:
        return self.workspace.project if self.workspace else None

    def reload_documents(self) -> None:
        assert self.workspace is not None
        current = self.clauses.document_key
        self.documents.set_documents(self.workspace.project.documents(self.workspace.coder_id))
        row = self.documents.row_of(current) if current else None
        if row is not None:
            self._select_document_row(row)

    # -- documents and clauses -----------------------------------------------------------------

    def open_document(self, key: str, clause_id: int | None = None) -> None:
        """Show the clauses of document ``key`` and make ``clause_id`` (or the first) current."""
        ws = self.workspace
        if ws is None:
            return
        try:
            doc = ws.project.document(key)
            clauses = ws.project.clauses(key)
            coding = ws.project.coding(key, ws.coder_id)
        except AnnotatorError as exc:
            self.show_error("Cannot open the plan", str(exc))
            return
        self.detail.commit_memo()
        self.clauses.set_document(key, doc.text, clauses, coding)
        self.segment_notes.show_for(ws.project, key)
        if self.clauses.reviewing:
            self._load_reviewer()
        self._apply_filter()
        self.setWindowTitle(f"{doc.title} — Plan Annotator")
        row = self.documents.row_of(key)
        if row is not None:
            self._select_document_row(row)
        if self.settings is not None:
            self.settings.document_key = key
        target = self.clauses.row_of(clause_id) if clause_id is not None else None
        if target is None or self.clause_view.isRowHidden(target):
            target = self._visible_from(0, 1)
        self.clause_view.go_to_row(target if target is not None else 0)
        if not clauses:
            self._clause_changed(QModelIndex())
        if self.search_bar.isVisible():
            self.search_changed(self.search_bar.pattern())
        self._update_progress()

    def _select_document_row(self, row: int) -> None:
        view = self.document_view
        blocked = view.selectionModel().blockSignals(True)
        view.setCurrentIndex(self.documents.index(row))
        view.selectionModel().blockSignals(blocked)

    def _document_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        key = current.data(Role.KEY)
        if key and key != self.clauses.document_key and self.settings is not None:
            self.open_document(key, self.settings.clause_id(key))

    def _clause_changed(self, current: QModelIndex, _previous: QModelIndex | None = None) -> None:
        self.detail.commit_memo()  # a memo being typed belongs to the clause being left
        if not current.isValid():
            self.detail.show_clause(None, "", self.clauses.coding(-1), [])
            return
        row = current.row()
        clause = self.clauses.clause(row)
        self.detail.show_clause(
            clause,
            self.clauses.clause_text(row),
            self.clauses.coding(clause.id),
            self.workspace.categories if self.workspace else [],
        )
        if self.settings is not None and self.clauses.document_key:
            self.settings.set_clause_id(self.clauses.document_key, clause.id)

    def current_clause_id(self) -> int | None:
        row = self.clause_view.current_row()
        return self.clauses.clause(row).id if row >= 0 else None

    def step_clause(self, step: int) -> None:
        """The next (``step`` 1) or previous (-1) clause the filter shows."""
        row = self.clause_view.current_row()
        target = self._visible_from(row + step, step)
        if target is not None:
            self.clause_view.go_to_row(target)

    def _visible_from(self, row: int, step: int) -> int | None:
        """The first row from ``row`` in direction ``step`` that the filter shows."""
        n = self.clauses.rowCount()
        view = self.clause_view
        while 0 <= row < n:
            if not view.isRowHidden(row):
                return row
            row += step
        return None

    def next_uncoded(self, step: int = 1) -> None:
        row = self.clause_view.current_row()
        for _ in range(self.clauses.rowCount()):
            row = self.clauses.next_uncoded(row, step)
            if row is None or not self.clause_view.isRowHidden(row):
                break
        if row is None or self.clause_view.isRowHidden(row):
            self.statusBar().showMessage("Every clause shown is coded.", 4000)
        else:
            self.clause_view.go_to_row(row)

    def jump_to_label(self, label: str | None = None) -> bool:
        """Ctrl+G: make the clause labelled ``label`` current (asks for it when None)."""
        if label is None:
            label, ok = QInputDialog.getText(
                self, "Go to clause", "Clause &label (e.g. 12 or 3.b):"
            )
            if not ok:
                return False
        wanted = label.strip().rstrip(".").casefold()
        for row in range(self.clauses.rowCount()):
            if self.clauses.clause(row).label.rstrip(".").casefold() == wanted:
                if self.clause_view.isRowHidden(row):
                    self.set_filter("all")
                    self.statusBar().showMessage("Filter cleared to show that clause.", 4000)
                self.clause_view.go_to_row(row)
                self.clause_view.setFocus()
                return True
        self.statusBar().showMessage(f"No clause labelled {label!r} in this plan.", 4000)
        return False

    # -- search and filter ---------------------------------------------------------------------

    def open_search(self) -> None:
        self.search_bar.open_bar()

    def search_changed(self, pattern: object) -> None:
        """Highlight matches in the rows and the detail pane; list the visible rows that match."""
        import re

        pat = pattern if isinstance(pattern, re.Pattern) else None
        self.clause_view.clause_delegate.search = pat
        self.detail.set_search(pat)
        view = self.clause_view
        self.hits = (
            [r for r in self.clauses.search_rows(pat) if not view.isRowHidden(r)] if pat else []
        )
        bad = bool(self.search_bar.edit.text()) and pat is None
        self.search_bar.show_count(None, len(self.hits), bad)
        view.viewport().update()

    def step_hit(self, step: int) -> None:
        """F3 / Shift+F3: the next or previous clause that matches the search."""
        if not self.search_bar.isVisible():
            self.open_search()
            return
        self.search_bar.flush()
        if not self.hits:
            return
        row = self.clause_view.current_row()
        if step > 0:
            target = next((h for h in self.hits if h > row), self.hits[0])
        else:
            target = next((h for h in reversed(self.hits) if h < row), self.hits[-1])
        self.clause_view.go_to_row(target)
        self.search_bar.show_count(self.hits.index(target), len(self.hits))

    def _search_closed(self) -> None:
        self.search_changed(None)
        self.clause_view.setFocus()

    def set_filter(self, how: str) -> None:
        """Show only the clauses that pass ``how`` (see :data:`FILTERS`, or "cat:<key>")."""
        self.filter_how = how
        row = self.filter_combo.findData(how)
        if row >= 0 and row != self.filter_combo.currentIndex():
            self.filter_combo.setCurrentIndex(row)
        self._apply_filter()
        current = self.clause_view.current_row()
        if current < 0 or self.clause_view.isRowHidden(current):
            target = self._visible_from(max(current, 0), 1)
            if target is None:
                target = self._visible_from(max(current, 0), -1)
            if target is not None:
                self.clause_view.go_to_row(target)
            else:
                self.statusBar().showMessage("No clause of this plan passes the filter.", 4000)
        if self.search_bar.isVisible():
            self.search_changed(self.search_bar.pattern())
        self.clause_view.setFocus()

    def _apply_filter(self) -> None:
        view, model, how = self.clause_view, self.clauses, self.filter_how
        view.setUpdatesEnabled(False)
        try:
            for row in range(model.rowCount()):
                hide = how != "all" and not model.matches_filter(row, how)
                if view.isRowHidden(row) != hide:
                    view.setRowHidden(row, hide)
        finally:
            view.setUpdatesEnabled(True)
        shown = sum(1 for r in range(model.rowCount()) if not view.isRowHidden(r))
        if how != "all":
            self.statusBar().showMessage(f"{shown} of {model.rowCount()} clauses shown.", 4000)

    # -- coding --------------------------------------------------------------------------------

    def apply_shortcut(self, key: str) -> None:
        """Keys 1–9: the category with that shortcut; 0: no category applies."""
        if key == "0":
            self.apply_category(NONE_KEY)
            return
        cat = self.workspace.category_for_shortcut(key) if self.workspace else None
        if cat is None:
            self.statusBar().showMessage(f"No category on key {key}.", 4000)
            return
        self.apply_category(cat.key)

    def apply_category(self, category: str) -> None:
        """Toggle ``category`` on the selected span if there is one, else on the whole clause."""
        ws, clause_id = self.workspace, self.current_clause_id()
        if ws is None or clause_id is None:
            return
        if category == NONE_KEY:
            ws.mark_none(clause_id)
            return
        span = self.detail.selected_span()
        if span is not None:
            if ws.toggle_span(clause_id, category, *span) is not None:
                self.detail.clear_selection()
        else:
            ws.toggle_tag(clause_id, category)

    def save_memo(self, clause_id: int, annotation_id: object, text: str) -> None:
        """A memo from the detail pane: one undo step per save."""
        ws = self.workspace
        if ws is None or ws.project.read_only:
            return
        from annotator.services import notes

        if annotation_id is None:
            ws._do(lambda: notes.set_clause_memo(ws.project, ws.coder_id, clause_id, text))
        else:
            ws._do(lambda: notes.set_annotation_memo(ws.project, str(annotation_id), text))

    def toggle_flag(self) -> None:
        """F: flag the current clause as uncertain, or clear the flag."""
        ws, clause_id = self.workspace, self.current_clause_id()
        if ws is None or clause_id is None:
            return
        from annotator.services import notes

        ws._do(lambda: notes.toggle_clause_flag(ws.project, ws.coder_id, clause_id))

    def split_clause(self) -> None:
        """Ctrl+Shift+S: split the current clause at the cursor in the detail pane."""
        ws, clause_id, at = self.workspace, self.current_clause_id(), self.detail.cursor_offset()
        if ws is None or clause_id is None or at is None:
            return
        from annotator.services.clauses import split_clause

        ws._do(lambda: split_clause(ws.project, clause_id, at))

    def merge_next(self) -> None:
        """Ctrl+Shift+J: join the current clause with the next one."""
        ws, clause_id = self.workspace, self.current_clause_id()
        if ws is None or clause_id is None:
            return
        from annotator.services.clauses import merge_with_next

        ws._do(lambda: merge_with_next(ws.project, clause_id))

    def move_boundary(self) -> None:
        """Ctrl+Shift+B: end the current clause at the cursor (the rest joins the next one)."""
        ws, clause_id, at = self.workspace, self.current_clause_id(), self.detail.cursor_offset()
        if ws is None or clause_id is None or at is None:
            return
        from annotator.services.clauses import move_boundary

        ws._do(lambda: move_boundary(ws.project, clause_id, at))

    # -- coders, blind and reviewer mode -------------------------------------------------------

    def switch_coder(self, name: str | None = None) -> bool:
        """File ▸ Switch coder: code as another (or a new) coder; the undo history is cleared."""
        ws = self.workspace
        if ws is None or self.settings is None:
            return False
        coders = [c for c in ws.project.coders() if not c.is_consensus]
        if name is None:
            name = self.ask_name(self, [c.name for c in coders])
        if not name:
            return False
        match = next((c for c in coders if c.name == name), None)
        try:
            coder = match or ws.project.add_coder(name)
        except AnnotatorError as exc:
            self.show_error("Cannot add the coder", str(exc))
            return False
        if coder.id == ws.coder_id:
            return True
        self.detail.commit_memo()
        ws.coder_id = coder.id
        ws.undo_stack.clear()  # undoing another coder's edits as this one would confuse both
        self.settings.coder_id = coder.id
        self.coder_label.setText(f"Coder: {coder.name}")
        self._sync_blind_action()
        self.refresh_all()
        self.statusBar().showMessage(
            f"Now coding as {coder.name}. The undo history was cleared.", 8000
        )
        return True

    def _sync_blind_action(self) -> None:
        ws = self.workspace
        action = self.actions_.get("blind")
        if ws is None or action is None:
            return
        from annotator.services.review import blind_mode

        blocked = action.blockSignals(True)
        action.setChecked(blind_mode(ws.project))
        action.blockSignals(blocked)

    def set_blind_mode(self, on: bool) -> None:
        """Review ▸ Blind mode: coders see only their own work (the reviewer mode is closed)."""
        ws = self.workspace
        if ws is None:
            return
        from annotator.services.review import set_blind_mode

        if not ws.project.read_only:
            set_blind_mode(ws.project, on)
        self._sync_blind_action()
        if on and self.clauses.reviewing:
            self.set_reviewer_mode(False)

    def set_reviewer_mode(self, on: bool) -> bool:
        """Review ▸ Reviewer mode: every coder's chips beside each clause, disagreements marked."""
        ws = self.workspace
        action = self.actions_.get("reviewer")
        if ws is None:
            return False
        if on and not self.clauses.reviewing:
            from annotator.services.review import blind_mode

            if blind_mode(ws.project) and not self.confirm(
                self,
                "Blind mode is on",
                "Blind mode keeps each coder's work from the others. Show every coder's tags "
                "anyway (as a reviewer)?",
            ):
                on = False
        if on:
            self._load_reviewer()
        elif self.clauses.reviewing:
            self.clauses.set_reviewer(None)
        if action is not None:
            blocked = action.blockSignals(True)
            action.setChecked(on)
            action.blockSignals(blocked)
        current = self.current_clause_id()
        if current is None and self.clauses.rowCount():
            self.clause_view.go_to_row(self._visible_from(0, 1) or 0)
        self._apply_filter()
        return on

    def _load_reviewer(self) -> None:
        ws, key = self.workspace, self.clauses.document_key
        if ws is None or key is None:
            self.clauses.set_reviewer([], {}, "")
            return
        from annotator.services.review import coding_by_coder

        current = self.current_clause_id()
        by_coder = coding_by_coder(ws.project, key)
        coders = ws.project.coders()
        order = sorted(coders, key=lambda c: (c.id != ws.coder_id, c.is_consensus, c.name))
        columns = [(c.id, c.name) for c in order if c.id in by_coder]
        self.clauses.set_reviewer(columns, by_coder, ws.coder_id)
        row = self.clauses.row_of(current) if current is not None else None
        if row is not None:
            self.clause_view.go_to_row(row)

    # -- colleagues' windows -------------------------------------------------------------------

    def _keep(self, name: str, view: QWidget) -> QWidget:
        old = self.views.pop(name, None)
        if old is not None:
            old.close()
        view.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.views[name] = view
        view.destroyed.connect(lambda _obj=None, n=name, v=view: self._forget(n, v))
        return view

    def _forget(self, name: str, view: QWidget) -> None:
        if self.views.get(name) is view:
            del self.views[name]

    def open_export(self) -> None:
        if self.workspace is not None:
            from annotator.gui.export_dialog import open_export_dialog

            open_export_dialog(self.workspace, self)

    def open_properties(self) -> None:
        key = self.clauses.document_key
        if self.workspace is not None and key is not None:
            from annotator.gui.document_dialog import edit_document_properties

            if edit_document_properties(self.workspace, key, self):
                self.reload_documents()
                self._update_progress()

    def open_codebook_editor(self) -> None:
        if self.workspace is not None:
            from annotator.gui.codebook_editor import open_codebook_editor

            open_codebook_editor(self.workspace, self)
            self.reload_codebook()

    def open_agreement(self) -> QWidget | None:
        if self.workspace is None:
            return None
        from annotator.gui.agreement_view import AgreementView

        view = AgreementView(self.workspace, self)
        self._keep("agreement", view)
        view.open_view()
        return view

    def open_disagreements(self) -> QWidget | None:
        if self.workspace is None:
            return None
        from annotator.gui.review_view import ReviewView

        view = ReviewView(self.workspace, self, document_key=self.clauses.document_key)
        self._keep("disagreements", view)
        view.open_view()
        return view

    def open_compare(self) -> QWidget | None:
        if self.workspace is None:
            return None
        from annotator.gui.compare_view import CompareView

        view = CompareView(self.workspace, self)
        self._keep("compare", view)
        view.open_view()
        return view

    def open_side_by_side(self) -> int:
        if self.workspace is None:
            return 0
        from annotator.gui.side_by_side import SideBySideView

        dialog = SideBySideView(self.workspace, self, left_key=self.clauses.document_key)
        try:
            return dialog.exec()
        finally:
            dialog.deleteLater()

    def _edit_written(self, edit: Edit) -> None:
        """Refresh only what ``edit`` touched; an undo in another plan brings that plan back."""
        ws = self.workspace
        if ws is None:
            return
        tables = edit.tables()
        if "category" in tables:
            self.reload_codebook()
        if edit.document_key is None:  # a merge, a codebook or project-wide edit
            self.refresh_all()
            return
        if "document" in tables:
            self.reload_documents()
        first = edit.clause_ids[0] if edit.clause_ids else None
        if "clause" in tables and edit.document_key == self.clauses.document_key:
            # A split, merge or moved boundary changes the list itself: reload this plan.
            self.open_document(
                edit.document_key, first if first is not None else self.current_clause_id()
            )
            self.statusBar().showMessage(f"{edit.label}.", 4000)
            return
        if edit.document_key != self.clauses.document_key:
            self.open_document(edit.document_key, first)
            self.statusBar().showMessage(f"{edit.label}: in another plan, now shown.", 4000)
            return
        if not edit.clause_ids and "document" in tables:
            self._update_progress()
            return
        for clause_id in edit.clause_ids:
            self.clauses.update_coding(clause_id, ws.project.clause_coding(clause_id, ws.coder_id))
        current = self.current_clause_id()
        if first is not None and first != current:
            row = self.clauses.row_of(first)
            if row is not None:
                self.clause_view.go_to_row(row)
        elif current in edit.clause_ids:
            clause = self.clauses.clause(self.clause_view.current_row())
            self.detail.show_clause(
                clause,
                self.clauses.clause_text(self.clause_view.current_row()),
                self.clauses.coding(clause.id),
                ws.categories,
                keep_text=True,
            )
        self._update_progress()

    def reload_codebook(self) -> None:
        """After a codebook edit: the workspace's categories, the dock, the rows, the Code menu."""
        ws = self.workspace
        if ws is None:
            return
        ws.reload_codebook()
        self.codebook.set_categories(ws.categories)
        self.clauses.set_categories(ws.categories)
        self._fill_filter_combo()
        menus.refresh_code_menu(self)

    def refresh_all(self) -> None:
        """Everything from the database again (after a merge or its undo)."""
        ws = self.workspace
        if ws is None:
            return
        self.reload_codebook()
        self.reload_documents()
        key = self.clauses.document_key
        if key is None or self.documents.row_of(key) is None:
            key = self.documents.summary(0).key if self.documents.rowCount() else None
        if key is not None:
            self.open_document(key, self.current_clause_id())

    def _update_progress(self) -> None:
        key = self.clauses.document_key
        coded, total = self.clauses.coded_count, self.clauses.rowCount()
        if key is not None:
            self.documents.set_coded(key, coded)
        self.progress_label.setText(f"{coded} of {total} clauses coded")
        row = self.documents.row_of(key) if key else None
        title = self.documents.summary(row).title if row is not None else ""
        coder = self.workspace.coder_name if self.workspace else ""
        self.heading.setText(f"{title}  ·  {coder}  ·  {coded}/{total} coded")

    # -- import --------------------------------------------------------------------------------

    def import_dialog(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(
            self,
            "Import plans",
            "",
            "Plans (*.txt *.md *.docx *.pdf *.html *.htm);;All files (*)",
        )
        if files:
            file_actions.import_plans(self, files, preview=True)

    def import_files(self, files: Sequence[str]) -> None:
        """Import plan files, each in one transaction (progress and Cancel for several)."""
        file_actions.import_plans(self, files)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        files = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        if files:
            event.acceptProposedAction()
            file_actions.open_files(self, files)

    # -- misc ----------------------------------------------------------------------------------

    def show_error(self, title: str, message: str) -> None:
        QMessageBox.warning(self, title, message)

    def about(self) -> None:
        from annotator.services.paths import data_dir

        path = self.project.path if self.project else ""
        show_about(self, str(data_dir()), str(path or ""))

    def _restore_layout(self) -> None:
        geometry = load_bytes("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        state = load_bytes("window/state")
        if state is not None:
            self.restoreState(state)

    def closeEvent(self, event: QCloseEvent) -> None:
        save_bytes("window/geometry", self.saveGeometry())
        save_bytes("window/state", self.saveState())
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Close the project (and release its lock); safe to call twice."""
        if self.workspace is not None:
            self.workspace.undo_stack.clear()
            self.workspace.project.close()
            self.workspace = None
