"""Run every ``bench_*`` module in turn, each in its own process (so peak memory is its own).

``python -m tests.benchmarks [--readme | --smoke] [NAME ...]`` runs all modules, or those whose name
contains a NAME. A module that fails is reported and the others still run; the exit code says
whether any failed. ``BENCH_SCALE=0.1`` is passed through for a quick run. ``--smoke`` runs each at
a tiny size (``BENCH_SMOKE=1``, see :mod:`tests.helpers.bench`) and fails a module that records no
row: it checks that they work, and stores nothing. ``--readme`` also stores the rows
the modules record (``tests/benchmarks/results.json``, stamped with machine and date) and rewrites
the speed table in README.md from them (see :mod:`tests.benchmarks.readme`).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

HERE = Path(__file__).parent
ROOT = HERE.parents[1]
# A smoke run is mostly waiting (interpreters starting, PostgreSQL clusters starting): two at a time
# halve it on CI's two cores.
SMOKE_JOBS = 2


def main(argv: list[str]) -> int:
    readme, smoke = "--readme" in argv, "--smoke" in argv
    names = [a for a in argv if a not in ("--readme", "--smoke")]
    modules = sorted(p.stem for p in HERE.glob("bench_*.py"))
    if names:
        modules = [m for m in modules if any(a in m for a in names)]
    small = os.environ.get("BENCH_SCALE", "1") != "1" or os.environ.get("BENCH_SMOKE") == "1"
    if readme and (smoke or small):
        print(
            "--readme takes full-size runs only (no --smoke, BENCH_SMOKE, BENCH_SCALE)",
            file=sys.stderr,
        )
        return 2
    from tests.benchmarks import readme as table

    stamp = table.stamp_now()
    failed: list[str] = []
    rows: list[dict[str, object]] = []
    ran: list[str] = []
    with tempfile.TemporaryDirectory() as folder:

        def run(name: str) -> tuple[str, int, str, float]:
            start = time.perf_counter()
            lines = Path(folder) / f"{name}.jsonl"
            env = {**os.environ, "BENCH_RESULTS": str(lines)}
            if smoke:
                env["BENCH_SMOKE"] = "1"
            # A smoke run goes two at a time (see SMOKE_JOBS), so each one's output is kept
            # together; a measuring run has the machine to itself and prints as it goes.
            out = subprocess.PIPE if smoke else None
            try:
                done = subprocess.run(
                    [sys.executable, "-m", f"tests.benchmarks.{name}"],
                    cwd=ROOT,
                    env=env,
                    stdout=out,
                    stderr=subprocess.STDOUT if smoke else None,
                    text=True,
                )
                code, output = done.returncode, done.stdout or ""
            except Exception as exc:  # keep going: one broken bench must not hide the others
                code, output = -1, f"!! {name}: {exc}\n"
            if code == 0 and smoke and not table.collect(name, lines, stamp):
                code, output = -2, output + "!! no row recorded\n"  # the table would lose it
            if code == 0:
                rows.extend(table.collect(name, lines, stamp))
            return name, code, output, time.perf_counter() - start

        def report(name: str, code: int, output: str, seconds: float) -> None:
            print(output, end="", flush=True)
            if code != 0:
                failed.append(name)
                print(f"!! {name} failed (exit {code})", flush=True)
            else:
                ran.append(name)
            print(f"   ({seconds:.1f} s)", flush=True)

        if smoke:
            with ThreadPoolExecutor(SMOKE_JOBS) as pool:
                for future in as_completed(pool.submit(run, name) for name in modules):
                    name, code, output, seconds = future.result()
                    print(f"== {name}", flush=True)
                    report(name, code, output, seconds)
        else:
            for name in modules:
                print(f"== {name}", flush=True)
                report(*run(name))
    if readme and ran:
        table.rewrite_readme(table.update(rows, ran))
        print(f"README.md speed table rewritten ({len(rows)} rows from {', '.join(ran)})")
    if failed:
        print(f"failed: {', '.join(failed)}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
