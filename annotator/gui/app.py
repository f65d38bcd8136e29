"""Start the GUI: paint the window's frame first, then build its panels and open the project.

Only Qt and the window's frame are imported before the first paint; the panels, SQLAlchemy and
the project come after it, so the window appears at about the cost of a bare Qt window.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from importlib import resources
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QIcon, QWindow
from PySide6.QtWidgets import QApplication

from annotator.gui.main_window import MainWindow
from annotator.launcher import parse_gui_args

if TYPE_CHECKING:
    from annotator.gui import first_screen

APP_NAME = "Plan Annotator"
ORG_NAME = "plan-annotator"
DESKTOP_ID = "io.github.plan_annotator.PlanAnnotator"  # the .desktop file's name, for Wayland


def parse_args(argv: list[str]) -> argparse.Namespace:
    """The window's arguments (parsed before Qt loads, in :mod:`annotator.launcher`)."""
    return parse_gui_args(argv)


def app_icon() -> QIcon:
    icon = QIcon()
    folder = resources.files("annotator.resources").joinpath("icons")
    for size in (16, 24, 32, 48, 64, 128, 256):
        entry = folder.joinpath(f"plan-annotator-{size}.png")
        if entry.is_file():
            with resources.as_file(entry) as real:
                icon.addFile(str(real))
    return icon


def run_gui(argv: list[str], *, on_shown: Callable[[MainWindow], None] | None = None) -> int:
    """Run the application; returns its exit code.

    ``on_shown`` is called once the project is open and takes keys (benchmarks and smoke tests
    use it); the last plan may have been painted before, from a quick read (gui/first_screen.py).
    """
    args = parse_args(argv)
    app = QApplication.instance() or QApplication(
        [sys.argv[0] if sys.argv else "annotator", *args.qt_args]
    )
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(ORG_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setDesktopFileName(DESKTOP_ID)
    app.setWindowIcon(app_icon())
    from annotator.gui.preferences import apply_saved

    apply_saved(app)  # text size and theme (Preferences)
    window = MainWindow(skeleton=True)
    started = False
    smoke_code = 0

    def start() -> None:
        nonlocal started
        if started:
            return
        started = True
        window.build()
        from annotator.gui.session_end import quit_on_session_end

        quit_on_session_end(app)  # a logout's SIGTERM saves and closes, as Quit does
        from annotator.gui import first_screen

        first = first_screen.read_for(args)
        if first is None:
            open_project()
            return
        # The last plan from sqlite3 alone, painted before SQLAlchemy loads; the project opens
        # once it has painted, keeping what it shows (see gui/first_screen.py).
        first_screen.show(window, *first)
        held = first_screen.HeldKeys(window)
        first_screen.after_paint(window.clause_view.viewport(), lambda: open_project(held))

    def open_project(held: first_screen.HeldKeys | None = None) -> None:
        opened = window.open_project(args.project, args.files, args.coder)
        if held is not None:
            from annotator.gui import first_screen
            from annotator.gui.plan_loading import settle_garbage

            if window.workspace is None:
                first_screen.clear(window)  # no stale clauses under the error
            else:  # the plan was shown before: the navigator kept it, and skipped this
                settle_garbage(window.clauses.rowCount())
            held.release()  # the keys and clicks meanwhile, to the live project

        def shown() -> None:  # once the files given have been imported or merged
            nonlocal smoke_code
            if on_shown is not None:
                on_shown(window)
            if args.smoke_test:
                smoke_code = 0 if opened and window.isVisible() else 1
                print(f"smoke test: {'ok' if smoke_code == 0 else 'failed'}", flush=True)
                QTimer.singleShot(0, app.quit)

        window.ops.when_idle(shown)

    # Open the project (SQLAlchemy, migrations) only once the window is on screen: a zero timer
    # alone fires before the first paint. The fallback covers platforms that never expose.
    first_paint = _WhenExposed(start)
    window.winId()  # create the native window so its expose events can be watched
    handle = window.windowHandle()
    if handle is not None:
        handle.installEventFilter(first_paint)
    window.show()
    QTimer.singleShot(1500, start)
    code = app.exec()
    window.shutdown()  # quit without a close event (session end, app.quit()) still closes it
    return smoke_code if args.smoke_test else int(code)


class _WhenExposed(QObject):
    """Calls ``action`` (after the pending paint) the first time the window is exposed."""

    def __init__(self, action: Callable[[], None]):
        super().__init__()
        self.action = action
        self.done = False

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        exposed = isinstance(obj, QWindow) and obj.isExposed()
        if not self.done and event.type() == QEvent.Type.Expose and exposed:
            self.done = True
            QTimer.singleShot(0, self.action)
        return False
