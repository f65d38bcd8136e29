"""``annotator import FILE... [--project P] [--json]``: plans, exchange files, REFI-QDA projects
and codebooks, each recognised by its content (a ``.qdc`` given as a plan is a codebook).

Each file is its own transaction: a bad file is reported and changes nothing, the others go in.
Every warning a reader collects (a selection corrected, split over clauses or skipped) is counted
on the file's summary line and listed on stderr, or returned in ``--json``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from pathlib import Path
from typing import Any

from annotator.cli.common import add_project_arg, progress_printer
from annotator.core.errors import AnnotatorError, InputError


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "import",
        help="import plan files (txt, md, docx, pdf, html), exchange files (.json), "
        "REFI-QDA projects (.qdpx) and codebooks (.qdc)",
        description="Import files into a project, each in one transaction; what a file is, is "
        "read from its content. Exchange files and .qdpx are merged by Contract 2's rules: "
        "importing the same file (or a re-export of the same project) twice adds nothing.",
    )
    parser.add_argument("files", nargs="+", metavar="FILE")
    add_project_arg(parser)
    parser.add_argument(
        "--json",
        action="store_true",
        help="one JSON object on stdout: per file its counts, warnings and conflicts",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from annotator.services.paths import resolve_project
    from annotator.services.project import Project

    failures = 0
    results: list[dict[str, Any]] = []
    existed = resolve_project(args.project).exists()
    with Project.open(args.project, seed_samples=False) as project:
        created = None if existed else project.path
        for path in args.files:
            try:
                result = import_one(project, path, quiet=args.json)
            except AnnotatorError as exc:
                failures += 1
                result = {"file": path, "status": "error", "error": str(exc)}
                print(f"annotator import: {exc}", file=sys.stderr)
            results.append(result)
    if created is not None and failures == len(args.files):
        _discard(created)  # bad input changes nothing: not even a new, empty project
    if args.json:
        json.dump(
            {"files": results, "failures": failures}, sys.stdout, ensure_ascii=False, indent=2
        )
        print()
    return 2 if failures else 0


def _discard(project: Path) -> None:
    """Delete a project this command created, with SQLite's side files (it is closed)."""
    for name in (project.name, f"{project.name}-wal", f"{project.name}-shm"):
        with contextlib.suppress(OSError):
            (project.parent / name).unlink()


def import_one(project: Any, path: str, *, quiet: bool = False) -> dict[str, Any]:
    """Import one file by what it is; prints its summary line (unless ``quiet``)."""
    from annotator.core.sniff import REFUSALS, sniff

    kind = sniff(path)
    if kind in REFUSALS:
        raise InputError(REFUSALS[kind], source=path)
    out: dict[str, Any] = {"file": path, "kind": kind}
    if kind == "plan":
        done = project.import_plan(path)
        state = "already in the project" if done.already_present else "imported"
        out.update(status=state, title=done.title, clauses=done.clauses, notes=list(done.notes))
        line = f"{path}: {state}: {done.title!r}, {done.clauses} clauses"
        line += "".join(f"\n  note: {note}" for note in done.notes)
    elif kind in ("qdc", "codebook"):
        from annotator.services.codebook import import_codebook

        edit = import_codebook(project, path)
        changed = len(edit.changes)
        state = "codebook imported" if changed else "codebook already in the project"
        out.update(status=state, categories_changed=changed)
        line = f"{path}: {state}: {changed} categories added or changed"
    else:
        out.update(_merge(project, path, kind))
        line = f"{path}: {out['status']}: {out['summary']}"
    if not quiet:  # a message, not a result: stderr (results go to stdout)
        print(line, file=sys.stderr)
        for warning in out.get("warnings", []):
            print(f"  warning: {warning}", file=sys.stderr)
        for conflict in out.get("conflicts", []):
            print(f"  conflict: {conflict}", file=sys.stderr)
    return out


def _merge(project: Any, path: str, kind: str) -> dict[str, Any]:
    from annotator.services.merge import apply_merge, preview_merge

    if kind == "qdpx":
        from annotator.services.refi import preview_qdpx_merge

        preview = preview_qdpx_merge(project, path)
    else:
        preview = preview_merge(project, [path])
    apply_merge(project, preview, progress_printer(path))  # type: ignore[arg-type]
    status = "already in the project, nothing added" if preview.changes_nothing else "merged"
    return {
        "status": status,
        "summary": preview.summary(),
        "counts": dict(preview.counts),
        "warnings": list(preview.warnings),
        "conflicts": [str(c) for c in preview.conflicts],
    }
