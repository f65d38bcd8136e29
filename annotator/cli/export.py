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
# Which options each format honours; any other is refused rather than silently ignored.
_CSV = frozenset({"--coder", "--consensus", "--bom"})
OPTIONS = {
    "exchange": frozenset({"--coder", "--consensus"}),
    "long": _CSV,
    "wide": _CSV,
    "plans": _CSV,
    "xlsx": frozenset({"--coder", "--consensus", "--fixed-time"}),
    "qdpx": frozenset({"--coder", "--consensus", "--fixed-time"}),
    "codebook": frozenset(),
    "qdc": frozenset(),
}


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


def _check_options(args: argparse.Namespace) -> None:
    given = {
        "--coder": args.coder is not None,
        "--consensus": args.consensus,
        "--bom": args.bom,
        "--fixed-time": args.fixed_time is not None,
    }
    for option, used in given.items():
        if used and option not in OPTIONS[args.format]:
            takes = sorted(f for f, opts in OPTIONS.items() if option in opts)
            raise InputError(
                f"{option} does not apply to --format {args.format} (only to {', '.join(takes)})"
            )


def _consensus_coder(project: Any) -> str:
    for coder in project.coders():
        if coder.is_consensus:
            return str(coder.id)
    raise InputError("--consensus: this project has no consensus layer yet")


def run(args: argparse.Namespace) -> int:
    from annotator.services.exchange import atomic_write
    from annotator.services.project import Project

    _check_options(args)
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
        # Exchange and .qdpx files hold the chosen coder (or the consensus layer) only; the
        # datasets select from the whole document themselves.
        from annotator.services.exports import NARROWED, write_export

        if args.format in NARROWED and args.consensus:
            coder = _consensus_coder(project)

        # The exchange file and the long CSV stream from the tables; the others are built whole.
        summary = write_export(
            project,
            args.format,
            out,
            coder=coder,
            consensus=args.consensus,
            bom=args.bom,
            fixed_time=fixed,
        )
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
