"""``annotator info [--project P]``: where the project is and what it holds."""

from __future__ import annotations

import argparse
import json
from typing import Any

from annotator.cli.common import add_project_arg


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "info",
        help="show the project's path, coders and documents",
        description="Print where the project file is, its coders (name and id), its plans "
        "(key, number of clauses, title) and its category keys. --json prints one object.",
    )
    add_project_arg(parser)
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from annotator.services.project import Project

    with Project.open(args.project, create=False, seed_samples=False) as project:
        coders = project.coders()
        docs = project.documents()
        data: dict[str, Any] = {
            "project": str(project.path),
            "coders": [{"id": c.id, "name": c.name} for c in coders],
            "documents": [{"key": d.key, "title": d.title, "clauses": d.clauses} for d in docs],
            "categories": [c.key for c in project.categories(include_retired=True)],
        }
    if args.json:
        print(json.dumps(data, ensure_ascii=False))
    else:
        print(f"project: {data['project']}")
        print(
            "coders: " + (", ".join(f"{c['name']} ({c['id']})" for c in data["coders"]) or "none")
        )
        for d in data["documents"]:
            print(f"  {d['key'][:12]}  {d['clauses']:5d} clauses  {d['title']}")
    return 0
