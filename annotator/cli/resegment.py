"""``annotator resegment PLAN [--mode auto|paragraphs] [--project P] [--json]``.

Cuts a plan already in the project into clauses again (after a rule change, or into paragraphs
only). Annotations on clauses whose text is unchanged stay; spans move with their text; the rest is
reported. In the window the same action is undoable (Edit > Undo).
"""

from __future__ import annotations

import argparse
import json
import sys

from annotator.cli.common import add_project_arg
from annotator.core.errors import InputError
from annotator.core.segment import MODES


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "resegment",
        help="cut a plan in the project into clauses again",
        description="Re-segment a plan of the project: PLAN is its document key (or a unique "
        "prefix of 6+ characters) or its exact title. Annotations on unchanged clauses stay, "
        "spans move with their text, the rest is reported. --json prints {document, mode, "
        "clauses_before, clauses_after, unchanged, report: [line], notes: [message]}.",
    )
    parser.add_argument("plan", metavar="PLAN", help="document key, key prefix or title")
    parser.add_argument(
        "--mode",
        choices=MODES,
        default="auto",
        help="auto: numbered points and sub-points (default); paragraphs: blank lines only",
    )
    add_project_arg(parser)
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout")
    parser.set_defaults(func=run)


def find_document(documents: list[tuple[str, str]], wanted: str) -> str:
    """The key of the one document whose key starts with, or whose title is, ``wanted``."""
    wanted = wanted.strip()
    by_title = [key for key, title in documents if title.casefold() == wanted.casefold()]
    by_key = [key for key, _ in documents if len(wanted) >= 6 and key.startswith(wanted.lower())]
    found = sorted(set(by_title + by_key))
    if len(found) == 1:
        return found[0]
    if not found:
        raise InputError(f"no plan {wanted!r} in the project (give its key or exact title)")
    raise InputError(f"{len(found)} plans match {wanted!r}: give more of the key")


def run(args: argparse.Namespace) -> int:
    from annotator.services.project import Project
    from annotator.services.segmentation import resegment

    with Project.open(args.project, create=False, seed_samples=False) as project:
        key = find_document([(d.key, d.title) for d in project.documents()], args.plan)
        result = resegment(project, key, args.mode)
    report = result.report
    if args.json:
        payload = {
            "document": key,
            "mode": args.mode,
            "clauses_before": report.clauses_before,
            "clauses_after": report.clauses_after,
            "unchanged": report.unchanged,
            "report": report.lines(),
            "notes": [n.message for n in report.notes],
        }
        sys.stdout.write(json.dumps(payload, ensure_ascii=False) + "\n")
        return 0
    print(f"{key[:12]}: re-segmented ({args.mode})")
    for line in report.lines():
        print(f"  {line}")
    for note in report.notes:
        print(f"  note: {note.message}")
    return 0
