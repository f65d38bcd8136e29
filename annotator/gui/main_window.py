"""The main window: builds the widgets and docks and wires them to the parts that act.

The window holds no logic of its own. What happens lives in five parts it creates and wires:

- :attr:`MainWindow.ops` (:mod:`annotator.gui.ops`): the operation runner every service call
  goes through; its ``changed`` announcements redraw the views.
- :attr:`MainWindow.projects` (:mod:`annotator.gui.project_controller`): open, switch, team
  server, coder, blind mode.
- :attr:`MainWindow.navigator` (:mod:`annotator.gui.navigator`): the shown plan and clause,
  filter, search, jumps, reviewer mode, redrawing after a change.
- :attr:`MainWindow.commands` (:mod:`annotator.gui.commands`): what the coding keys do.
- :attr:`MainWindow.tools` (:mod:`annotator.gui.tool_windows`): the other windows.

The window is built without the service (which imports SQLAlchemy, the largest start-up cost), so
it can be shown at once; :meth:`MainWindow.open_project` then opens the project. At start-up it is
built in two steps: ``MainWindow(skeleton=True)`` makes only the frame (title, docks, tool bar,
status bar, at the saved geometry) from modules PySide6 has already loaded, so it paints at about
the cost of a bare window; :meth:`MainWindow.build` then imports and adds the panels and the parts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

# Only what the frame needs: importing a Qt class makes PySide6 create its enums (the Qt
# namespace alone has 93, ~20 ms), so the rest is imported where the panels are built.
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMainWindow, QWidget

from annotator.gui.settings import load_bytes, save_bytes

if TYPE_CHECKING:
    from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QResizeEvent
    from PySide6.QtWidgets import QDockWidget

    from annotator.gui.settings import ProjectSettings
    from annotator.gui.workspace import Workspace
    from annotator.services.project import Project

AskName = Callable[[QWidget | None, Sequence[str]], str | None]
Confirm = Callable[[QWidget | None, str, str], bool]


def ask_confirm(parent: QWidget | None, title: str, text: str) -> bool:
    """A Yes/No question, No by default."""
    from PySide6.QtWidgets import QMessageBox

    answer = QMessageBox.question(
        parent,
        title,
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


class MainWindow(QMainWindow):
    """Plans on the left, the open plan's clauses in the middle, codebook and clause at right."""

    def __init__(
        self,
        *,
        ask_name: AskName | None = None,
        confirm: Confirm = ask_confirm,
        parent: QWidget | None = None,
        skeleton: bool = False,
    ):
        """The whole window; with ``skeleton`` only its frame, until :meth:`build` is called."""
        super().__init__(parent)
        self._ask_name = ask_name
        self.confirm = confirm
        self.built = False
        self.setWindowTitle("Plan Annotator")
        self.setObjectName("mainWindow")
        self.setAcceptDrops(True)
        screen = QGuiApplication.primaryScreen()
        room = screen.availableGeometry() if screen else None
        self.resize(
            min(1280, room.width() * 9 // 10) if room else 1280,
            min(800, room.height() * 9 // 10) if room else 800,
        )
        geometry = load_bytes("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        # The frame has no child widget but the status bar: with any other, Qt makes private
        # objects whose first sight by a Python event filter costs PySide6 ~40 ms of enums.
        self.statusBar().showMessage("Opening project…")
        if not skeleton:
            self.build()

    def build(self) -> None:
        """Import and add the panels and the parts that act (once)."""
        if self.built:
            return
        self.built = True
        from annotator.gui import file_actions, menus
        from annotator.gui.codebook_panel import CodebookPanel
        from annotator.gui.commands import Commands
        from annotator.gui.detail_panel import DetailPanel
        from annotator.gui.dialogs import ask_coder_name
        from annotator.gui.models import ClauseListModel, DocumentListModel
        from annotator.gui.navigator import ClauseNavigator
        from annotator.gui.ops import Operations
        from annotator.gui.project_controller import ProjectController
        from annotator.gui.search import SearchBar
        from annotator.gui.tool_windows import ToolWindows
        from annotator.gui.views import ClauseListView, DocumentListView

        self.ask_name: AskName = self._ask_name or ask_coder_name
        #: Shows a merge's preview and answers True to apply (tests replace it).
        self.show_merge_preview = file_actions.show_merge_preview
        self.documents = DocumentListModel(self)
        self.clauses = ClauseListModel(self)
        self.clause_view = ClauseListView(self.clauses)
        self.document_view = DocumentListView(self.documents)
        self.codebook = CodebookPanel()
        self.detail = DetailPanel()
        self.search_bar = SearchBar()
        self.search_bar.hide()
        self.statusBar().clearMessage()
        self._build_centre()
        self._build_docks()
        self._build_status_bar()
        self._build_toolbar()

        # The parts that act; the window only connects them.
        self.ops = Operations(self, report=lambda title, text: self.show_error(title, text))
        self.projects = ProjectController(self)
        self.navigator = ClauseNavigator(self)
        self.commands = Commands(self)
        self.tools = ToolWindows(self)
        self.actions_ = menus.build(self)
        self.ops.changed.connect(self.navigator.changed)
        self.ops.saving.connect(self.navigator.saving)
        self.ops.changed.connect(self.projects.changed)
        self.ops.said.connect(lambda text: self.statusBar().showMessage(text, 6000))
        self.detail.memo_committed.connect(self.commands.save_memo)
        self.codebook.chosen.connect(self.commands.apply_category)
        self._restore_layout()
        self._show_panels()
        self.clause_view.setFocus()
        self._make_room()  # now, before rows are laid out (first screen): no reflow after it

    def _make_room(self) -> None:
        from annotator.gui.dock_room import make_room

        layout = self.layout()
        if layout is not None:
            layout.activate()  # the panels' widths at this size, not those of the last turn
        make_room(self, list(self.docks.values()))
        if layout is not None:
            layout.activate()

    def _show_panels(self) -> None:
        """Show the panels just added to a frame already on screen now, not in a later turn of
        the event loop as Qt would: activated before then, the window would give the focus to
        the first panel visible (the plan list), and arrows pressed at start-up would move plans."""
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QWidget

        if not self.isVisible():
            return
        explicit = Qt.WidgetAttribute.WA_WState_ExplicitShowHide
        for child in self.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly):
            if not child.isWindow() and not (child.isHidden() and child.testAttribute(explicit)):
                child.show()  # a dock the coder closed stays closed

    # -- building --------------------------------------------------------------------------------

    def _build_centre(self) -> None:
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QLabel, QVBoxLayout

        from annotator.gui.segment_notes import SegmentNotesBar

        self.heading = QLabel("Opening project…")
        self.heading.setObjectName("documentHeading")
        self.heading.setContentsMargins(12, 8, 12, 8)
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        font.setBold(True)
        self.heading.setFont(font)
        self.heading.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        # Wrapped, not one line: a long plan title at a large text size would otherwise set the
        # window's least width past the screen, pushing the clause panel off its right edge.
        self.heading.setWordWrap(True)
        centre = QWidget()
        box = QVBoxLayout(centre)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(0)
        box.addWidget(self.heading)
        self.segment_notes = SegmentNotesBar()  # what the segmenter noticed about the source
        box.addWidget(self.segment_notes)
        box.addWidget(self.search_bar)
        box.addWidget(self.clause_view, 1)
        self.setCentralWidget(centre)

    def _build_docks(self) -> None:
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QDockWidget, QVBoxLayout

        from annotator.gui.dock_room import scrolled

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
        codebook.setWidget(scrolled(right))
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, codebook)
        self.resizeDocks([plans, codebook], [280, 380], Qt.Orientation.Horizontal)
        self.docks: dict[str, QDockWidget] = {"plans": plans, "codebook": codebook}

    def _build_status_bar(self) -> None:
        from PySide6.QtWidgets import QLabel

        self.coder_label = QLabel()
        self.progress_label = QLabel()
        for label in (self.coder_label, self.progress_label):
            label.setContentsMargins(10, 0, 10, 0)
            self.statusBar().addPermanentWidget(label)

    def _build_toolbar(self) -> None:
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QComboBox, QLabel, QToolBar

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
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
        self.filter_bar = bar

    # -- what the parts share --------------------------------------------------------------------

    @property
    def workspace(self) -> Workspace | None:
        return self.projects.workspace

    @property
    def settings(self) -> ProjectSettings | None:
        return self.projects.settings

    @property
    def project(self) -> Project | None:
        return self.projects.project

    def open_project(
        self,
        path: str | Path | None = None,
        import_files: Sequence[str] = (),
        coder_name: str | None = None,
    ) -> bool:
        """Open the project at start-up (see :meth:`ProjectController.open_project`)."""
        return self.projects.open_project(path, import_files, coder_name)

    def open_document(self, key: str, clause_id: int | None = None) -> None:
        """Show the plan ``key`` (see :meth:`ClauseNavigator.show_plan`): at once locally; on a
        team server read in the background, the clause list saying "Loading …" meanwhile."""
        self.navigator.show_plan(key, clause_id)

    def show_error(self, title: str, message: str) -> None:
        """One message, on top of any open dialog, dismissed with Enter (never blocks a job)."""
        from annotator.gui.ops import show_message

        show_message(self, title, message)

    def about(self) -> None:
        from annotator.gui.dialogs import show_about
        from annotator.services.paths import data_dir

        path = self.project.path if self.project else ""
        show_about(self, str(data_dir()), str(path or ""))

    # -- window events ---------------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        files = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        if files:
            from PySide6.QtCore import QTimer

            from annotator.gui import file_actions

            event.acceptProposedAction()
            # After the drop returns: the import preview is modal, and the program the files
            # were dragged from waits until the drop is over.
            QTimer.singleShot(0, lambda: file_actions.open_files(self, files))

    def _restore_layout(self) -> None:
        state = load_bytes("window/state")
        if state is not None:
            self.restoreState(state)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.built:
            self._make_room()

    def closeEvent(self, event: QCloseEvent) -> None:
        save_bytes("window/geometry", self.saveGeometry())
        if self.built:  # a frame closed before its docks exist would save a layout without them
            save_bytes("window/state", self.saveState())
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Commit the editors, stop the jobs, close the project; safe to call twice."""
        if self.built:
            self.projects.shutdown()
