"""Opening a plan: locally where it is chosen, on a team server in the background.

Local SQLite: choosing a 500-clause plan in the plan list until its clauses are shown, read on the
UI thread (what the window does) and through the background loader (what a server gets) — the
loader's hand-off to a thread and back must not be worth it for a local file.

Team server (a throwaway cluster, or ANNOTATOR_TEST_PG_URL): the click until "Loading …" shows,
the click until the plan is shown, and while another connection holds the clause table for 3 s
the longest the event loop went without delivering a 10 ms timer (the window's answer time) and
the plan shown after the lock is released.
"""

from __future__ import annotations

import itertools
import os
import shutil
import statistics
import sys
import threading
import time
from collections.abc import Callable

from tests.helpers.bench import human, numbered_plan, offscreen_app, record, report, tiny

CLAUSES = tiny(500, 20)
ROUNDS = tiny(10, 1)
HOLD_SECONDS = tiny(3.0, 0.3)


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QTimer
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from tests.server.conftest import start_cluster, stop_cluster

    app, tmp = offscreen_app("bench-plan-open")
    from annotator.gui.main_window import MainWindow
    from annotator.services.project import Project
    from annotator.services.team import create_team_project
    from annotator.storage.server import open_server_engine

    def pump(condition: Callable[[], bool], seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while not condition():
            assert time.monotonic() < deadline, "timed out"
            app.processEvents()
            time.sleep(0.001)

    def plans(window: MainWindow) -> tuple[str, str]:
        return window.documents.summary(0).key, window.documents.summary(1).key

    def choose(window: MainWindow, key: str) -> None:
        row = window.documents.row_of(key)
        assert row is not None
        window.document_view.setCurrentIndex(window.documents.index(row))

    def shown_in(window: MainWindow, key: str) -> float:
        """Click ``key`` until its clauses are in the list."""
        began = time.perf_counter()
        choose(window, key)
        pump(lambda: window.clauses.document_key == key and not window.ops.running())
        return time.perf_counter() - began

    def alternate(window: MainWindow) -> list[float]:
        a, b = plans(window)
        return [shown_in(window, key) for _ in range(ROUNDS) for key in (a, b)]

    # -- local SQLite ----------------------------------------------------------------------------
    path = tmp / "local.annotator.sqlite"
    with Project.open(path, seed_samples=False) as local:
        local.import_text("Plan A", numbered_plan(CLAUSES, "Plan A"), source_name="a.txt")
        local.import_text("Plan B", numbered_plan(CLAUSES, "Plan B"), source_name="b.txt")
    window = MainWindow(ask_name=lambda *_: "Olena")
    window.resize(1280, 800)
    window.show()
    assert window.open_project(path)
    pump(lambda: not window.ops.running())
    alternate(window)  # warm the caches
    here = statistics.median(alternate(window))
    ws = window.workspace
    assert ws is not None
    own = Project.__dict__["on_server"]
    Project.on_server = property(lambda self: True)  # type: ignore[assignment,method-assign]
    through = statistics.median(alternate(window))
    Project.on_server = own  # type: ignore[method-assign]
    report(
        f"local plan of {CLAUSES} clauses chosen to shown, read on the UI thread, median",
        here,
        "through the background loader",
        through,
    )
    window.ops.shutdown()
    window.close()

    # -- a team server ---------------------------------------------------------------------------
    url, folder = start_cluster()
    try:
        owner = create_team_project(url, "bench_plan_open")
        owner.import_text("Plan A", numbered_plan(CLAUSES, "Plan A"), source_name="a.txt")
        owner.import_text("Plan B", numbered_plan(CLAUSES, "Plan B"), source_name="b.txt")
        project = Project(open_server_engine(make_url(url).set(database="bench_plan_open")))
        window = MainWindow(ask_name=lambda *_: "Olena")
        window.resize(1280, 800)
        window.show()
        assert window.projects.open_server_project(project, None)  # what a connect answers with
        pump(lambda: not window.ops.running())
        alternate(window)
        a, b = plans(window)
        loading = []
        for _ in range(ROUNDS):
            for key in (a, b):
                began = time.perf_counter()
                choose(window, key)
                loading.append(time.perf_counter() - began)
                assert window.navigator.loader.note.isVisible()
                pump(lambda k=key: window.clauses.document_key == k and not window.ops.running())  # type: ignore[misc]
        shown = statistics.median(alternate(window))
        record(
            f"team server, plan of {CLAUSES} clauses chosen to 'Loading…' shown, median",
            human(statistics.median(loading)),
            f"chosen to shown {human(shown)}",
            None,
        )

        # The clause table held by another connection: how long the window goes unanswered.
        locked, release = threading.Event(), threading.Event()

        def hold() -> None:
            with owner.engine.connect() as conn, conn.begin():
                conn.execute(text("LOCK TABLE clause IN ACCESS EXCLUSIVE MODE"))
                locked.set()
                release.wait(HOLD_SECONDS + 5)

        def gaps(seconds: float) -> list[float]:
            stamps: list[float] = []
            timer = QTimer()
            timer.timeout.connect(lambda: stamps.append(time.perf_counter()))
            timer.start(10)
            end = time.monotonic() + seconds
            while time.monotonic() < end:
                app.processEvents()
                time.sleep(0.001)
            timer.stop()
            return [b - a for a, b in itertools.pairwise(stamps)]

        floor = max(gaps(tiny(1.0, 0.1)))
        holder = threading.Thread(target=hold)
        holder.start()
        assert locked.wait(10)
        target = a if window.clauses.document_key == b else b
        choose(window, target)
        waiting = gaps(HOLD_SECONDS)
        assert window.clauses.document_key is None, "the read did not wait for the lock"
        began = time.perf_counter()
        release.set()
        holder.join()
        pump(lambda: window.clauses.document_key == target and not window.ops.running())
        after = time.perf_counter() - began
        report(
            f"team server, longest the window went unanswered while a plan read waits "
            f"{HOLD_SECONDS:.0f} s for a lock",
            max(waiting),
            "nothing waiting",
            floor,
        )
        print(f"  the plan shown {human(after)} after the lock was released", flush=True)
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
