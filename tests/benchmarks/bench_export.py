"""``annotator export`` of a project with 1,000,000 annotations and as many reviews, whole process.

Both streaming exports are measured as a user runs them, against floor scripts reading the same
project (``tests.benchmarks.floors``): the long CSV against one SELECT of its rows through
``csv.writer`` (goal ≤ 1.5×), the exchange file against a SELECT of every annotation and review
with ``json.dumps`` per row (goal ≤ 2×). Peak memory is measured at a quarter of the size too, to
show that it does not grow with the rows (goal: under 400 MB at 1,000,000, growing less than
linearly). Medians of 3 alternating runs.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

from tests.helpers.bench import human, record, scaled, seed_project
from tests.helpers.proc import compare, python, run_process


def seed(path: Path, annotations: int) -> None:
    docs = max(1, annotations // 100_000)
    seed_project(
        path, documents=docs, clauses_per_doc=annotations // (docs * 10), coders=10,
        per_coder_clause=1,
    )  # fmt: skip


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="bench-export-"))
    try:
        wanted = scaled(1_000_000, 1000)
        small, big = tmp / "small.sqlite", tmp / "big.sqlite"
        start = time.perf_counter()
        seed(small, wanted // 4)
        seed(big, wanted)
        took = human(time.perf_counter() - start)
        print(f"fixtures: {wanted:,} and {wanted // 4:,} annotations in {took}")
        for fmt, floor_job, goal, order in (
            ("long", "long", "≤ 1.5×", 50),
            ("exchange", "exchange", "≤ 2×", 52),
        ):
            out = str(tmp / f"out.{fmt}")
            ours, floor = compare(
                python("-m", "annotator", "export", "-f", fmt, "-o", out, "--project", str(big)),
                python("-m", "tests.benchmarks.floors", floor_job, str(big), str(tmp / "floor")),
            )
            quarter = run_process(
                python("-m", "annotator", "export", "-f", fmt, "-o", out, "--project", str(small))
            )
            size = Path(out).stat().st_size / 1e6
            label = "Long CSV" if fmt == "long" else "Exchange export"
            floor_text = (
                "one SELECT + csv.writer" if fmt == "long" else "SELECT + json.dumps per row"
            )
            record(
                f"{label}, {wanted:,} annotations, whole process",
                f"{ours.seconds:.1f} s",
                f"{floor_text} {floor.seconds:.1f} s",
                ours.seconds / floor.seconds,
                goal=goal,
                order=order,
            )
            record(
                f"{label}, peak memory at {wanted // 4:,} / {wanted:,} annotations",
                f"{quarter.peak_mb:.0f} / {ours.peak_mb:.0f} MB",
                f"{floor_text} {floor.peak_mb:.0f} MB",
                None,
                goal="< 400 MB, sublinear",
                order=order + 1,
            )
            print(f"  ({fmt} file at the small size: {size:.0f} MB)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
