"""Shared pieces of the benchmark suite (``python -m tests.benchmarks``).

Every figure is printed beside a floor measured in the same run on the same machine, so a reader
sees the overhead of our layers rather than a number that depends on the hardware:
``name: figure  (floor: what figure, ratio×)``. ``BENCH_SCALE=0.1`` shrinks every size.

``BENCH_SMOKE=1`` is the smoke run CI makes (``tests/benchmarks/test_smoke.py``): every size at its
minimum, every repetition, round and wait at the least that still exercises the code (see
:func:`tiny`), so each benchmark runs in seconds and shows that it still works and prints its rows.
Its figures measure nothing.
"""

from __future__ import annotations

import os
import resource
import sqlite3
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
SMOKE = os.environ.get("BENCH_SMOKE", "") == "1"
SCALE = 0.0 if SMOKE else float(os.environ.get("BENCH_SCALE", "1"))
CATEGORIES = ("security_guarantee", "territorial", "economic", "military_cap")
STAMP = "2026-01-05T10:00:00Z"


def scaled(n: int, minimum: int = 10) -> int:
    """``n`` times ``BENCH_SCALE``, at least ``minimum``."""
    return max(minimum, int(n * SCALE))


def tiny(full: T, smoke: T) -> T:
    """``full``, or ``smoke`` in a smoke run (a count of rounds or keys, a wait in seconds)."""
    return smoke if SMOKE else full


def best_of(fn: Callable[[], Any], repeat: int = 3) -> float:
    """The fastest of ``repeat`` runs, in seconds (the least disturbed by other processes)."""
    times = []
    for _ in range(tiny(repeat, 1)):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def human(seconds: float) -> str:
    """Seconds in the unit that reads best (µs, ms or s)."""
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds:.2f} s"


def report(name: str, value: float, floor_name: str, floor: float, *, order: int = 50) -> None:
    """Record a timing beside its floor (see :func:`record`)."""
    ratio = value / floor if floor > 0 else None
    record(name, human(value), f"{floor_name} {human(floor)}", ratio, order=order)


