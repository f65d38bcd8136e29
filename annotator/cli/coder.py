"""``annotator coder add NAME`` / ``annotator coder list``: the coders of a project."""

from __future__ import annotations

import argparse
import sys

from annotator.cli.common import add_project_arg
from annotator.core.errors import InputError


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``coder`` subcommand."""
    parser = subparsers.add_parser(
        "coder",
        help="add a coder to a project, or list its coders",
        description="Add a coder to a project (so that export --coder NAME works before the "
        "window has been opened), or list the coders with their ids. Adding a name that is "
        "already there changes nothing.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser(
        "add", help="add a coder", description="Add a coder by name to the project."
    )
    add.add_argument("name", metavar="NAME")
    add_project_arg(add)
    listing = actions.add_parser(
        "list", help="list the coders", description="Print one line per coder: id, then name."
    )
    add_project_arg(listing)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Add or list; the list goes to stdout, messages to stderr."""
    from annotator.services.project import Project

    if args.action == "add":
        name = args.name.strip()
        if not name:
            raise InputError("a coder needs a name")
        with Project.open(args.project, seed_samples=False) as project:
            known = next((c for c in project.coders() if c.name == name), None)
            if known is not None:
                print(f"coder {name!r} is already in {project.path} ({known.id})", file=sys.stderr)
                return 0
            coder = project.add_coder(name)
            print(f"coder {name!r} added to {project.path} ({coder.id})", file=sys.stderr)
        return 0
    with Project.open(args.project, create=False, seed_samples=False) as project:
        for coder in project.coders():
            if not coder.is_consensus:
                print(f"{coder.id}\t{coder.name}")
    return 0
