"""Guards that must stay cheap, and the timings the tests no longer assert.

- Opening a project runs SQLite's quick check (budget 2 s): on a 1,000,000-tag project, beside
  the floor of reading the file's bytes.
- Refusing archive bombs: a .docx and a .qdpx that inflate to 300 MB, beside reading their bytes.
- Segmenting 10,000 clauses, and link suggestions for 500 × 500 clauses, beside splitting the
  text into lines / words.
- Importing a 10 MB plan on a single line, beside reading it.
"""

from __future__ import annotations

import io
import random
import shutil
import tempfile
import zipfile
from pathlib import Path

from tests.helpers.bench import best_of, numbered_plan, peak_memory, report, scaled, seed_project


def _bomb(path: Path, first: str, first_data: bytes, bomb_name: str, size: int) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr(first, first_data)
        with zf.open(bomb_name, "w", force_zip64=True) as member:
            block = b" " * (1 << 20)
            for _ in range(size >> 20):
                member.write(block)


def bench_quick_check(tmp: Path) -> None:
    from annotator.storage.db import check_integrity, sqlite_engine

    path = tmp / "big.sqlite"
    clauses = scaled(50_000, 100)
    seed_project(path, documents=5, clauses_per_doc=clauses // 5, coders=20, per_coder_clause=1)
    size = path.stat().st_size
    print(f"project: {clauses:,} clauses × 20 coders, {size / 1e6:.0f} MB")
    engine = sqlite_engine(path)
    floor = best_of(path.read_bytes)
    report("quick check on open", best_of(lambda: check_integrity(engine, path)), "read", floor)
    engine.dispose()


def bench_bombs(tmp: Path) -> None:
    import docx

    from annotator.core.errors import AnnotatorError
    from annotator.core.readers import read_plan
    from annotator.core.refi import import_qdpx

    buf = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("1. The parties agree.")
    document.save(buf)
    with zipfile.ZipFile(buf) as zf:
        styles = zf.read("word/styles.xml")
    docx_bomb, qdpx_bomb = tmp / "bomb.docx", tmp / "bomb.qdpx"
    _bomb(docx_bomb, "word/styles.xml", styles, "word/document.xml", 300 << 20)
    _bomb(qdpx_bomb, "project.qde", b"<Project/>", "sources/bomb.txt", 300 << 20)
    print(f".docx bomb: {docx_bomb.stat().st_size / 1e3:.0f} KB inflating to 300 MB")

    def refuse(job: object) -> None:
        try:
            job()  # type: ignore[operator]
        except AnnotatorError:
            return
        raise AssertionError("a bomb was read")

    report(
        "refuse the .docx bomb",
        best_of(lambda: refuse(lambda: read_plan(docx_bomb))),
        "read its bytes",
        best_of(docx_bomb.read_bytes),
    )
    report(
        "refuse the .qdpx bomb",
        best_of(lambda: refuse(lambda: import_qdpx(qdpx_bomb))),
        "read its bytes",
        best_of(qdpx_bomb.read_bytes),
    )


def bench_text(tmp: Path) -> None:
    from annotator.core.links import suggest_links
    from annotator.core.readers import read_plan
    from annotator.core.segment import segment

    text = numbered_plan(scaled(10_000))
    report(
        "segment 10,000 clauses",
        best_of(lambda: segment(text)),
        "splitlines",
        best_of(text.splitlines),
    )
    rng = random.Random(7)
    vocab = [f"w{k}" for k in range(1500)]
    weights = [1 / (k + 1) for k in range(1500)]
    n = scaled(500)
    source = [(str(k), f"{k}. " + " ".join(rng.choices(vocab, weights, k=45))) for k in range(n)]
    target = [(label, body + " and more") for label, body in source]
    rng.shuffle(target)
    report(
        f"link suggestions {n} × {n}",
        best_of(lambda: suggest_links(source, target), repeat=2),
        "split every clause into words",
        best_of(lambda: [b.split() for _, b in source + target]),
    )
    line = tmp / "line.txt"
    line.write_text(("The parties agree, " * 600_000)[: scaled(10 << 20, 1 << 20)], "utf-8")
    report(
        "read a 10 MB single-line plan",
        best_of(lambda: read_plan(line), repeat=2),
        "read its bytes",
        best_of(line.read_bytes),
    )


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="bench-limits-"))
    try:
        bench_quick_check(tmp)
        bench_bombs(tmp)
        bench_text(tmp)
        peak_memory()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
