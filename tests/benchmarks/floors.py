"""Floor scripts for the whole-process benchmarks: the least a program could do for each job.

``python -m tests.benchmarks.floors JOB ARGS...``; each job reads and writes what ours does, with
nothing but the standard library (or the reference package named), and no checks.

- ``merge OUT FILE...``: ``json.load`` every file, sort the union of annotations and of reviews,
  ``json.dump`` it (parse + dump of the union, as issue 17 defines the floor).
- ``long PROJECT OUT``: one SELECT of the long table's columns (annotations joined with their
  clause, document, coder and category), every row through ``csv.writer`` to OUT.
- ``exchange PROJECT OUT``: SELECT every annotation and review, ``json.dumps`` each row to OUT.
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


LONG_SELECT = """
SELECT c.document_key, c.label, c.start, c."end", a.coder_id, a.category_key, a.span_start,
       a.span_end, a.memo, a.updated
FROM annotation a JOIN clause c ON c.id = a.clause_id
WHERE a.deleted = 0
"""


def long(project: str, out: str) -> None:
    import csv
    import sqlite3

    conn = sqlite3.connect(project)
    docs = dict(conn.execute("SELECT key, title FROM document"))
    texts = dict(conn.execute("SELECT key, text FROM document"))
    coders = dict(conn.execute("SELECT id, name FROM coder"))
    categories = dict(conn.execute("SELECT key, name FROM category"))
    with open(out, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")
        writer.writerow(["document_key", "document_title", "clause_label", "clause_start"])
        writer.writerows(
            (doc, docs[doc], label, start, end, texts[doc][start:end], coder, coders[coder],
             cat, categories[cat], s0, s1, memo, updated)
            for doc, label, start, end, coder, cat, s0, s1, memo, updated
            in conn.execute(LONG_SELECT)
        )  # fmt: skip


def exchange(project: str, out: str) -> None:
    import sqlite3

    conn = sqlite3.connect(project)
    with open(out, "w", encoding="utf-8") as fh:
        for table in ("annotation", "review"):
            cursor = conn.execute(f"SELECT * FROM {table}")
            names = [d[0] for d in cursor.description]
            for row in cursor:
                fh.write(json.dumps(dict(zip(names, row, strict=True)), ensure_ascii=False))
                fh.write("\n")


if __name__ == "__main__":
    job, *rest = sys.argv[1:]
    if job == "merge":
        merge(rest[0], rest[1:])
    elif job == "long":
        long(rest[0], rest[1])
    elif job == "exchange":
        exchange(rest[0], rest[1])
    elif job == "alpha":
        alpha(rest[0])
    else:
        raise SystemExit(f"unknown job {job!r}")
