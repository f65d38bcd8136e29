"""REFI-QDA import of a QualCoder-style project: 20,000 selections in UTF-16 positions.

The text has an emoji in its title, so every selection's positions are UTF-16 code units and
each one is corrected by checking its ``@name``. Measured: the core reader (``import_qdpx``), the
whole import into an empty project (preview + apply), and a re-import of the same file (nothing to
add). Floor: opening the zip and parsing ``project.qde`` with ElementTree.
"""

from __future__ import annotations

import io
import shutil
import tempfile
import time
import uuid
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path
from xml.sax.saxutils import quoteattr

from tests.helpers.bench import best_of, human, numbered_plan, peak_memory, report, scaled


def qualcoder_like(points: int, selections: int) -> bytes:
    text = numbered_plan(points, title="Plan 🕊 for benchmarks")
    units = lambda cp: len(text[:cp].encode("utf-16-le")) // 2  # noqa: E731
    lines = [m for m in range(len(text)) if text.startswith("The parties", m)]
    users = [str(uuid.uuid4()) for _ in range(2)]
    codes = [str(uuid.uuid4()) for _ in range(5)]
    sels = []
    for i in range(selections):
        start = lines[i % len(lines)] + (i % 3)
        end = start + 40 + (i % 7)
        sels.append(
            f'<PlainTextSelection guid="{uuid.uuid4()}" startPosition="{units(start)}" '
            f'endPosition="{units(end)}" name={quoteattr(text[start:end])} '
            f'creatingUser="{users[i % 2]}" creationDateTime="2026-02-01T10:00:00Z">'
            f'<Coding guid="{uuid.uuid4()}" creatingUser="{users[i % 2]}">'
            f'<CodeRef targetGUID="{codes[i % 5]}"/></Coding></PlainTextSelection>'
        )
    qde = (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<Project xmlns="urn:QDA-XML:project:1.0" name="bench" origin="QualCoder 4.0 Beta">'
        + "<Users>"
        + "".join(f'<User guid="{u}" name="Coder {n}"/>' for n, u in enumerate(users))
        + "</Users><CodeBook><Codes>"
        + "".join(
            f'<Code guid="{c}" name="Code {n}" isCodable="true"/>' for n, c in enumerate(codes)
        )
        + '</Codes></CodeBook><Sources><TextSource guid="'
        + str(uuid.uuid4())
        + '" name="plan.txt" plainTextPath="internal://plan.txt">'
        + "".join(sels)
        + "</TextSource></Sources></Project>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("project.qde", qde.encode("utf-8"))
        zf.writestr("sources/plan.txt", text.encode("utf-8-sig"))
    return buf.getvalue()


def main() -> None:
    from annotator.core.refi import import_qdpx
    from annotator.services.merge import apply_merge
    from annotator.services.project import Project
    from annotator.services.refi import preview_qdpx_merge

    tmp = Path(tempfile.mkdtemp(prefix="bench-refi-"))
    try:
        n = scaled(20_000, 200)
        data = qualcoder_like(points=max(50, n // 10), selections=n)
        path = tmp / "big.qdpx"
        path.write_bytes(data)
        print(f"fixture: {n:,} selections, {len(data) / 1e6:.1f} MB zipped")

        def floor() -> None:
            with zipfile.ZipFile(path) as zf:
                ET.fromstring(zf.read("project.qde"))
                zf.read("sources/plan.txt")

        floor_s = best_of(floor, repeat=3)
        read_s = best_of(lambda: import_qdpx(path), repeat=3)
        report("import_qdpx (core reader)", read_s, "zip + ElementTree parse", floor_s)
        with Project.open(tmp / "p.sqlite", seed_samples=False) as project:
            start = time.perf_counter()
            preview = preview_qdpx_merge(project, path)
            apply_merge(project, preview)
            first = time.perf_counter() - start
            assert preview.counts["annotations_added"] == n, preview.counts
            report("first import (preview + apply)", first, "zip + ElementTree parse", floor_s)
            start = time.perf_counter()
            again = preview_qdpx_merge(project, path)
            apply_merge(project, again)
            second = time.perf_counter() - start
            assert again.changes_nothing, again.counts
            report("re-import, nothing added", second, "zip + ElementTree parse", floor_s)
        print(f"corrected selections: {n} (UTF-16); per selection: {human(read_s / n)}")
        peak_memory()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
