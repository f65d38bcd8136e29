"""SIGTERM (a logout, ``kill``) and SIGHUP end the app like File ▸ Quit: the memo being typed is
saved, and the project is closed, its lock file removed (gui/session_end.py).

The signal is sent from outside, to a real launch in a child process, while the coder is in the
middle of typing a memo (before it saves itself after a pause).
"""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from annotator.services.project import Project
from annotator.storage.lock import lock_path
from tests.gui.test_app import child_env

pytestmark = [
    pytest.mark.gui,
    pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals"),
]

TYPING = """
    import sys
    from PySide6.QtCore import QTimer
    from PySide6.QtTest import QTest
    from annotator.gui.app import run_gui

    def shown(window):
        memo = window.detail.memo_edit
        memo.setFocus()
        QTest.keyClicks(memo, "typed before the logout")
        print("typing", flush=True)  # the parent signals now, long before the memo's pause ends

    sys.exit(run_gui(["--project", sys.argv[1], "--coder", "Olena"], on_shown=shown))
"""


@pytest.mark.parametrize("name", ["SIGTERM", "SIGHUP"])
def test_a_signal_saves_the_memo_being_typed_and_closes_the_project(
    tmp_path: Path, name: str
) -> None:
    path = tmp_path / "project.sqlite"
    with Project.open(path, seed_samples=True) as project:
        project.add_coder("Olena")
    child = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(TYPING), str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=child_env(tmp_path),
        cwd=tmp_path,
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "typing"
        assert lock_path(path).exists()  # open: held
        child.send_signal(getattr(signal, name))
        _out, err = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == 0, err
    assert "Traceback" not in err
    assert not lock_path(path).exists()  # closed the normal way
    with Project.open(path) as project:
        coder = next(c.id for c in project.coders() if c.name == "Olena")
        memos = [
            coding.memo
            for doc in project.documents()
            for coding in project.coding(doc.key, coder).values()
        ]
    assert "typed before the logout" in memos
