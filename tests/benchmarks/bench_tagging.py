"""A tag action persisted through the service, on a project with 50,000 annotations.

Floor: a raw sqlite3 INSERT + COMMIT of one annotation row on the same file with the same pragmas
(WAL, synchronous=NORMAL): the least any persisted action can cost.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
import uuid
from pathlib import Path

from tests.helpers.bench import STAMP, best_of, peak_memory, report, scaled, seed_project

ACTIONS = 500


def main() -> None:
    from annotator.services.project import Project

    tmp = Path(tempfile.mkdtemp(prefix="bench-tagging-"))
    try:
        annotations = scaled(50_000, 400)  # 100 clauses: 10 of each action timed
        clauses = annotations // 4
        path = tmp / "p.sqlite"
        ids = seed_project(path, documents=1, clauses_per_doc=clauses, coders=1, per_coder_clause=4)
        shutil.copy(path, tmp / "raw.sqlite")
        n = min(ACTIONS, clauses // 2)
        print(f"project: {annotations:,} annotations, {clauses:,} clauses; {n} actions timed")

        with Project.open(path, create=False) as project:
            coder = project.add_coder("Timed").id
            targets = iter(ids["clauses"])

            def tag() -> None:
                for _ in range(n // 5):
                    project.toggle_tag(coder, next(targets), "economic")

            def none() -> None:
                for _ in range(n // 5):
                    project.mark_none(coder, next(targets))

            tag_s = best_of(tag) / (n // 5)
            none_s = best_of(none) / (n // 5)
            edit = project.toggle_tag(coder, next(targets), "territorial")
            # Undo, then redo the same edit: redoing what undo returned would replay the undo.
            undo_s = best_of(lambda: [(project.undo(edit), project.redo(edit)) for _ in range(20)])
            undo_s /= 40

        raw = sqlite3.connect(tmp / "raw.sqlite", isolation_level=None)
        raw.execute("PRAGMA journal_mode=WAL")
        raw.execute("PRAGMA synchronous=NORMAL")
        clause_ids = iter(ids["clauses"])

        def raw_insert() -> None:
            for _ in range(n // 5):
                raw.execute("BEGIN")
                raw.execute(
                    "INSERT INTO annotation (id, coder_id, clause_id, category_key, memo, "
                    "uncertain, created, updated, deleted) VALUES (?, ?, ?, ?, '', 0, ?, ?, 0)",
                    (str(uuid.uuid4()), ids["coders"][0], next(clause_ids), "nope", STAMP, STAMP),
                )
                raw.execute("COMMIT")

        raw.execute("PRAGMA foreign_keys=OFF")  # "nope" is no category: the floor skips checks
        floor = best_of(raw_insert) / (n // 5)
        raw.close()
        report("tag action (toggle_tag, committed)", tag_s, "raw sqlite3 insert+commit", floor)
        report("mark none applies (mark_none)", none_s, "raw sqlite3 insert+commit", floor)
        report("undo or redo of a tag", undo_s, "raw sqlite3 insert+commit", floor)
        peak_memory()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
