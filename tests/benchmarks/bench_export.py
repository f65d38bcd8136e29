"""Exchange export of a project with 1,000,000 annotations (and as many reviews).

``export_exchange_dict`` (Core queries to Contract 2 objects) plus ``dump_exchange`` (canonical
bytes). Floor: a raw sqlite3 ``SELECT`` of every annotation and review row, fetched.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
import time
from pathlib import Path

from tests.helpers.bench import best_of, human, peak_memory, report, scaled, seed_project


def main() -> None:
    from annotator.core.exchange import dump_exchange
    from annotator.services.exchange import export_exchange_dict
    from annotator.services.project import Project

    tmp = Path(tempfile.mkdtemp(prefix="bench-export-"))
    try:
        wanted = scaled(1_000_000, 1000)
        docs = max(1, wanted // 100_000)
        path = tmp / "p.sqlite"
        start = time.perf_counter()
        seed_project(
            path, documents=docs, clauses_per_doc=wanted // (docs * 10), coders=10,
            per_coder_clause=1,
        )  # fmt: skip
        print(f"fixture: {wanted:,} annotations built in {human(time.perf_counter() - start)}")

        def floor() -> None:
            conn = sqlite3.connect(path)
            conn.execute("SELECT * FROM annotation").fetchall()
            conn.execute("SELECT * FROM review").fetchall()
            conn.close()

        floor_s = best_of(floor, repeat=2)
        with Project.open(path, create=False) as project:
            doc = export_exchange_dict(project)  # warm the page cache like the floor did
            assert len(doc["annotations"]) == wanted, len(doc["annotations"])
            del doc
            export_s = best_of(lambda: export_exchange_dict(project), repeat=2)
            doc = export_exchange_dict(project)
        dump_s = best_of(lambda: dump_exchange(doc), repeat=2)
        size = len(dump_exchange(doc))
        report("export_exchange_dict", export_s, "raw sqlite3 SELECT", floor_s)
        report("dump_exchange", dump_s, "raw sqlite3 SELECT", floor_s)
        report("exchange export total", export_s + dump_s, "raw sqlite3 SELECT", floor_s)
        print(f"exchange file: {size / 1e6:.0f} MB")
        peak_memory()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
