"""``annotator compare``: which plan says what, as a categories × plans table."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from annotator.core.compare import RULES, compare_plans
from annotator.core.errors import InputError


def register(subparsers: Any) -> None:
    """Add the ``compare`` subcommand."""
    p = subparsers.add_parser(
        "compare",
        help="plan-by-category comparison table",
        description="Count, per plan and category, the clauses coded with it (and their share).",
    )
    p.add_argument("files", nargs="*", metavar="FILE.json", help="exchange files (merged first)")
    p.add_argument("--project", metavar="P", help="use a project instead of exchange files")
    p.add_argument("--coder", metavar="ID", help="count only this coder's coding")
    p.add_argument("--consensus", action="store_true", help="count only the consensus coder")
    p.add_argument(
        "--rule",
        choices=RULES,
        default="any",
        help="a clause counts when any coder / a majority / the chosen coder applied it",
    )
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="one JSON object on stdout")
    out.add_argument(
        "--csv", action="store_true", help="CSV on stdout; plan columns are named by title"
    )
    p.add_argument(
        "--keys", action="store_true", help="with --csv: name plan columns by document key"
    )
    p.set_defaults(func=run)


def _load_files(paths: list[str]) -> tuple[dict[str, Any], str]:
    """Read and validate the exchange files and merge them (``annotator merge``'s rules)."""
    from annotator.core.exchange import load_exchange
    from annotator.core.merge import merge_documents

    docs = [load_exchange(p) for p in paths]
    if len(docs) == 1:
        return docs[0], paths[0]
    merged = merge_documents(docs, [Path(p).name for p in paths])
    if merged.conflicts:
        print(
            f"annotator compare: {len(merged.conflicts)} conflicts settled while merging "
            "(see annotator merge)",
            file=sys.stderr,
        )
    return merged.document, "merged files"


def _from_project(path: str) -> dict[str, Any]:
    from annotator.services.exchange import export_exchange_dict

    return export_exchange_dict(path)


def run(args: argparse.Namespace) -> int:
    """Print the comparison as a table, JSON or CSV."""
    if args.project and args.files:
        raise InputError("give exchange files or --project, not both")
    if args.project:
        exchange, source = _from_project(args.project), args.project
    elif args.files:
        exchange, source = _load_files(args.files)
    else:
        raise InputError("give one or more exchange files (or --project P)")
    comp = compare_plans(
        exchange, coder=args.coder, consensus=args.consensus, rule=args.rule, source=source
    )
    if args.json:
        json.dump(comp.to_json(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    elif args.csv:
        comp.write_csv(sys.stdout, keys=args.keys)
    else:
        print(comp.render())
    return 0
