"""An export or merge SIGKILLed while writing: the old output stays whole, and the half-written
part it left beside it is gone after the next write to the same file.

The kill is timed from outside: the test waits until the ``.<name>.<pid>….part`` file appears
(the process is mid-write) and kills the process then.
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

ROOT = Path(__file__).resolve().parents[2]


def _plan(n: int) -> str:
    return "Kill test plan\n\n" + "".join(
        f"{i}. The parties shall observe provision number {i} in good faith.\n\n"
        for i in range(1, n + 1)
    )


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("kill") / "project.sqlite"
    with Project.open(path, seed_samples=False) as p:
        cats = [c.key for c in p.categories()]
        coder = p.add_coder("Olena").id
        for n in range(4):
            key = p.import_text(f"Plan {n}", _plan(400)).document_key
            for i, clause in enumerate(p.clauses(key)):
                p.toggle_tag(coder, clause.id, cats[i % len(cats)])
    return path


def _parts(folder: Path, name: str) -> list[str]:
    return sorted(
        p for p in os.listdir(folder) if p.startswith(f".{name}.") and p.endswith(".part")
    )


def _kill_mid_write(args: list[str], out: Path) -> None:
    child = subprocess.Popen([sys.executable, "-m", "annotator", *args], cwd=ROOT)
    deadline = time.monotonic() + 60
    while not _parts(out.parent, out.name):
        assert child.poll() is None, "it finished before the kill: give it more to write"
        assert time.monotonic() < deadline
        time.sleep(0.0005)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()


@pytest.mark.parametrize("kind", ["export", "merge"])
def test_a_killed_write_leaves_the_old_file_and_no_part_after_the_next(
    project: Path, tmp_path: Path, kind: str
) -> None:
    out = tmp_path / "out.json"
    if kind == "export":
        args = ["export", "--project", str(project), "-f", "exchange", "-o", str(out)]
    else:
        source = tmp_path / "source.json"
        export = ["export", "--project", str(project), "-f", "exchange", "-o", str(source)]
        done = subprocess.run([sys.executable, "-m", "annotator", *export], cwd=ROOT)
        assert done.returncode == 0
        args = ["merge", "-o", str(out), str(source), str(source)]
    out.write_bytes(b"the old export")
    _kill_mid_write(args, out)
    assert out.read_bytes() == b"the old export"
    assert _parts(tmp_path, out.name)  # what the kill left
    done = subprocess.run([sys.executable, "-m", "annotator", *args], cwd=ROOT)
    assert done.returncode == 0 and out.read_bytes().startswith(b"{")
    assert _parts(tmp_path, out.name) == []
