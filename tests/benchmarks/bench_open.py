"""Opening a 10,000-clause plan: import (read, normalise, segment, store), then list its clauses
and a coder's coding as the main window does; and reopening the stored plan.

Floor: reading the plan's text file (the least that opening it can cost).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from tests.helpers.bench import best_of, numbered_plan, peak_memory, report, scaled


def main() -> None:
    from annotator.services.project import Project

    tmp = Path(tempfile.mkdtemp(prefix="bench-open-"))
    try:
        n = scaled(10_000)
        plan = tmp / "plan.txt"
        plan.write_text(numbered_plan(n), encoding="utf-8")
        print(f"plan: {n:,} clauses, {plan.stat().st_size / 1e6:.1f} MB")
        floor = best_of(lambda: plan.read_text(encoding="utf-8"))
        runs = iter(range(100))

        def first_open() -> None:
            with Project.open(tmp / f"p{next(runs)}.sqlite", seed_samples=False) as project:
                coder = project.add_coder("Olena").id
                key = project.import_text("Plan", plan.read_text(encoding="utf-8")).document_key
                clauses = project.clauses(key)
                project.coding(key, coder)
                assert len(clauses) >= n, len(clauses)  # the points, plus the heading

        def reopen() -> None:
            with Project.open(tmp / "p0.sqlite", create=False) as project:
                (doc,) = project.documents()
                project.clauses(doc.key)
                project.coding(doc.key, project.coders()[0].id)

        report("import + clauses + coding", best_of(first_open), "read the text file", floor)
        report("reopen project + clauses + coding", best_of(reopen), "read the text file", floor)
        with Project.open(tmp / "p0.sqlite", create=False) as project:
            (doc,) = project.documents()
            coder = project.coders()[0].id
            report(
                "clauses() + coding() alone",
                best_of(lambda: (project.clauses(doc.key), project.coding(doc.key, coder))),
                "read the text file",
                floor,
            )
        peak_memory()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
