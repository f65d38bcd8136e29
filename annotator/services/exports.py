"""Every export format to a file, with a one-line summary: one place for the CLI and the dialog.

:func:`write_export` is what both call: the formats that stream (the exchange file and the long
CSV, :mod:`annotator.services.export_stream`) go from the tables to the file as they are read;
the others are built from the exchange document (:func:`export_bytes`) and written atomically.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator.core.wording import plural

if TYPE_CHECKING:
    from annotator.services.project import Project

FORMATS = ("exchange", "long", "wide", "plans", "xlsx", "qdpx")
#: Formats that hold one coder's rows only (the exchange file, .qdpx); the others select rows.
NARROWED = ("exchange", "qdpx")


def write_export(
    project: Project,
    fmt: str,
    path: Path,
    *,
    coder: str | None = None,
    consensus: bool = False,
    bom: bool = False,
    fixed_time: datetime | None = None,
) -> str:
    """Write ``fmt`` to ``path`` (never a half-written file); returns a one-line summary.

    For the :data:`NARROWED` formats ``coder`` is the one coder (or the consensus layer) the file
    holds; for the datasets ``coder`` / ``consensus`` select the rows, as in :func:`export_bytes`.
    Safe to call off the UI thread: it reads through its own connection.
    """
    from annotator.services.exchange import atomic_write, export_exchange_dict
    from annotator.services.export_stream import write_export_file

    summary = write_export_file(project, fmt, path, coder=coder, consensus=consensus, bom=bom)
    if summary is not None:
        return summary
    doc = export_exchange_dict(project, coder if fmt in NARROWED else None)
    data, summary = export_bytes(
        doc,
        fmt,
        coder=coder,
        consensus=consensus,
        bom=bom,
        fixed_time=fixed_time,
        name=path.stem,
    )
    atomic_write(path, data)
    return summary


def export_bytes(
    doc: Mapping[str, Any],
    fmt: str,
    *,
    coder: str | None = None,
    consensus: bool = False,
    bom: bool = False,
    fixed_time: datetime | None = None,
    name: str = "Plan Annotator project",
) -> tuple[bytes, str]:
    """The file for ``fmt`` and a one-line summary, as ``annotator export`` writes them.

    ``doc`` is already narrowed to the wanted coder for ``exchange``; the datasets take the whole
    document and select with ``coder`` / ``consensus``.
    """
    from annotator.core import datasets

    if fmt == "exchange":
        from annotator.core.exchange import dump_exchange

        n, coders = len(doc["annotations"]), len(doc["coders"])
        return dump_exchange(dict(doc)), f"{plural(n, 'annotation')} by {plural(coders, 'coder')}"
    if fmt in ("long", "wide", "plans"):
        writer = {
            "long": datasets.write_long_csv,
            "wide": datasets.write_wide_csv,
            "plans": datasets.write_plans_csv,
        }[fmt]
        text = io.StringIO(newline="")
        rows = writer(doc, text, coder=coder, consensus=consensus, bom=bom)
        return text.getvalue().encode("utf-8"), plural(rows, "row")
    binary = io.BytesIO()
    if fmt == "xlsx":
        counts = datasets.write_xlsx(
            doc, binary, coder=coder, consensus=consensus, fixed_time=fixed_time
        )
        return binary.getvalue(), ", ".join(f"{k} {plural(v, 'row')}" for k, v in counts.items())
    if fmt == "qdpx":
        from annotator.core.refi import export_qdpx

        export_qdpx(doc, binary, name=name, fixed_time=fixed_time)
        return binary.getvalue(), f"{len(doc['documents'])} plans"
    raise ValueError(f"unknown export format {fmt!r}")
