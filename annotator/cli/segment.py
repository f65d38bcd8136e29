"""``annotator segment FILE [--json]``: the clauses the automatic segmenter finds in a plan file."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from annotator.core.readers import read_plan
from annotator.core.segment import segment

PREVIEW = 70


def register(subparsers: Any) -> None:
    """Add the ``segment`` subcommand to the top-level parser."""
    parser = subparsers.add_parser(
        "segment",
        help="show the clauses of a plan file",
        description=(
            "Read a plan (txt, md, docx, pdf, html) and print its clauses: one line each with "
            "label, start-end (code points into the normalised text) and the first words. "
            "--json prints one object: {document, title, clauses: [{label, start, end, kind, "
            "text}]}."
        ),
    )
    parser.add_argument("file", help="plan file to segment")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Segment ``args.file`` and print the clauses; read errors propagate as AnnotatorError."""
    plan = read_plan(args.file)
    clauses = segment(plan.text)
    if args.json:
        payload = {
            "document": plan.key,
            "title": plan.title,
            "clauses": [
                {
                    "label": c.label,
                    "start": c.start,
                    "end": c.end,
                    "kind": c.kind,
                    "text": plan.text[c.start : c.end],
                }
                for c in clauses
            ],
        }
        sys.stdout.write(json.dumps(payload, ensure_ascii=False) + "\n")
        return 0
    width = max((len(c.label) for c in clauses), default=1)
    for c in clauses:
        preview = " ".join(plan.text[c.start : c.end].split())
        if len(preview) > PREVIEW:
            preview = preview[: PREVIEW - 1] + "…"
        sys.stdout.write(f"{c.label:<{width}}  {c.start}-{c.end}  {preview}\n")
    return 0
