"""``annotator export --format FORMAT -o OUT``: exchange files, datasets and REFI-QDA projects.

Every output is written to a temporary file beside OUT and renamed into place, so a failed export
never leaves a half-written file and never clobbers a good one.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from annotator.cli.common import add_project_arg
from annotator.core.errors import InputError

FORMATS = ("exchange", "long", "wide", "plans", "xlsx", "qdpx", "codebook", "qdc")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "export",
        help="export annotations (exchange), datasets (long, wide, plans, xlsx) or .qdpx",
        description="Export the project. exchange: Contract 2 file for merging; long/wide/plans: "
        "CSV datasets (RFC 4180, UTF-8); xlsx: all three plus codebook and provenance; "
        "qdpx: a REFI-QDA project; codebook/qdc: the codebook as JSON or REFI-QDA.",
    )
    parser.add_argument("--format", "-f", required=True, choices=FORMATS)
    parser.add_argument("-o", "--output", required=True, metavar="OUT")
    add_project_arg(parser)
    who = parser.add_mutually_exclusive_group()
    who.add_argument("--coder", metavar="ID", help="only this coder's work (id or exact name)")
    who.add_argument("--consensus", action="store_true", help="only the consensus layer")
    parser.add_argument(
        "--fixed-time",
        metavar="ISO",
        help="time written into provenance, for byte-identical reruns (e.g. 2026-01-01T00:00:00Z)",
    )
    parser.add_argument("--bom", action="store_true", help="CSV: start with a UTF-8 BOM (Excel)")
    parser.set_defaults(func=run)


def _fixed_time(value: str | None) -> datetime | None:
    if value is None:
        return None
    from annotator.core.clock import parse_time

    try:
        return parse_time(value)
    except ValueError as exc:
        raise InputError(f"--fixed-time: not an RFC 3339 time: {value!r}") from exc


def _resolve_coder(project: Any, wanted: str | None) -> str | None:
    if wanted is None:
        return None
    for coder in project.coders():
        if wanted in (coder.id, coder.name):
            return str(coder.id)
    raise InputError(f"--coder: no coder {wanted!r} in this project")


def run(args: argparse.Namespace) -> int:
    from annotator.services.exchange import atomic_write, export_exchange_dict
    from annotator.services.project import Project

    out = Path(args.output)
    fixed = _fixed_time(args.fixed_time)
    with Project.open(args.project, create=False, seed_samples=False) as project:
        coder = _resolve_coder(project, args.coder)
        if args.format in ("codebook", "qdc"):
            data = _codebook_bytes(project, args.format)
            atomic_write(out, data)
            n = len(project.categories(include_retired=True))
            print(f"{out}: codebook with {n} categories", file=sys.stderr)
            return 0
        doc = export_exchange_dict(project, coder if args.format == "exchange" else None)
    from annotator.services.exports import export_bytes

    data, summary = export_bytes(
        doc,
        args.format,
        coder=coder,
        consensus=args.consensus,
        bom=args.bom,
        fixed_time=fixed,
        name=out.stem,
    )
    atomic_write(out, data)
    print(f"{out}: {summary}", file=sys.stderr)  # the result is the file; this is a message
    return 0


def _codebook_bytes(project: Any, fmt: str) -> bytes:
    import json

    from annotator.core.codebook import codebook_to_json

    categories = project.categories(include_retired=True)
    if fmt == "codebook":
        text = json.dumps(codebook_to_json(categories), ensure_ascii=False, indent=2) + "\n"
        return text.encode("utf-8")
    from annotator.core import qdc

    return qdc.codebook_to_qdc(categories)
