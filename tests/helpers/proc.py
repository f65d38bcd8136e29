"""Whole-process measurements for the benchmark suite: wall time and peak memory of a command.

A user waits for the whole process (interpreter start, imports, reading, writing), so the goals of
issue 17 are ratios of whole processes measured in one run: ours against a floor script.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Run:
    """One finished process: wall seconds and peak resident memory in MB."""

    seconds: float
    peak_mb: float


def run_process(argv: Sequence[str], *, cwd: str | None = None) -> Run:
    """Run ``argv`` to completion (stdout discarded) and measure it with ``wait4``."""
    start = time.perf_counter()
    proc = subprocess.Popen(list(argv), cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    proc.stderr.close()
    if proc.returncode != 0:
        raise RuntimeError(f"{argv[:4]} failed ({proc.returncode}): {err.decode()[-2000:]}")
    kib = usage.ru_maxrss  # KiB on Linux
    return Run(seconds, kib / (1024 * 1024) if sys.platform == "darwin" else kib / 1024)


def python(*args: str) -> list[str]:
    """``argv`` for this interpreter (the venv's), isolated from the user's site settings."""
    return [sys.executable, *args]


def compare(ours: Sequence[str], floor: Sequence[str], *, repeat: int = 3) -> tuple[Run, Run]:
    """Run both commands alternately ``repeat`` times; the medians (time and memory) of each."""
    from tests.helpers.bench import tiny

    a: list[Run] = []
    b: list[Run] = []
    for _ in range(tiny(repeat, 1)):
        b.append(run_process(floor))
        a.append(run_process(ours))
    return _median(a), _median(b)


def _median(runs: list[Run]) -> Run:
    return Run(
        statistics.median(r.seconds for r in runs), statistics.median(r.peak_mb for r in runs)
    )
