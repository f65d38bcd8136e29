"""Exporting 1,000,000 annotation rows to the long CSV (annotator.core.datasets).

Floor: ``csv.writer.writerows`` on the very rows the long table yields, already built.
"""

from __future__ import annotations

import csv
import os
import shutil
import tempfile
from pathlib import Path

from tests.helpers.bench import best_of, exchange_doc, peak_memory, report, scaled


def main() -> None:
    from annotator.core.datasets import long_table, write_long_csv

    tmp = Path(tempfile.mkdtemp(prefix="bench-datasets-"))
    try:
        rows_wanted = scaled(1_000_000, 1000)
        docs = max(1, rows_wanted // 100_000)
        doc = exchange_doc(documents=docs, clauses_per_doc=rows_wanted // (docs * 10), coders=10)
        print(f"exchange: {len(doc['annotations']):,} annotations in {docs} documents")
        out = tmp / "long.csv"

        def ours() -> None:
            with open(out, "w", encoding="utf-8", newline="") as fh:
                n = write_long_csv(doc, fh)
            assert n == len(doc["annotations"]), n

        header, rows_iter = long_table(doc)
        rows = list(rows_iter)

        def floor() -> None:
            with open(tmp / "floor.csv", "w", encoding="utf-8", newline="") as fh:
                w = csv.writer(fh, lineterminator="\r\n")
                w.writerow(header)
                w.writerows(rows)

        floor_s = best_of(floor)
        ours_s = best_of(ours)
        assert out.read_bytes() == (tmp / "floor.csv").read_bytes()
        report(f"long CSV, {len(rows):,} rows", ours_s, "csv.writer on the same rows", floor_s)
        print(f"long CSV size: {os.path.getsize(out) / 1e6:.0f} MB")
        peak_memory()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
