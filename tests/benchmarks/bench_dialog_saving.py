"""A team server: key to repainted row while a dialog's write waits for a PostgreSQL lock.

The main window is connected to a team database (a throwaway cluster, or ANNOTATOR_TEST_PG_URL).
For each dialog write — a codebook rename (the ``category`` table locked), switching blind mode
(``setting`` locked), applying a merge (``annotation`` locked) — another connection holds the
lock for 3 s while the coder presses J (next clause) 40 times: each key to the repainted list.
The same keys with nothing saving are the floor: a write waiting on the server should cost the
window nothing.
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import threading
import time
from collections.abc import Callable

from tests.helpers.bench import human, numbered_plan, offscreen_app, report, tiny

HOLD_SECONDS = 3.0
KEYS = tiny(40, 4)


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from sqlalchemy import text

    from tests.server.conftest import start_cluster, stop_cluster

    app, tmp = offscreen_app("bench-dialog-saving")
    from annotator.gui import file_actions
    from annotator.gui.codebook_editor import CodebookEditor
    from annotator.gui.main_window import MainWindow
    from annotator.services import exchange, merge
    from annotator.services.project import Project
    from annotator.services.team import create_team_project
    from annotator.storage.server import open_server_engine

    url, folder = start_cluster()
    try:
        owner = create_team_project(url, "bench_dialogs")
        plan = numbered_plan(500)
        key = owner.import_text("Plan", plan, source_name="plan.txt").document_key
        other = tmp / "taras.annotator.sqlite"
        with Project.open(other, seed_samples=False) as local:
            local.import_text("Plan", plan, source_name="plan.txt")
            taras = local.add_coder("Taras").id
            for clause in local.clauses(key)[1:200]:
                local.toggle_tag(taras, clause.id, "economic")
            source = tmp / "taras.plan-annotations.json"
            exchange.write_exchange_file(local, source, taras)

        from sqlalchemy.engine import make_url

        project = Project(open_server_engine(make_url(url).set(database="bench_dialogs")))
        window = MainWindow(ask_name=lambda *_: "Olena")
        window.resize(1280, 800)
        window.show()
        assert window.projects.open_server_project(project, None)
        window.open_document(key)
        while window.ops.running():  # the plan is read in the background
            app.processEvents()
        ws = window.workspace
        assert ws is not None
        view = window.clause_view

        def keys() -> list[float]:
            times = []
            for _ in range(KEYS):
                start = time.perf_counter()
                QTest.keyClick(view, Qt.Key.Key_J)
                view.viewport().repaint()  # painted, not just scheduled
                times.append(time.perf_counter() - start)
                app.processEvents()
                time.sleep(0.02)
            return times

        floor = float("inf")
        for _ in range(2):  # the first round warms the caches up
            view.go_to_row(0)
            floor = min(floor, statistics.median(keys()))

        def measured(label: str, table: str, start_write: Callable[[], object]) -> None:
            locked, release = threading.Event(), threading.Event()

            def hold() -> None:
                with owner.engine.connect() as conn, conn.begin():
                    conn.execute(text(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE"))
                    locked.set()
                    release.wait(HOLD_SECONDS + 5)

            holder = threading.Thread(target=hold)
            holder.start()
            assert locked.wait(10)
            began = time.perf_counter()
            start_write()
            returned = time.perf_counter() - began
            view.go_to_row(0)
            times = keys()
            assert window.ops.writes_pending(), f"{label}: the write did not wait for the lock"
            release.set()
            holder.join()
            deadline = time.monotonic() + 20
            while window.ops.running():
                assert time.monotonic() < deadline, f"{label}: never committed"
                app.processEvents()
                time.sleep(0.005)
            print(f"{label}: the action returned in {human(returned)}", flush=True)
            report(
                f"team server, J to repainted row while {label} waits for a lock, median",
                statistics.median(times),
                "same keys, nothing saving",
                floor,
            )
            print(f"  slowest of {KEYS}: {human(max(times))}", flush=True)

        editor = CodebookEditor(ws, window)
        editor.show()
        while window.ops.running():  # the editor reads the codebook in the background
            app.processEvents()
        editor.ask_text = lambda *args: args[-1]("Land")
        editor.select("territorial")
        measured("a codebook rename", "category", editor.rename)
        editor.close()
        measured("blind mode", "setting", window.actions_["blind"].trigger)
        preview = merge.preview_merge(ws.project, [source])
        measured(
            "a merge (199 tags)",
            "annotation",
            lambda: file_actions.apply_previewed(window, preview, True),
        )
        window.ops.shutdown()
        window.close()
        owner.close()
        project.close()
    finally:
        stop_cluster(folder)
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
