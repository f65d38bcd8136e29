"""Benchmark: merge 20 exchange files of 10,000 annotations each (prints, asserts nothing).

    python -m tests.benchmarks.bench_merge [--files 20] [--annotations 10000] [--clauses 500]

Files are generated with a fixed seed: the same 3 documents of ~500 clauses in every file, one
coder per file, 10 % of each file's annotations being re-exports of the previous coder's (some
edited later, some deleted), and a review of every clause. Reported: the time to ``json.loads``
the files beside the time to load and validate them, the merge, the check of its result and the
canonical dump; peak memory of the merge (tracemalloc) and of the process (ru_maxrss).
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import resource
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

from annotator.core.exchange import dump_exchange, load_exchange, validate_exchange
from annotator.core.merge import merge_documents
from annotator.core.text import document_key

CATEGORIES = ("security_guarantee", "territorial", "economic", "military_cap", "sanctions")
WORDS = (
    "the", "parties", "shall", "guarantee", "forces", "fund", "assets", "line", "contact",
    "elections", "amnesty",
)  # fmt: skip


def make_documents(rng: random.Random, clauses: int) -> list[dict[str, Any]]:
    documents = []
    for n in range(3):
        lines = [
            f"{i + 1}. " + " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 30))) + "."
            for i in range(clauses + n * 10)
        ]
        text = "\n".join(lines) + "\n"
        spans, pos = [], 0
        for i, line in enumerate(lines):
            spans.append({"start": pos, "end": pos + len(line), "label": str(i + 1)})
            pos += len(line) + 1
        documents.append(
            {"key": document_key(text), "title": f"Plan {n}", "text": text, "clauses": spans}
        )
    return documents


def stamp(rng: random.Random, day: int = 5) -> str:
    return f"2026-01-{day:02d}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00.000Z"


def make_files(
    n_files: int, per_file: int, clauses: int, seed: int = 20260105
) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    documents = make_documents(rng, clauses)
    categories = [
        {"key": k, "name": k.replace("_", " ").capitalize(), "description": "", "color": "#336699",
         "parent": None}
        for k in CATEGORIES
    ]  # fmt: skip
    coders = [{"id": f"coder-{i:02d}", "name": f"Coder {i}"} for i in range(n_files)]
    files: list[dict[str, Any]] = []
    for i in range(n_files):
        own = per_file - (per_file // 10 if i else 0)
        annotations = []
        for j in range(own):
            document = rng.choice(documents)
            clause = rng.choice(document["clauses"])
            annotations.append(
                {
                    "id": f"{i:02d}-{j:06d}-0000-4000-8000-000000000000",
                    "coder": coders[i]["id"],
                    "document": document["key"],
                    "clause": [clause["start"], clause["end"]],
                    "category": rng.choice(CATEGORIES),
                    "span": None,
                    "memo": "",
                    "created": stamp(rng),
                    "updated": stamp(rng),
                    "deleted": False,
                }
            )
        used_coders = [coders[i]]
        if i:
            # Re-exports of the previous coder's work: some untouched, some edited or deleted.
            used_coders.append(coders[i - 1])
            theirs = [a for a in files[i - 1]["annotations"] if a["coder"] == coders[i - 1]["id"]]
            for previous in rng.sample(theirs, per_file // 10):
                roll = rng.random()
                if roll < 0.3:
                    previous = {**previous, "memo": "edited", "updated": stamp(rng, 6)}
                elif roll < 0.4:
                    previous = {**previous, "deleted": True, "updated": stamp(rng, 6)}
                annotations.append(previous)
        reviews = [
            {"coder": coders[i]["id"], "document": d["key"], "clause": [c["start"], c["end"]],
             "status": "done", "updated": stamp(rng)}
            for d in documents for c in d["clauses"]
        ]  # fmt: skip
        files.append(
            {
                "format": "plan-annotations",
                "version": 1,
                "codebook": {"categories": categories},
                "coders": used_coders,
                "documents": documents,
                "annotations": annotations,
                "reviews": reviews,
            }
        )
    return files


def timed(label: str, results: dict[str, tuple[float, float]], func: Any) -> Any:
    """Run ``func``; record (wall, CPU) seconds: CPU time is the fairer figure on a busy machine."""
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    value = func()
    results[label] = (time.perf_counter() - wall, time.process_time() - cpu)
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=20)
    parser.add_argument("--annotations", type=int, default=10_000)
    parser.add_argument("--clauses", type=int, default=500)
    args = parser.parse_args()

    files = make_files(args.files, args.annotations, args.clauses)
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for i, doc in enumerate(files):
            path = Path(folder) / f"coder{i:02d}.json"
            path.write_bytes(dump_exchange(doc))
            paths.append(path)
        del files
        size = sum(p.stat().st_size for p in paths)
        t: dict[str, tuple[float, float]] = {}
        timed("json.loads", t, lambda: [json.loads(p.read_bytes()) for p in paths])
        docs = timed("load + validate", t, lambda: [load_exchange(p) for p in paths])
        names = [p.name for p in paths]
        result = timed("merge", t, lambda: merge_documents(docs, names))
        merged = result.document
        timed("validate merged", t, lambda: validate_exchange(merged, "merged"))
        data = timed("canonical dump", t, lambda: dump_exchange(merged))
        counts = result.counts
        gc.collect()
        tracemalloc.start()
        merge_documents(docs, names)
        _, merge_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()

    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"{args.files} files x {args.annotations} annotations, {size / 1e6:.1f} MB in total")
    print(f"merged: {counts}; output {len(data) / 1e6:.1f} MB")
    print(f"  {'':<16} {'wall':>8} {'CPU':>8}")
    for label, (wall, cpu) in t.items():
        print(f"  {label:<16} {wall:7.3f}s {cpu:7.3f}s")
    print(f"  merge peak allocation (tracemalloc): {merge_peak / 1e6:.1f} MB")
    print(f"  process peak RSS: {rss:.0f} MB")


if __name__ == "__main__":
    main()
