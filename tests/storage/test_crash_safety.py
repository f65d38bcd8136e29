"""Nothing acknowledged is lost when the app is killed mid-action (SIGKILL at random moments).

A worker process tags clauses through :class:`Project` and prints ``ack I`` once each service call
has returned. We kill it at seeded random moments, then check that the file is intact and that the
state is exactly the acknowledged actions plus, at most, the one that was in flight. The worker
only *adds* (distinct clause/category pairs, "none applies" on other clauses) so presence is
checkable. This covers a process crash; power loss is another matter (WAL with
synchronous=NORMAL may drop the last commits then, but never corrupts the file).
"""

from __future__ import annotations

import contextlib
import os
import queue
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from annotator.services.project import Project
from tests.helpers.tag_worker import actions

ROOT = Path(__file__).resolve().parents[2]
TRIALS = 50
SEED = 20260105
# Enough work that no trial runs out of it before its kill lands: a tag commits in about 0.2 ms
# (three statements), so 50 kills at 10-80 ms do about 11,000 of the 34,000 actions here.
N_CLAUSES = 10_000


def _plan(n: int) -> str:
    return "Crash test plan\n\n" + "".join(
        f"{i}. The parties shall observe provision number {i} in good faith.\n"
        for i in range(1, n + 1)
    )


def _reader(stream: object, out: queue.Queue[str]) -> None:
    for line in stream:  # type: ignore[attr-defined]
        out.put(line.strip())
    out.put("EOF")


def _next(lines: queue.Queue[str], timeout: float = 30.0) -> str:
    try:
        return lines.get(timeout=timeout)
    except queue.Empty:
        pytest.fail("the tagging worker stopped answering")


def _state(path: Path, coder: str) -> tuple[set[tuple[int, str]], set[int]]:
    """Integrity-check a copy of the file as it is on disk and read the coder's live work."""
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        rows = conn.execute(
            "SELECT clause_id, category_key FROM annotation WHERE coder_id = ? AND deleted = 0",
            (coder,),
        ).fetchall()
        tags = {(cid, cat) for cid, cat in rows}
        assert len(tags) == len(rows), "an action was applied twice"
        nones = {
            cid
            for (cid,) in conn.execute(
                "SELECT clause_id FROM review WHERE coder_id = ? AND status = 'none'", (coder,)
            )
        }
    finally:
        conn.close()
    return tags, nones


@pytest.mark.slow
def test_acknowledged_actions_survive_sigkill(tmp_path: Path) -> None:
    path = tmp_path / "crash.sqlite"
    with Project.open(path, seed_samples=False) as project:
        key = project.import_text("Crash", _plan(N_CLAUSES)).document_key
        coder = project.add_coder("Olena").id
        todo = actions([c.id for c in project.clauses(key)])
    assert len(todo) > 10_000

    worker = subprocess.Popen(
        [sys.executable, "-m", "tests.helpers.tag_worker", str(path), coder],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        bufsize=1,
    )
    assert worker.stdin is not None
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=_reader, args=(worker.stdout, lines), daemon=True).start()
    rng = random.Random(SEED)
    acked: set[int] = set()
    in_flight: set[int] = set()  # committed or not: the one action running when the kill hit
    killed = 0
    start = 0
    try:
        assert _next(lines, 60) == "warm"
        for _ in range(TRIALS):
            worker.stdin.write(f"run {start}\n")
            worker.stdin.flush()
            ready = _next(lines)
            assert ready.startswith("ready "), ready
            child = int(ready.split()[1])
            time.sleep(rng.uniform(0.01, 0.08))
            with contextlib.suppress(ProcessLookupError):  # it may have finished first
                os.kill(child, signal.SIGKILL)
            last = start - 1
            while True:
                line = _next(lines)
                if line.startswith("ack "):
                    last = int(line.split()[1])
                    acked.add(last)
                elif line.startswith("exit "):
                    status = int(line.split()[2])
                    killed += os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
                    break
                elif line != "done":
                    pytest.fail(f"worker failed: {line}")
            in_flight.add(last + 1)
            start = last + 2  # never repeat the in-flight action: a repeat would toggle it off

            tags, nones = _state(path, coder)
            present = {
                i
                for i, (kind, cid, cat) in enumerate(todo)
                if (kind == "tag" and (cid, cat) in tags) or (kind == "none" and cid in nones)
            }
            assert acked <= present, f"lost acknowledged actions {sorted(acked - present)[:5]}"
            assert present <= acked | in_flight, "actions appeared that nobody performed"
    finally:
        worker.stdin.close()
        worker.wait(timeout=30)

    print(f"crash test: {killed} kills, {len(acked)} acknowledged actions checked")
    assert killed >= TRIALS * 0.9  # the kills really landed mid-work
    assert len(acked) > TRIALS  # and work really was acknowledged between them
    # The project still opens and works through the service.
    with Project.open(path, create=False) as project:
        kind, cid, cat = todo[start]
        if kind == "none":
            project.mark_none(coder, cid)
        else:
            project.toggle_tag(coder, cid, cat or "")
