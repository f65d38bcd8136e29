"""Every export format as bytes plus a one-line summary: one place for the CLI and the dialog."""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from annotator.core.wording import plural

FORMATS = ("exchange", "long", "wide", "plans", "xlsx", "qdpx")


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
