"""``annotator import FILE... [--project P]``: plans, exchange files and REFI-QDA projects.

Each file is its own transaction: a bad file is reported and changes nothing, the others go in.
"""

from __future__ import annotations

import argparse
import sys

from annotator.cli.common import add_project_arg, kind_of, progress_printer
from annotator.core.errors import AnnotatorError


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "import",
        help="import plan files (txt, md, docx, pdf, html), exchange files (.json), .qdpx",
        description="Import files into a project, each in one transaction. Exchange files are "
        "merged by Contract 2's rules: importing the same file twice changes nothing.",
    )
    parser.add_argument("files", nargs="+", metavar="FILE")
    add_project_arg(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from annotator.services.exchange import apply_merge, plan_merge
    from annotator.services.project import Project

    failures = 0
    with Project.open(args.project, seed_samples=False) as project:
        for path in args.files:
            try:
                kind = kind_of(path)
                if kind == "plan":
                    result = project.import_plan(path)
                    state = "already in the project" if result.already_present else "imported"
                    print(
                        f"{path}: {state}: {result.title!r}, {result.clauses} clauses",
                        file=sys.stderr,
                    )
                else:
                    if kind == "qdpx":
                        from annotator.services.refi import plan_qdpx_merge

                        plan = plan_qdpx_merge(project, path)
                    else:
                        plan = plan_merge(project, [path])
                    apply_merge(project, plan, progress_printer(path))  # type: ignore[arg-type]
                    print(f"{path}: merged: {plan.summary()}", file=sys.stderr)
                    for conflict in plan.conflicts:
                        print(f"  conflict: {conflict}", file=sys.stderr)
            except AnnotatorError as exc:
                failures += 1
                print(f"annotator import: {exc}", file=sys.stderr)
    return 2 if failures else 0
