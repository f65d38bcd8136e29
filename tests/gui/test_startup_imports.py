"""What start-up imports before the user sees something.

A real launch in a child process (run_gui, offscreen) records ``sys.modules`` at two moments: the
window's first paint, and the first paint of the clause list with the project's clauses in it.
The frame must paint before the panels and SQLAlchemy load; the last project's clauses must paint
before SQLAlchemy and the project service (read with sqlite3 first, see gui/first_screen.py) and
the tools that only open on request (segmenter, agreement, merge, exports, REFI, team server) load.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from annotator.services.project import Project

pytestmark = pytest.mark.gui
ROOT = Path(__file__).resolve().parents[2]

#: Loaded only when the user asks for them, never to show a project's clauses.
NOT_FOR_FIRST_CLAUSES = (
    "sqlalchemy",
    "annotator.services.project",
    "annotator.services.unit_of_work",
    "annotator.storage.db",
    "alembic",
    "fastjsonschema",
    "annotator.core.agreement",
    "annotator.core.segment",
    "annotator.core.segment_markers",
    "annotator.core.segment_points",
    "annotator.core.readers",
    "annotator.core.merge",
    "annotator.core.rebase",
    "annotator.services.merge",
    "annotator.core.refi",
    "annotator.core.schema_fast",
    "annotator.services.exchange",
    "annotator.services.refi",
    "annotator.services.exports",
    "annotator.services.export_stream",
    "annotator.storage.server",
    "annotator.gui.import_preview",
    "annotator.gui.merge_preview",
    "annotator.gui.export_dialog",
    "annotator.gui.codebook_editor",
    "annotator.gui.team_dialog",
    "annotator.gui.agreement_view",
    "annotator.gui.compare_view",
    "annotator.gui.review_view",
    "annotator.gui.side_by_side",
)
#: Loaded after the window's frame has painted.
NOT_FOR_FRAME = (
    "sqlalchemy",
    "annotator.services.project",
    "annotator.gui.navigator",
    "annotator.gui.delegates",
    "annotator.gui.detail_panel",
    "annotator.gui.file_actions",
)

LAUNCH = """
    import json, sys
    from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow, QWidget

    app = QApplication(sys.argv[:1])
    seen = {}

    class Watch(QObject):
        def eventFilter(self, obj, event):
            if event.type() == QEvent.Type.Paint and isinstance(obj, QWidget):
                if "frame" not in seen and isinstance(obj.window(), QMainWindow):
                    seen["frame"] = sorted(sys.modules)
                view = obj.parent()
                if type(view).__name__ == "ClauseListView" and view.model().rowCount():
                    seen.setdefault("clauses", sorted(sys.modules))
                    QTimer.singleShot(0, app.quit)
            return False

    watch = Watch()
    app.installEventFilter(watch)
    QTimer.singleShot(30000, app.quit)  # never hang: a missing moment fails below
    from annotator.gui.app import run_gui

    run_gui(sys.argv[1:])
    print("RESULT " + json.dumps(seen))
"""


def _launch(tmp_path: Path, project: Path) -> dict[str, list[str]]:
    env = dict(os.environ)
    env.pop("ANNOTATOR_SMOKE_TEST", None)
    env.update(
        QT_QPA_PLATFORM="offscreen",
        HOME=str(tmp_path / "home"),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_DATA_HOME=str(tmp_path / "data"),
        PYTHONPATH=str(ROOT),
    )
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            textwrap.dedent(LAUNCH),
            "--project",
            str(project),
            "--coder",
            "Olena",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=90,
        cwd=tmp_path,
    )
    line = next((x for x in proc.stdout.splitlines() if x.startswith("RESULT ")), None)
    assert line is not None, proc.stderr[-2000:]
    return json.loads(line[len("RESULT ") :])  # type: ignore[no-any-return]


def test_the_names_checked_are_real_modules() -> None:
    # A misspelt name would never be imported and the test below would pass for nothing.
    for name in NOT_FOR_FIRST_CLAUSES + NOT_FOR_FRAME:
        assert importlib.util.find_spec(name) is not None, name


def test_frame_then_clauses_paint_before_what_they_do_not_need(tmp_path: Path) -> None:
    project = tmp_path / "samples.sqlite"
    with Project.open(project, seed_samples=True) as opened:
        opened.add_coder("Olena")  # a coder who has coded here before: nothing to ask
    seen = _launch(tmp_path, project)
    assert "frame" in seen and "clauses" in seen, sorted(seen)
    frame, clauses = set(seen["frame"]), set(seen["clauses"])
    assert "annotator.gui.main_window" in frame
    assert frame.isdisjoint(NOT_FOR_FRAME), sorted(frame & set(NOT_FOR_FRAME))
    assert "annotator.gui.navigator" in clauses  # the moment is the right one
    assert clauses.isdisjoint(NOT_FOR_FIRST_CLAUSES), sorted(clauses & set(NOT_FOR_FIRST_CLAUSES))
