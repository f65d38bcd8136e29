"""Argument parsing and error handling shared by every subcommand.

Each subcommand lives in its own module exposing ``register(subparsers)``, which adds a parser whose
``func(args) -> int`` does the work. An :class:`AnnotatorError` becomes one line on stderr and exit
code 2; nothing a user types can produce a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import signal
import sys
import threading
from collections.abc import Iterator
from typing import NoReturn

from annotator import __version__
from annotator.core.errors import AnnotatorError

#: Set to re-raise unexpected errors with their traceback (for bug reports).
DEBUG_ENV = "ANNOTATOR_DEBUG"
# Module names under annotator.cli, in the order --help lists them.
SUBCOMMAND_MODULES = (
    "segment",
    "import_",
    "resegment",
    "export",
    "merge",
    "agreement",
    "compare",
    "codebook",
    "info",
    "remove_plan",
    "coder",
    "team",
)


class _Parser(argparse.ArgumentParser):
    """Usage errors as one line on stderr (exit 2), naming the subcommand and where help is."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser; with ``command`` (a subcommand's name), only that subcommand is registered.

    Importing every subcommand module costs ~0.1 s (numpy for agreement, the readers for import),
    which a short job like ``annotator merge`` would pay for nothing.
    """
    parser = _Parser(
        prog="annotator",
        description="Plan Annotator. With no subcommand, opens the window.",
    )
    parser.add_argument("--version", "-V", action="version", version=f"annotator {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    modules: tuple[str, ...] = SUBCOMMAND_MODULES
    if command is not None and _module_name(command) in SUBCOMMAND_MODULES:
        modules = (_module_name(command),)
    for name in modules:
        try:
            module = importlib.import_module(f"annotator.cli.{name}")
        except ModuleNotFoundError as exc:  # a subcommand not built yet
            if exc.name == f"annotator.cli.{name}":
                continue
            raise
        module.register(subparsers)
    _describe(parser)
    return parser


def _module_name(command: str) -> str:
    return "import_" if command == "import" else command.replace("-", "_")


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
    # The subcommand is the first word that is not an option (the top level has no valued ones).
    first = next((a for a in argv if not a.startswith("-")), None)
    if first is None or any(
        a in ("-h", "--help", "-V", "--version") for a in argv[: argv.index(first)]
    ):
        parser = build_parser()
    else:
        parser = build_parser(first)
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        with _terminate_as_interrupt():
            return int(args.func(args) or 0)
    except AnnotatorError as exc:
        print(f"annotator {args.command}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"annotator {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except OSError as exc:  # a file the command had to read or write: name it, no traceback
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"annotator {args.command}: {where}{exc.strerror or exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # a bug: still one line, and the user can ask for the details
        if os.environ.get(DEBUG_ENV):
            raise
        print(
            f"annotator {args.command}: internal error ({type(exc).__name__}: "
            f"{str(exc).splitlines()[0] if str(exc) else 'no details'}); "
            f"set {DEBUG_ENV}=1 to see the traceback",
            file=sys.stderr,
        )
        return 2


@contextlib.contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM (``kill``, a closing terminal's session) ends a command like Ctrl+C does: the
    transaction rolls back and the project is closed, so its lock file goes too."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def main() -> int:
    return run(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
