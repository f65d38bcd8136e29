"""Options and helpers shared by subcommands."""

from __future__ import annotations

import argparse
import sys

from annotator.services.paths import ENV_PROJECT


def add_project_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--project",
        metavar="P",
        help=f"project file (default: ${ENV_PROJECT}, else the default project in the data folder)",
    )


def progress_printer(label: str) -> object:
    """A progress callback that draws on stderr only when it is a terminal."""
    if not sys.stderr.isatty():
        return None

    def report(done: int, total: int) -> None:
        if total:
            print(f"\r{label}: {done * 100 // total:3d}%", end="", file=sys.stderr, flush=True)
            if done >= total:
                print(file=sys.stderr)

    return report


def kind_of(path: str) -> str:
    """What the file is, by its content (see :func:`annotator.core.sniff.sniff`)."""
    from annotator.core.sniff import sniff

    return sniff(path)
