"""run_gui: arguments, the window shown before the project opens, a clean exit.

run_gui runs the application's event loop and quits it: in the test process that leaves the
shared QApplication unable to run nested loops (later qtbot.waitSignal calls time out). So every
test that runs it does so in a child process, offscreen, with its own settings and data folders.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from annotator.gui.app import DESKTOP_ID, parse_args

pytestmark = pytest.mark.gui
ROOT = Path(__file__).resolve().parents[2]


def test_parse_args(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ANNOTATOR_SMOKE_TEST", raising=False)
    args = parse_args(["--project", "p.sqlite", "--coder", "Olena", "plan.txt"])
    assert (args.project, args.coder, args.files) == ("p.sqlite", "Olena", ["plan.txt"])
    assert parse_args([]).project is None
    assert parse_args([]).smoke_test is False
    assert parse_args(["--smoke-test"]).smoke_test is True
    monkeypatch.setenv("ANNOTATOR_SMOKE_TEST", "1")
    assert parse_args([]).smoke_test is True


def child_env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("ANNOTATOR_SMOKE_TEST", None)
    env.update(
        QT_QPA_PLATFORM="offscreen",
        HOME=str(tmp_path / "home"),  # QSettings and the data folder land here
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_DATA_HOME=str(tmp_path / "data"),
        PYTHONPATH=str(ROOT),
    )
    return env


def run_child(
    tmp_path: Path, script: str, *args: str, **extra_env: str
) -> subprocess.CompletedProcess[str]:
    env = child_env(tmp_path)
    env.update(extra_env)
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        cwd=tmp_path,
    )


SHOWN = """
    import json, os, sys
    from PySide6.QtWidgets import QApplication
    from annotator.gui.app import run_gui

    seen = {}

    def shown(window):
        seen["visible"] = window.isVisible()
        seen["documents"] = window.documents.rowCount()
        seen["coder"] = window.coder_label.text()
        seen["title"] = window.windowTitle()
        window.close()
        QApplication.quit()

    # A plan given on the command line gets the import preview: accepted as it is.
    from annotator.gui import import_preview

    def preview(parent, files, answer):
        seen["previewed"] = [os.path.basename(f) for f in files]
        answer(import_preview.read_choices(files))

    import_preview.review_import = preview
    code = run_gui(sys.argv[1:], on_shown=shown)
    seen["code"] = code
    seen["app"] = QApplication.applicationName()
    seen["org"] = QApplication.organizationName()
    seen["desktop"] = QApplication.desktopFileName()
    print("RESULT " + json.dumps(seen))
"""


def result_of(proc: subprocess.CompletedProcess[str]) -> dict[str, object]:
    line = next((x for x in proc.stdout.splitlines() if x.startswith("RESULT ")), None)
    assert line is not None, proc.stderr[-2000:]
    return json.loads(line[len("RESULT ") :])  # type: ignore[no-any-return]


def test_run_gui_opens_project_imports_file_and_exits(
    tmp_path: Path, project_path: Path, plan_files: tuple[Path, Path]
) -> None:
    argv = ["--project", str(project_path), "--coder", "Olena", str(plan_files[1])]
    seen = result_of(run_child(tmp_path, SHOWN, *argv))
    assert seen == {
        "visible": True,
        "documents": 1,
        "coder": "Coder: Olena",
        "title": "Counter-proposal — Plan Annotator",
        "code": 0,
        "app": "Plan Annotator",
        "org": "plan-annotator",
        "desktop": DESKTOP_ID,
        "previewed": [plan_files[1].name],
    }


SMOKE = """
    import sys
    from annotator.gui.app import run_gui
    sys.exit(run_gui(sys.argv[1:]))
"""


def test_smoke_test_flag_quits_with_zero(tmp_path: Path, project_path: Path) -> None:
    proc = run_child(
        tmp_path, SMOKE, "--project", str(project_path), "--coder", "Olena", "--smoke-test"
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "smoke test: ok" in proc.stdout
    assert project_path.exists()  # the project was really opened (created)


def test_smoke_test_from_environment(tmp_path: Path, project_path: Path) -> None:
    proc = run_child(
        tmp_path,
        SMOKE,
        "--project",
        str(project_path),
        "--coder",
        "Olena",
        ANNOTATOR_SMOKE_TEST="1",
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "smoke test: ok" in proc.stdout


def test_smoke_test_fails_when_project_cannot_open(tmp_path: Path) -> None:
    bad = tmp_path / "not-a-project.sqlite"
    bad.write_text("this is not sqlite", encoding="utf-8")
    script = SMOKE.replace(
        "from annotator.gui.app import run_gui",
        "from annotator.gui.app import run_gui\n"
        "    from annotator.gui.main_window import MainWindow\n"
        "    MainWindow.show_error = lambda self, t, m: print('ERROR', m)",
    )
    proc = run_child(tmp_path, script, "--project", str(bad), "--coder", "Olena", "--smoke-test")
    assert proc.returncode == 1
    assert "smoke test: failed" in proc.stdout
