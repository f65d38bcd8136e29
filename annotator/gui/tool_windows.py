"""The windows opened from the menus: one base class, and the registry that keeps them open.

:class:`ToolWindow` is what every such window shares: it remembers its size and place, opens
non-modally with the focus, and writes the files it exports atomically (``QSaveFile``: a failed
write leaves the old file, never half a new one). :class:`ToolWindows` is the main window's
registry: at most one window of each kind, closed when the project changes.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QIODevice, QObject, QSaveFile, Qt
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import QDialog, QFileDialog, QWidget

from annotator.gui.ops import show_message
from annotator.gui.settings import load_bytes, save_bytes

if TYPE_CHECKING:
    from annotator.gui.main_window import MainWindow
    from annotator.gui.workspace import Workspace

Opener = TypeVar("Opener", bound=Callable[..., Any])


def reads_shown(title: str) -> Callable[[Opener], Opener]:
    """An opener whose reads as the window opens may fail (a team server not answering within
    its timeouts, a lost connection): the failure is shown once as one line, not a traceback."""

    def wrap(method: Opener) -> Opener:
        @functools.wraps(method)
        def opened(self: ToolWindows, *args: Any) -> Any:
            from annotator.services.reads import read_mapped

            return self.w.ops.call(lambda: read_mapped(lambda: method(self, *args)), title=title)

        return opened  # type: ignore[return-value]

    return wrap


def save_file(path: str | Path, data: bytes | str) -> None:
    """Write ``data`` (text as UTF-8) to ``path`` atomically; OSError naming the file if not."""
    out = QSaveFile(str(path))
    if not out.open(QIODevice.OpenModeFlag.WriteOnly):
        raise OSError(0, out.errorString(), str(path))
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if out.write(raw) != len(raw) or not out.commit():
        error = out.errorString()
        out.cancelWriting()
        raise OSError(0, error, str(path))


class ToolWindow(QDialog):
    """A window opened from a menu: remembers its geometry, writes its files atomically."""

    def showEvent(self, event: QShowEvent) -> None:
        if not getattr(self, "_placed", False):
            self._placed = True
            geometry = load_bytes(self._geometry_key())
            if geometry is not None:
                self.restoreGeometry(geometry)
        super().showEvent(event)

    def hideEvent(self, event: QHideEvent) -> None:
        save_bytes(self._geometry_key(), self.saveGeometry())
        super().hideEvent(event)

    def _geometry_key(self) -> str:
        return f"windows/{type(self).__name__}/geometry"

    def open_view(self) -> None:
        """Show the window (non-modal) with the focus."""
        self.show()
        self.raise_()
        self.activateWindow()

    def ask_save_path(self, title: str, name: str, pattern: str) -> str | None:
        path, _ = QFileDialog.getSaveFileName(self, title, name, pattern)
        return path or None

    def export_to(self, path: str | Path, produce: Callable[[], bytes | str]) -> bool:
        """Write what ``produce`` returns to ``path``; a failure is shown, never raised."""
        try:
            save_file(path, produce())
        except OSError as exc:
            show_message(self, "Cannot export", f"{path}: {exc.strerror or exc}")
            return False
        return True


class ToolWindows(QObject):
    """The main window's other windows, kept alive (one of each kind) while they are open."""

    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.w = window
        self.views: dict[str, QWidget] = {}

    def keep(self, name: str, view: QWidget) -> QWidget:
        """Register ``view`` as the window called ``name``, closing one open before."""
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

    def close_all(self) -> None:
        """Before the project changes: they show the project being left."""
        for view in list(self.views.values()):
            view.close()

    # -- the windows -----------------------------------------------------------------------------

    def _showing_others(
        self, what: str, title: str, show: Callable[[Workspace], QWidget | None]
    ) -> QWidget | None:
        """``show(workspace)`` once other coders' work may be shown (:func:`may_show_others`):
        its window at once locally; on a team server None here, the window once blind mode is
        read. A read ``show`` makes that fails is one message titled ``title``."""
        ws = self.w.workspace
        if ws is None:
            return None
        from annotator.gui.blind import may_show_others
        from annotator.services.reads import read_mapped

        opened: list[QWidget | None] = []

        def allowed() -> None:
            opened.append(self.w.ops.call(lambda: read_mapped(lambda: show(ws)), title=title))

        may_show_others(self.w, ws, self.w.confirm, what, allowed, title=title)
        return opened[0] if opened else None

    def open_export(self) -> QWidget | None:
        def show(ws: Workspace) -> QWidget:
            from annotator.gui.export_dialog import open_export_dialog

            return open_export_dialog(ws, self.w)

        what = "every coder's tags (the export's preview)"
        return self._showing_others(what, "Cannot open the export", show)

    @reads_shown("Cannot open the plan's properties")
    def open_properties(self) -> None:
        ws, key = self.w.workspace, self.w.clauses.document_key
        if ws is not None and key is not None:
            from annotator.gui.document_dialog import edit_document_properties

            edit_document_properties(ws, key, self.w)  # the runner announces the change

    @reads_shown("Cannot open the codebook")
    def open_codebook_editor(self) -> None:
        if self.w.workspace is not None:
            from annotator.gui.codebook_editor import open_codebook_editor

            open_codebook_editor(self.w.workspace, self.w)

    def open_agreement(self) -> QWidget | None:
        def show(ws: Workspace) -> QWidget:
            from annotator.gui.agreement_view import AgreementView

            return self._open("agreement", AgreementView(ws, self.w))

        what = "agreement between coders"
        return self._showing_others(what, "Cannot open the agreement window", show)

    def open_disagreements(self) -> QWidget | None:
        def show(ws: Workspace) -> QWidget:
            from annotator.gui.review_view import ReviewView

            key = self.w.clauses.document_key
            docs = self.w.documents
            plans = [(d.key, d.title) for d in map(docs.summary, range(docs.rowCount()))]
            view = ReviewView(ws, self.w, document_key=key, plans=plans)
            return self._open("disagreements", view)

        return self._showing_others("other coders' tags", "Cannot open the disagreements", show)

    def open_compare(self) -> QWidget | None:
        def show(ws: Workspace) -> QWidget:
            from annotator.gui.compare_view import CompareView

            return self._open("compare", CompareView(ws, self.w))

        what = "counts of every coder's tags"
        return self._showing_others(what, "Cannot open the comparison", show)

    def _open(self, name: str, view: ToolWindow) -> ToolWindow:
        self.keep(name, view)
        view.open_view()
        return view

    def open_side_by_side(self) -> QDialog | None:
        if self.w.workspace is None:
            return None
        from annotator.gui.modal import open_modal
        from annotator.gui.side_by_side import SideBySideView

        key = self.w.clauses.document_key
        return open_modal(SideBySideView(self.w.workspace, self.w, left_key=key))
