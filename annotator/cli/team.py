"""``annotator team …``: set up a team server and move work between it and offline copies.

Passwords are never taken from the command line (they would sit in shell history): they come from
a prompt, or from ``ANNOTATOR_NEW_PASSWORD`` for scripted set-ups.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from annotator.core.errors import InputError

ENV_PASSWORD = "ANNOTATOR_NEW_PASSWORD"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "team",
        help="team server on PostgreSQL: create, add coders, offline copies, sync",
        description="Manage a team project on a PostgreSQL server (see the README).",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    create = actions.add_parser("create", help="create the team database (as the team owner)")
    create.add_argument("admin_url", metavar="ADMIN_URL")
    create.add_argument("database")
    for name, text in (("add-coder", "a coder role"), ("add-reviewer", "a reviewer role")):
        sub = actions.add_parser(name, help=f"add {text} (prompts for its password)")
        sub.add_argument("url", metavar="OWNER_URL", help="the team database, as its owner")
        sub.add_argument("role", help="database role name, e.g. peace2026_olena")
        sub.add_argument("--name", help="display name (default: the role name)")
    remove = actions.add_parser(
        "remove", help="take a coder's or reviewer's access away at once (their work stays)"
    )
    remove.add_argument("url", metavar="OWNER_URL", help="the team database, as its owner")
    remove.add_argument("role", help="the login to remove, e.g. peace2026_olena")
    blind = actions.add_parser("blind", help="switch blind mode on or off (owner or reviewer)")
    blind.add_argument("url", metavar="URL")
    blind.add_argument("state", choices=("on", "off"))
    offline = actions.add_parser("offline", help="take your work offline into a SQLite project")
    offline.add_argument("url", metavar="URL", help="the team database, as yourself")
    offline.add_argument("output", metavar="COPY", help="new .sqlite file to write")
    sync = actions.add_parser("sync", help="merge an offline copy back into the server")
    sync.add_argument("url", metavar="URL")
    sync.add_argument("copy", metavar="COPY")
    parser.set_defaults(func=run)


def _new_password(role: str) -> str:
    password = os.environ.get(ENV_PASSWORD)
    if password:
        return password
    if not sys.stdin.isatty():
        raise InputError(f"set {ENV_PASSWORD} or run in a terminal to give {role}'s password")
    first = getpass.getpass(f"Password for {role}: ")
    if not first or first != getpass.getpass("Again: "):
        raise InputError("the passwords are empty or differ; nothing was changed")
    return first


def run(args: argparse.Namespace) -> int:
    from annotator.services import team, team_access

    if args.action == "create":
        project = team.create_team_project(args.admin_url, args.database)
        project.close()
        print(f"created team database {args.database}", file=sys.stderr)
    elif args.action in ("add-coder", "add-reviewer"):
        password = _new_password(args.role)
        with team.open_server_project(args.url) as project:
            added = team_access.add_login(
                project,
                args.role,
                password,
                reviewer=args.action == "add-reviewer",
                name=args.name if args.action == "add-coder" else None,
            )
        print(f"{args.role}: coder id {added}")
    elif args.action == "remove":
        with team.open_server_project(args.url) as project:
            team_access.remove_login(project, args.role)
        print(
            f"{args.role} removed: no login, open sessions ended; the work stays", file=sys.stderr
        )
    elif args.action == "blind":
        with team.open_server_project(args.url) as project:
            team_access.set_blind(project, args.state == "on")
        print(f"blind mode {args.state}", file=sys.stderr)
    elif args.action == "offline":
        with team.open_server_project(args.url) as project:
            coder = team_access.login_coder(project)
            if coder is None:
                raise InputError("this login is not a coder of the team")
            path = team.take_offline_copy(project, coder, args.output)
        print(f"offline copy written to {path}; open it with --project {path}", file=sys.stderr)
    else:
        with team.open_server_project(args.url) as project:
            result = team.sync_offline_copy(project, args.copy)
        print(f"synced {args.copy}: {result.preview.summary()}", file=sys.stderr)
    return 0
