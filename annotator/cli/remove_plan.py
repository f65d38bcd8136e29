"""``annotator remove-plan PLAN... [--project P]``: take a wrongly imported plan out again.

PLAN is a document key, the start of one (as ``annotator info`` shows it) or an exact title. The
plan goes with its clauses and everyone's coding of it, each plan in one transaction; in the
window, Edit ▸ Undo brings a removed plan back.
"""

from __future__ import annotations

import argparse

from annotator.cli.common import add_project_arg


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "remove-plan", help="remove plans (with their clauses and coding) from the project"
    )
    parser.add_argument(
        "plans", nargs="+", metavar="PLAN", help="document key, key prefix or title"
    )
    add_project_arg(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from annotator.services.project import Project

    with Project.open(args.project, create=False, seed_samples=False) as project:
        keys = [project.find_document(ref) for ref in args.plans]  # all or nothing: check first
        for key in dict.fromkeys(keys):
            edit = project.remove_plan(key)
            coded = sum(1 for c in edit.changes if c.table in ("annotation", "review"))
            print(f"{key[:12]}: removed: {edit.label[len('Remove plan ') :]!r} ({coded} codings)")
    return 0
