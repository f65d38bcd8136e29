"""Benchmark: ``annotator merge`` of 20 exchange files × 10,000 annotations, whole process.

    python -m tests.benchmarks.bench_merge [--files 20] [--annotations 10000] [--clauses 500]

Files are generated with a fixed seed: the same 3 documents of ~500 clauses in every file, one
coder per file, 10 % of each file's annotations being re-exports of the previous coder's (some
edited later, some deleted), and a review of every clause. ``annotator merge`` runs as a user runs
it (interpreter start, validation, merge, canonical file written) against the floor of issue 17,
also a whole process: ``json.load`` every file, sort the union, ``json.dump`` it
(``tests.benchmarks.floors merge``). Medians of 3 alternating runs; time and peak memory.
"""

from __future__ import annotations

import argparse
import random
import tempfile
from pathlib import Path
from typing import Any

from annotator.core.exchange import dump_exchange
from annotator.core.text import document_key
from tests.helpers.bench import record, scaled, tiny
from tests.helpers.proc import compare, python

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=scaled(20, 2))
    parser.add_argument("--annotations", type=int, default=scaled(10_000, 100))
    parser.add_argument("--clauses", type=int, default=tiny(500, 20))
    parser.add_argument("--repeat", type=int, default=tiny(3, 1))
    args = parser.parse_args()

    files = make_files(args.files, args.annotations, args.clauses)
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for i, doc in enumerate(files):
            path = Path(folder) / f"coder{i:02d}.json"
            path.write_bytes(dump_exchange(doc))
            paths.append(str(path))
        del files
        size = sum(Path(p).stat().st_size for p in paths) / 1e6
        out, floor_out = str(Path(folder) / "merged.json"), str(Path(folder) / "floor.json")
        ours, floor = compare(
            python("-m", "annotator", "merge", *paths, "-o", out),
            python("-m", "tests.benchmarks.floors", "merge", floor_out, *paths),
            repeat=args.repeat,
        )
    job = f"`annotator merge` {args.files} files × {args.annotations:,} annotations ({size:.0f} MB)"
    record(
        job + ", whole process",
        f"{ours.seconds:.2f} s",
        f"json.load all + sort + json.dump the union {floor.seconds:.2f} s",
        ours.seconds / floor.seconds,
        goal="≤ 1.3×",
        order=40,
    )
    record(
        job + ", peak memory",
        f"{ours.peak_mb:.0f} MB",
        f"same floor {floor.peak_mb:.0f} MB",
        ours.peak_mb / floor.peak_mb,
        goal="≤ 1.5×",
        order=41,
    )


if __name__ == "__main__":
    main()
