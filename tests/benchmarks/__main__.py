"""Run every ``bench_*`` module in turn, each in its own process (so peak memory is its own).

``python -m tests.benchmarks [NAME ...]`` runs all modules, or those whose name contains a NAME.
A module that fails is reported and the others still run; the exit code says whether any failed.
``BENCH_SCALE=0.1`` is passed through for a quick run.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent
ROOT = HERE.parents[1]


def main(argv: list[str]) -> int:
    modules = sorted(p.stem for p in HERE.glob("bench_*.py"))
    if argv:
        modules = [m for m in modules if any(a in m for a in argv)]
    failed = []
    for name in modules:
        print(f"== {name}", flush=True)
        start = time.perf_counter()
        try:
            code = subprocess.run(
                [sys.executable, "-m", f"tests.benchmarks.{name}"], cwd=ROOT
            ).returncode
        except Exception as exc:  # keep going: one broken bench must not hide the others
            print(f"!! {name}: {exc}", flush=True)
            code = -1
        if code != 0:
            failed.append(name)
            print(f"!! {name} failed (exit {code})", flush=True)
        print(f"   ({time.perf_counter() - start:.1f} s)", flush=True)
    if failed:
        print(f"failed: {', '.join(failed)}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
