"""The export dialog's preview of a project with 1,000,000 annotations, whole process.

The preview (:func:`annotator.services.export_stream.export_preview`) runs the long-CSV writer
into a sink that keeps the first rows and counts the rest; it runs on the operation runner's
thread, so the figure is how long "Preparing preview…" shows, not a freeze. Its floor is
``annotator export --format long`` of the same project, which does the same reading and also
writes the file (goal ≤ 1×); peak memory at a quarter of the size and at full size is the
export's: it grows with the plans' clauses held for the table's columns, not with the tags (the
old preview built the whole exchange document on the UI thread).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from tests.benchmarks.bench_export import seed
from tests.helpers.bench import record, scaled
from tests.helpers.proc import compare, python, run_process

PREVIEW = (
    "import sys; from annotator.services.project import Project; "
    "from annotator.services.export_stream import export_preview; "
    "p = Project.open(sys.argv[1], seed_samples=False); "
    "r = export_preview(p, sys.argv[2]); print(r.total, len(r.rows)); p.close()"
)


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="bench-preview-"))
    try:
        wanted = scaled(1_000_000, 1000)
        small, big = tmp / "small.sqlite", tmp / "big.sqlite"
        seed(small, wanted // 4)
        seed(big, wanted)
        out = str(tmp / "out.csv")
        ours, floor = compare(
            python("-c", PREVIEW, str(big), "long"),
            python("-m", "annotator", "export", "-f", "long", "-o", out, "--project", str(big)),
        )
        quarter = run_process(python("-c", PREVIEW, str(small), "long"))
        exchange = run_process(python("-c", PREVIEW, str(big), "exchange"))
        record(
            f"Export dialog preview (long CSV), {wanted:,} annotations, whole process",
            f"{ours.seconds:.1f} s",
            f"annotator export -f long {floor.seconds:.1f} s",
            ours.seconds / floor.seconds,
            goal="≤ 1×, off the UI thread",
            order=54,
        )
        record(
            f"Export dialog preview, peak memory at {wanted // 4:,} / {wanted:,} annotations",
            f"{quarter.peak_mb:.0f} / {ours.peak_mb:.0f} MB (exchange {exchange.peak_mb:.0f} MB)",
            f"annotator export -f long {floor.peak_mb:.0f} MB",
            None,
            goal="≤ the export's",
            order=55,
        )
        print(f"  (exchange preview: {exchange.seconds:.1f} s)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