def record(
    job: str,
    figure: str,
    floor: str,
    ratio: float | None,
    *,
    goal: str = "",
    order: int = 50,
) -> None:
    """Print one result line and, under ``BENCH_RESULTS=FILE``, append it there as JSON.

    ``python -m tests.benchmarks --readme`` collects these lines into the README's speed table:
    ``job`` (what a user waits for), ``figure`` (ours, with its unit), ``floor`` (what it is
    compared with and its figure, measured in the same run), ``ratio`` (ours / floor, None if
    there is no floor), ``goal`` (the target, e.g. "≤ 1.3×"), ``order`` (row position).
    """
    shown = f"{ratio:.2f}×" if ratio is not None else "—"
    print(f"{job}: {figure}  (floor: {floor}; {shown}{'; goal ' + goal if goal else ''})")
    target = os.environ.get("BENCH_RESULTS")
    if target:
        import json

        line = {"job": job, "figure": figure, "floor": floor, "ratio": ratio, "goal": goal,
                "order": order}  # fmt: skip
        with open(target, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(line, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def peak_memory() -> None:
    """Print this process's peak resident memory (ru_maxrss: KiB on Linux, bytes on macOS)."""
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    mib = rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024
    print(f"peak memory: {mib:.0f} MB", flush=True)


def numbered_plan(n: int, title: str = "Benchmark plan") -> str:
    """A plan of ``n`` numbered points, each one sentence."""
    return f"{title}\n\n" + "".join(
        f"{i}. The parties shall implement provision {i} within ninety days of signature.\n"
        for i in range(1, n + 1)
    )


def seed_project(
    path: Path, *, documents: int, clauses_per_doc: int, coders: int, per_coder_clause: int
) -> dict[str, Any]:
    """Create a project at ``path`` and fill it with raw ``executemany`` (fast, ~5 s per million).

    Each coder gets ``per_coder_clause`` clause-level tags (distinct categories) on every clause.
    Returns the coder ids, document keys and clause ids.
    """
    from annotator.core.text import document_key
    from annotator.services.project import Project

    Project.open(path, seed_samples=False).close()  # schema and default codebook
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    coder_ids = [str(uuid.UUID(int=i + 1)) for i in range(coders)]
    conn.executemany(
        "INSERT INTO coder (id, name, is_consensus, created) VALUES (?, ?, 0, ?)",
        [(cid, f"Coder {i}", STAMP) for i, cid in enumerate(coder_ids)],
    )
    keys, clause_ids = [], []
    line = len("1. The parties shall implement provision 1 within ninety days of signature.\n")
    for d in range(documents):
        text = numbered_plan(clauses_per_doc, f"Plan {d}")
        key = document_key(text)
        keys.append(key)
        conn.execute(
            "INSERT INTO document (key, title, text, position, source_name, imported) "
            "VALUES (?, ?, ?, ?, '', ?)",
            (key, f"Plan {d}", text, d, STAMP),
        )
        # Offsets need not match the text exactly for timing; keep them distinct and ordered.
        conn.executemany(
            'INSERT INTO clause (document_key, start, "end", label, kind) '
            "VALUES (?, ?, ?, ?, 'point')",
            [(key, i * line, (i + 1) * line - 1, str(i + 1)) for i in range(clauses_per_doc)],
        )
        clause_ids += [
            r[0] for r in conn.execute("SELECT id FROM clause WHERE document_key = ?", (key,))
        ]

    def rows() -> Iterator[tuple[Any, ...]]:
        n = 0
        for cid in clause_ids:
            for c, coder in enumerate(coder_ids):
                for k in range(per_coder_clause):
                    n += 1
                    cat = CATEGORIES[(cid + c + k) % len(CATEGORIES)]
                    yield (str(uuid.UUID(int=n)), coder, cid, cat, "", 0, STAMP, STAMP, 0)

    conn.executemany(
        "INSERT INTO annotation (id, coder_id, clause_id, category_key, memo, uncertain, "
        "created, updated, deleted) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows(),
    )
    conn.executemany(
        "INSERT INTO review (coder_id, clause_id, status, updated) VALUES (?, ?, 'done', ?)",
        ((coder, cid, STAMP) for cid in clause_ids for coder in coder_ids),
    )
    conn.commit()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return {"coders": coder_ids, "documents": keys, "clauses": clause_ids}


def exchange_doc(*, documents: int, clauses_per_doc: int, coders: int) -> dict[str, Any]:
    """A Contract 2 object with one clause-level tag per coder and clause, and reviews.

    Clause offsets are the real ones of :func:`numbered_plan` lines, so ``clause_text`` is right.
    """
    from annotator.core.text import document_key

    coder_ids = [str(uuid.UUID(int=i + 1)) for i in range(coders)]
    docs, annotations, reviews = [], [], []
    n = 0
    for d in range(documents):
        text = numbered_plan(clauses_per_doc, f"Plan {d}")
        key = document_key(text)
        clauses, pos = [], text.index("\n\n") + 2
        for line in text[pos:].splitlines(keepends=True):
            clauses.append({"start": pos, "end": pos + len(line) - 1, "label": line.split(".")[0]})
            pos += len(line)
        docs.append({"key": key, "title": f"Plan {d}", "text": text, "clauses": clauses})
        for i, clause in enumerate(clauses):
            span = [clause["start"], clause["end"]]
            for c, coder in enumerate(coder_ids):
                n += 1
                annotations.append(
                    {
                        "id": str(uuid.UUID(int=n)),
                        "coder": coder,
                        "document": key,
                        "clause": span,
                        "category": CATEGORIES[(i + c) % len(CATEGORIES)],
                        "span": None,
                        "memo": "",
                        "created": STAMP,
                        "updated": STAMP,
                        "deleted": False,
                    }
                )
                reviews.append(
                    {"coder": coder, "document": key, "clause": span, "status": "done",
                     "updated": STAMP}
                )  # fmt: skip
    from annotator.core.codebook import default_codebook

    return {
        "format": "plan-annotations",
        "version": 1,
        "codebook": {"categories": [c.to_exchange() for c in default_codebook()]},
        "coders": [{"id": c, "name": f"Coder {i}"} for i, c in enumerate(coder_ids)],
        "documents": docs,
        "annotations": annotations,
        "reviews": reviews,
    }


def offscreen_app(name: str) -> tuple[Any, Path]:
    """A QApplication for a GUI benchmark, its settings in a fresh folder (returned) so no run
    reads a user's window layout or another run's: the app and the folder."""
    import tempfile

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QCoreApplication, QSettings
    from PySide6.QtWidgets import QApplication

    folder = Path(tempfile.mkdtemp(prefix=f"{name}-"))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    app = QApplication.instance() or QApplication([])
    QCoreApplication.setOrganizationName(name)
    return app, folder
