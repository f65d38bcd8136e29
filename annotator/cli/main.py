"""Argument parsing and error handling shared by every subcommand.

Each subcommand lives in its own module exposing ``register(subparsers)``, which adds a parser whose
``func(args) -> int`` does the work. An :class:`AnnotatorError` becomes one line on stderr and exit
code 2; nothing a user types can produce a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from annotator import __version__
from annotator.core.errors import AnnotatorError

# Module names under annotator.cli, in the order --help lists them.
SUBCOMMAND_MODULES = (
    "segment",
    "import_",
    "export",
    "merge",
    "agreement",
    "compare",
    "codebook",
    "info",
    "coder",
    "team",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="annotator",
        description="Plan Annotator. With no subcommand, opens the window.",
    )
    parser.add_argument("--version", "-V", action="version", version=f"annotator {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in SUBCOMMAND_MODULES:
        try:
            module = importlib.import_module(f"annotator.cli.{name}")
        except ModuleNotFoundError as exc:  # a subcommand not built yet
            if exc.name == f"annotator.cli.{name}":
                continue
            raise
        module.register(subparsers)
    _describe(parser)
    return parser


def _describe(parser: argparse.ArgumentParser) -> None:
    """Give every sub-parser without a description its one-line help, as a sentence."""
    for action in parser._actions:
        if not isinstance(action, argparse._SubParsersAction):
            continue
        helps = {a.dest: a.help for a in action._choices_actions}
        for name, sub in action.choices.items():
            text = helps.get(name)
            if not sub.description and text:
                sub.description = text[0].upper() + text[1:] + "."
            _describe(sub)


def run(argv: list[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        return int(args.func(args) or 0)
    except AnnotatorError as exc:
        print(f"annotator {args.command}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"annotator {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


def main() -> int:
    return run(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
