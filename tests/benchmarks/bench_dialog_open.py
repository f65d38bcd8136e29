"""A team server: how long the dialogs' reads as they open hold the window.

The main window is connected to a team database (a throwaway cluster, or ANNOTATOR_TEST_PG_URL)
with a 500-clause plan. Each dialog is opened five times (median), then once more while another
connection holds an ACCESS EXCLUSIVE lock on the table its opening reads, released after 1 s: the
open then waits for the lock (such a lock is taken only by a schema upgrade or a LOCK TABLE;
PostgreSQL's reads never wait for the row locks writes take).
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import threading
import time
from collections.abc import Callable

from tests.helpers.bench import human, numbered_plan, offscreen_app, record, tiny

HOLD_SECONDS = tiny(1.0, 0.2)


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication, QWidget
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from tests.server.conftest import start_cluster, stop_cluster

    app, tmp = offscreen_app("bench-dialog-open")
    from annotator.gui.agreement_view import AgreementView
    from annotator.gui.codebook_editor import CodebookEditor
    from annotator.gui.document_dialog import edit_document_properties
    from annotator.gui.main_window import MainWindow
    from annotator.gui.review_view import ReviewView
    from annotator.gui.side_by_side import SideBySideView
    from annotator.services.project import Project
    from annotator.services.team import create_team_project
    from annotator.storage.server import open_server_engine

    url, folder = start_cluster()
    try:
        owner = create_team_project(url, "bench_dialog_open")
        key = owner.import_text("Plan", numbered_plan(500), source_name="plan.txt").document_key
        project = Project(open_server_engine(make_url(url).set(database="bench_dialog_open")))
        window = MainWindow(ask_name=lambda *_: "Olena")
        window.show()
        assert window.projects.open_server_project(project, None)  # what a connect answers with
        while window.ops.running():
            app.processEvents()
        window.open_document(key)
        while window.ops.running():  # the plan is read in the background
            app.processEvents()
        ws = window.workspace
        assert ws is not None
        plans = [(key, "Plan")]
        dialogs: list[tuple[str, str, Callable[[], QWidget | None]]] = [
            ("codebook editor", "category", lambda: CodebookEditor(ws, window)),
            # As the menu opens it: read in the background, then shown (window-modal).
            ("plan properties", "document", lambda: edit_document_properties(ws, key, window)),
            ("agreement window", "coder", lambda: AgreementView(ws, window)),
            ("disagreements window", "annotation", lambda: ReviewView(ws, window, plans=plans)),
            ("side-by-side view", "document", lambda: SideBySideView(ws, window, key)),
        ]

        def opened(make: Callable[[], QWidget | None]) -> float:
            began = time.perf_counter()
            widget = make()
            took = time.perf_counter() - began
            while window.ops.running():  # what it reads in the background, then shows
                app.processEvents()
            app.processEvents()
            widget = widget or QApplication.activeModalWidget()
            if widget is not None:
                widget.close()
                widget.deleteLater()
            app.processEvents()
            return took

        for name, table, make in dialogs:
            opened(make)  # warm the caches
            median = statistics.median(opened(make) for _ in range(tiny(5, 1)))
            locked, release = threading.Event(), threading.Event()

            def hold(
                table: str = table,
                locked: threading.Event = locked,
                release: threading.Event = release,
            ) -> None:
                with owner.engine.connect() as conn, conn.begin():
                    conn.execute(text(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE"))
                    locked.set()
                    release.wait(10)

            holder = threading.Thread(target=hold)
            holder.start()
            assert locked.wait(10)
            threading.Timer(HOLD_SECONDS, release.set).start()
            held = opened(make)
            holder.join()
            record(
                f"team server, {name} opened (window held), median",
                human(median),
                f"with {table} locked {HOLD_SECONDS:.0f} s: {human(held)}",
                None,
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
