"""Launch-to-window figures: Plan Annotator beside a bare QApplication + QMainWindow.

Run with ``python -m tests.benchmarks.bench_startup [--runs N]``. Each launch is a fresh
interpreter; the parent takes the wall-clock time before spawning it and the child reports when
its main window first painted, and, for the app, when the sample project was shown (the first
paint of the clause list with the plan's clauses in it, as a user sees it) and when it was open
and ready for keys (``run_gui``'s ``on_shown``). Uses the offscreen platform unless DISPLAY is
set. Not collected by pytest.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def child(kind: str, project: str, settings: str) -> None:
    """One launch: print {"painted": t, "shown": t, "ready": t} (wall-clock seconds), exit."""
    from PySide6.QtCore import QCoreApplication, QEvent, QObject, QSettings, QTimer
    from PySide6.QtWidgets import QAbstractItemView, QApplication, QMainWindow, QWidget

    app = QApplication(sys.argv[:1])
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, settings)
    times: dict[str, float] = {}

    class FirstPaint(QObject):
        def eventFilter(self, obj: QObject, event: QEvent) -> bool:
            # The first paint of any widget in a main window: the window is on screen.
            if (
                event.type() == QEvent.Type.Paint
                and isinstance(obj, QWidget)
                and isinstance(obj.window(), QMainWindow)
            ):
                times.setdefault("painted", time.time())
                if kind == "bare":
                    QTimer.singleShot(0, app.quit)
                view = obj.parent()
                if (
                    isinstance(view, QAbstractItemView)
                    and type(view).__name__ == "ClauseListView"
                    and view.model().rowCount()
                ):
                    times.setdefault("shown", time.time())
            return False

    watcher = FirstPaint()
    app.installEventFilter(watcher)
    if kind == "bare":
        window = QMainWindow()
        window.resize(1280, 800)
        window.show()
        app.exec()
    else:
        from annotator.gui.app import run_gui

        def loaded(win: QMainWindow) -> None:
            times["ready"] = time.time()
            win.close()
            QCoreApplication.quit()

        run_gui(["--project", project, "--coder", "Bench"], on_shown=loaded)
    print(json.dumps(times))


def launch(kind: str, project: str, settings: str) -> dict[str, float]:
    start = time.time()
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.benchmarks.bench_startup",
            "--child",
            kind,
            project,
            settings,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    times = json.loads(out.stdout.strip().splitlines()[-1])
    return {k: v - start for k, v in times.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=None, help="launches of each (10)")
    parser.add_argument("--child", nargs=3, metavar=("KIND", "PROJECT", "SETTINGS"))
    args = parser.parse_args(argv)
    if not os.environ.get("DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if args.child:
        child(*args.child)
        return 0
    import compileall

    import annotator
    from annotator.services.project import Project
    from tests.helpers.bench import record, tiny  # not in a child: its imports would be timed

    args.runs = args.runs or tiny(10, 1)

    # As installed: pip and the bundle ship compiled bytecode. Without this, a checkout run with
    # PYTHONDONTWRITEBYTECODE=1 compiles every module of ours from source at each launch (~0.1 s).
    compileall.compile_dir(Path(annotator.__file__).parent, quiet=1)
    with tempfile.TemporaryDirectory() as tmp:
        project = str(Path(tmp) / "samples.sqlite")
        Project.open(project, seed_samples=True).close()
        settings = str(Path(tmp) / "settings")
        launch("app", project, settings)  # warm the file cache and create the coder once
        bare: list[float] = []
        painted: list[float] = []
        shown: list[float] = []
        ready: list[float] = []
        for _ in range(args.runs):
            bare.append(launch("bare", project, settings)["painted"])
            app = launch("app", project, settings)
            painted.append(app["painted"])
            shown.append(app["shown"])
            ready.append(app["ready"])
    platform = os.environ.get("QT_QPA_PLATFORM") or f"xcb ({os.environ.get('DISPLAY')})"

    def ms(values: list[float]) -> str:
        low, high = min(values) * 1000, max(values) * 1000
        return f"median {statistics.median(values) * 1000:6.0f} ms  (min {low:.0f}, max {high:.0f})"

    print(
        f"Start-up, {args.runs} launches each, platform {platform}, Python {sys.version.split()[0]}"
    )
    print(f"  bare QApplication + QMainWindow painted:  {ms(bare)}")
    print(f"  Plan Annotator window painted:            {ms(painted)}")
    print(f"  Plan Annotator sample project shown:      {ms(shown)}")
    print(f"  Plan Annotator ready for keys:            {ms(ready)}")
    print(f"  load average when measured: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    floor = statistics.median(bare)
    where = f"{platform}, median of {args.runs}"
    # Ready for keys: the project opened behind the shown plan (SQLAlchemy, the lock, the
    # workspace). Measured beside the same floor with no goal: the goal is on what a user sees.
    for job, values, goal, order in (
        (f"Start-up: window painted ({where})", painted, "≤ 1.3×", 10),
        (f"Start-up: sample project shown ({where})", shown, "≤ 2.5×", 11),
        (f"Start-up: sample project ready for keys ({where})", ready, "", 12),
    ):
        value = statistics.median(values)
        record(
            job,
            f"{value * 1000:.0f} ms",
            f"bare QApplication + QMainWindow painted {floor * 1000:.0f} ms",
            value / floor,
            goal=goal,
            order=order,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
