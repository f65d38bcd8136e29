"""Floor scripts for the whole-process benchmarks: the least a program could do for each job.

``python -m tests.benchmarks.floors JOB ARGS...``; each job reads and writes what ours does, with
nothing but the standard library (or the reference package named), and no checks.

- ``merge OUT FILE...``: ``json.load`` every file, sort the union of annotations and of reviews,
  ``json.dump`` it (parse + dump of the union, as issue 17 defines the floor).
- ``alpha CSV``: read the CSV (one row per unit, one column per coder, blank = missing) with the
  csv module into a numpy array and run ``krippendorff.alpha`` on it, nominal.
"""

from __future__ import annotations

import json
import sys


def merge(out: str, paths: list[str]) -> None:
    docs = []
    for path in paths:
        with open(path, encoding="utf-8") as fh:
            docs.append(json.load(fh))
    annotations = sorted((a for d in docs for a in d["annotations"]), key=lambda a: a["id"])
    reviews = sorted(
        (r for d in docs for r in d["reviews"]),
        key=lambda r: (r["coder"], r["document"], r["clause"]),
    )
    union = {"documents": docs[0]["documents"], "annotations": annotations, "reviews": reviews}
    with open(out, "w", encoding="utf-8") as fh:
        json.dump(union, fh, ensure_ascii=False, sort_keys=True)


def alpha(path: str) -> None:
    import csv

    import krippendorff
    import numpy as np

    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    coders = len(rows[0])
    data = np.full((coders, len(rows) - 1), np.nan)
    for j, row in enumerate(rows[1:]):
        for i, value in enumerate(row):
            if value != "":
                data[i, j] = float(value)
    print(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))


if __name__ == "__main__":
    job, *rest = sys.argv[1:]
    if job == "merge":
        merge(rest[0], rest[1:])
    elif job == "alpha":
        alpha(rest[0])
    else:
        raise SystemExit(f"unknown job {job!r}")
