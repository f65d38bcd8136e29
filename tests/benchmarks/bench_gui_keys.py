"""The main window on a 10,000-clause plan: a coding key to the repainted row, through the
operation runner; J to the next clause; and switching the clause filter (a
QSortFilterProxyModel).

Floors: one frame at 60 Hz (16.7 ms) for a key; for the filter, a Python loop that only asks the
model whether each row passes (the least any filter can cost).
"""

from __future__ import annotations

import os
import shutil
import statistics
import time

from tests.helpers.bench import human, numbered_plan, offscreen_app, report, scaled, tiny

FRAME = 1 / 60


def main() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    app, tmp = offscreen_app("bench-gui")
    from annotator.gui.main_window import MainWindow
    from annotator.services.project import Project

    try:
        n = scaled(10_000)
        path = tmp / "p.sqlite"
        with Project.open(path, seed_samples=False) as project:
            key = project.import_text("Plan", numbered_plan(n)).document_key
        window = MainWindow(ask_name=lambda *_: "Olena")
        window.resize(1280, 800)
        window.show()
        assert window.open_project(path)
        window.open_document(key)
        app.processEvents()
        view = window.clause_view
        presses = tiny(100, 5)
        times = []
        for row in range(1, presses + 1):
            view.go_to_row(row)
            app.processEvents()
            start = time.perf_counter()
            QTest.keyClick(view, Qt.Key.Key_1)
            view.viewport().repaint()  # painted, not just scheduled
            times.append(time.perf_counter() - start)
        print(f"plan: {n:,} clauses; {presses} key presses")
        report("key 1 to repainted row, median", statistics.median(times), "one frame", FRAME)
        print(f"key 1 to repainted row, slowest: {human(max(times))}", flush=True)

        steps = []
        view.go_to_row(0)
        for _ in range(presses):
            start = time.perf_counter()
            QTest.keyClick(view, Qt.Key.Key_J)
            view.viewport().repaint()
            steps.append(time.perf_counter() - start)
        report(
            "key J to the next clause shown, median", statistics.median(steps), "one frame", FRAME
        )

        model = window.clauses

        def floor() -> float:
            start = time.perf_counter()
            sum(1 for r in range(model.rowCount()) if model.matches_filter(r, "uncoded"))
            return time.perf_counter() - start

        switches = []
        for _ in range(tiny(3, 1)):
            for how in ("uncoded", "all"):
                start = time.perf_counter()
                window.navigator.set_filter(how)
                app.processEvents()
                switches.append(time.perf_counter() - start)
        report("switch the filter (Uncoded / All), best", min(switches), "bare loop", floor())
        window.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
