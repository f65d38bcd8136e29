"""Run every ``bench_*`` module in turn, each in its own process (so peak memory is its own).

``python -m tests.benchmarks [--readme] [NAME ...]`` runs all modules, or those whose name contains
a NAME. A module that fails is reported and the others still run; the exit code says whether any
failed. ``BENCH_SCALE=0.1`` is passed through for a quick run. ``--readme`` also stores the rows
the modules record (``tests/benchmarks/results.json``, stamped with machine and date) and rewrites
the speed table in README.md from them (see :mod:`tests.benchmarks.readme`).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).parent
ROOT = HERE.parents[1]


def main(argv: list[str]) -> int:
    readme = "--readme" in argv
    names = [a for a in argv if a != "--readme"]
    modules = sorted(p.stem for p in HERE.glob("bench_*.py"))
    if names:
        modules = [m for m in modules if any(a in m for a in names)]
    if readme and os.environ.get("BENCH_SCALE", "1") != "1":
        print("--readme takes full-size runs only (unset BENCH_SCALE)", file=sys.stderr)
        return 2
    from tests.benchmarks import readme as table

    stamp = table.stamp_now()
    failed: list[str] = []
    rows: list[dict[str, object]] = []
    ran: list[str] = []
    with tempfile.TemporaryDirectory() as folder:
        for name in modules:
            print(f"== {name}", flush=True)
            start = time.perf_counter()
            lines = Path(folder) / f"{name}.jsonl"
            env = {**os.environ, "BENCH_RESULTS": str(lines)}
            try:
                code = subprocess.run(
                    [sys.executable, "-m", f"tests.benchmarks.{name}"], cwd=ROOT, env=env
                ).returncode
            except Exception as exc:  # keep going: one broken bench must not hide the others
                print(f"!! {name}: {exc}", flush=True)
                code = -1
            if code != 0:
                failed.append(name)
                print(f"!! {name} failed (exit {code})", flush=True)
            else:
                ran.append(name)
                rows += table.collect(name, lines, stamp)
            print(f"   ({time.perf_counter() - start:.1f} s)", flush=True)
    if readme and ran:
        table.rewrite_readme(table.update(rows, ran))
        print(f"README.md speed table rewritten ({len(rows)} rows from {', '.join(ran)})")
    if failed:
        print(f"failed: {', '.join(failed)}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
