"""``annotator segment FILE [--json]``: the clauses the automatic segmenter finds in a plan file."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from annotator.core.readers import read_plan
from annotator.core.segment import MODES, segment_plan

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
            "text}], notes: [message], note_kinds: [kind]}. The notes say what the segmenter "
            "noticed: points missing from the text, repeated numbers, changes of delimiter..."
        ),
    )
    parser.add_argument("file", help="plan file to segment")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--mode",
        choices=MODES,
        default="auto",
        help="auto: numbered points, sub-points, headings (default); paragraphs: blank lines only",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Segment ``args.file`` and print the clauses; read errors propagate as AnnotatorError."""
    plan = read_plan(args.file)
    result = segment_plan(plan.text, args.mode)
    clauses = result.clauses
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
            "notes": [n.message for n in result.notes],
            "note_kinds": [n.kind for n in result.notes],
        }
        sys.stdout.write(json.dumps(payload, ensure_ascii=False) + "\n")
        return 0
    width = max((len(c.label) for c in clauses), default=1)
    for c in clauses:
        preview = " ".join(plan.text[c.start : c.end].split())
        if len(preview) > PREVIEW:
            preview = preview[: PREVIEW - 1] + "…"
        sys.stdout.write(f"{c.label:<{width}}  {c.start}-{c.end}  {preview}\n")
    for note in result.notes:
        sys.stdout.write(f"note: {note.message}\n")
    return 0
