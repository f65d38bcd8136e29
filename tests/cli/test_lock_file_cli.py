"""Closing a project leaves no ``<project>.lock`` beside it, whatever way a CLI command ends.

Each command runs in its own process, as a user runs it: succeeding, failing on bad input, and
interrupted (SIGINT, SIGTERM) while it holds the project open.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from annotator.services.project import Project
from annotator.storage.lock import acquire_project_lock, lock_path

ROOT = Path(__file__).resolve().parents[2]
PLAN = "Framework\n\n1. The parties agree to a ceasefire.\n2. Monitors deploy.\n"


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "annotator", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def _locks(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob("*.lock"))


def test_commands_that_succeed_or_fail_leave_no_lock_file(tmp_path: Path) -> None:
    (tmp_path / "plan.txt").write_text(PLAN, encoding="utf-8")
    (tmp_path / "bad.docx").write_bytes(b"\x00\x01 not a zip")
    runs = [
        (("import", "--project", "p.sqlite", "plan.txt"), 0),
        (("info", "--project", "p.sqlite"), 0),
        (("coder", "add", "--project", "p.sqlite", "Olena"), 0),
        (("export", "--project", "p.sqlite", "--format", "long", "-o", "out.csv"), 0),
        (("import", "--project", "p.sqlite", "bad.docx"), 2),
        (("import", "--project", "p.sqlite", "missing.txt"), 2),
        (("export", "--project", "p.sqlite", "--format", "long", "-o", "no/such/dir/x.csv"), 2),
        (("info", "--project", "missing.sqlite"), 2),
        (("import", "--project", "new.sqlite", "bad.docx"), 2),
    ]
    for args, code in runs:
        done = _cli(*args, cwd=tmp_path)
        assert done.returncode == code, (args, done.stderr)
        assert "Traceback" not in done.stderr
        assert _locks(tmp_path) == [], args


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals and FIFOs")
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupted_command_closes_the_project(tmp_path: Path, sig: int) -> None:
    project = tmp_path / "p.sqlite"
    with Project.open(project, seed_samples=False):
        pass
    # Reading a FIFO blocks until someone writes: the command sits there holding the project.
    fifo = tmp_path / "plan.txt"
    os.mkfifo(fifo)
    proc = subprocess.Popen(
        [sys.executable, "-m", "annotator", "import", "--project", str(project), str(fifo)],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        deadline = time.monotonic() + 60
        while not lock_path(project).exists() or lock_path(project).stat().st_size == 0:
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the command never opened the project"
            time.sleep(0.05)
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err
    assert _locks(tmp_path) == []
    with acquire_project_lock(project):  # and the project is free
        pass
    assert _locks(tmp_path) == []


def test_a_failed_import_leaves_no_new_project(tmp_path: Path) -> None:
    """Bad input changes nothing: importing only bad files into a new project creates none."""
    (tmp_path / "bad.docx").write_bytes(b"\x00\x01 not a zip")
    (tmp_path / "plan.txt").write_text(PLAN, encoding="utf-8")
    done = _cli("import", "--project", "new.sqlite", "bad.docx", "missing.txt", cwd=tmp_path)
    assert done.returncode == 2 and "bad.docx" in done.stderr and "missing.txt" in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.docx", "plan.txt"]
    # One good file among bad ones: the project is made, with what could be imported.
    done = _cli("import", "--project", "new.sqlite", "bad.docx", "plan.txt", cwd=tmp_path)
    assert done.returncode == 2
    with Project.open(tmp_path / "new.sqlite", create=False) as project:
        assert [d.title for d in project.documents()] == ["Framework"]
