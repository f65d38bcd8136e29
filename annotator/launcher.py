"""The ``annotator`` entry point: a subcommand runs headless, anything else opens the window.

Kept tiny and import-light: the GUI path must not pay for the CLI's imports, and vice versa. The
window's own arguments are parsed here, before Qt is imported, so a mistyped command or flag is a
one-line usage error (exit 2) and never starts the GUI.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import NoReturn

SUBCOMMANDS = frozenset(
    {
        "segment",
        "import",
        "resegment",
        "export",
        "merge",
        "agreement",
        "compare",
        "codebook",
        "info",
        "coder",
        "remove-plan",
        "team",
    }
)
SMOKE_ENV = "ANNOTATOR_SMOKE_TEST"
# Qt's own command-line options (QGuiApplication/QApplication), passed through to Qt.
QT_OPTIONS_WITH_VALUE = frozenset(
    {
        "-platform",
        "-platformpluginpath",
        "-platformtheme",
        "-plugin",
        "-qwindowgeometry",
        "-qwindowicon",
        "-qwindowtitle",
        "-style",
        "-stylesheet",
        "-session",
        "-display",
        "-geometry",
        "-name",
        "-title",
        "-qmljsdebugger",
    }
)
QT_FLAGS = frozenset({"-reverse", "-widgetcount", "-nograb", "-dograb", "-sync", "-visual"})


class UsageError(Exception):
    """The command line asks for something that does not exist."""


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    first = next((a for a in args if not a.startswith("-")), None)
    if first in SUBCOMMANDS or any(a in ("-h", "--help", "--version", "-V") for a in args):
        from annotator.cli.main import run

        return run(args)
    return gui_main(args)


def gui_main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        parse_gui_args(args)
        _check_display(args)
    except UsageError as exc:
        print(f"annotator: {exc}", file=sys.stderr)
        return 2
    from annotator.gui.app import run_gui

    return run_gui(args)


class _GuiParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see annotator --help)")


def parse_gui_args(argv: list[str]) -> argparse.Namespace:
    """The window's arguments; ``qt_args`` holds Qt's own options. Raises :class:`UsageError`.

    A positional argument is a file to import. A bare word that is neither a command nor an
    existing file (``annotator frobnicate``) is a mistyped command, not a file to import.
    """
    parser = _GuiParser(prog="annotator", description="Open the Plan Annotator window.")
    parser.add_argument(
        "--project", metavar="PATH", help="project file (default: your data folder)"
    )
    parser.add_argument("--coder", metavar="NAME", help="code as NAME (created if new)")
    parser.add_argument(
        "--smoke-test",
        action="store_true",
        help="quit (exit 0) as soon as the project is shown: for packaging checks",
    )
    parser.add_argument(
        "files",
        nargs="*",
        metavar="FILE",
        help="plan files to import; annotation files (.json) and .qdpx to merge",
    )
    own, qt_args = _split_qt_args(argv)
    args = parser.parse_args(own)
    for name in args.files:
        if name in SUBCOMMANDS:  # e.g. `annotator --project p.sqlite info`
            raise UsageError(
                f"the command comes first: annotator {name} … (see annotator {name} --help)"
            )
        if not Path(name).suffix and os.sep not in name and not Path(name).exists():
            commands = ", ".join(sorted(SUBCOMMANDS))
            raise UsageError(f"unknown command '{name}' (commands: {commands}; see --help)")
    args.qt_args = qt_args  # e.g. -style Fusion, -platform offscreen
    args.smoke_test = args.smoke_test or os.environ.get(SMOKE_ENV, "") not in ("", "0")
    return args


def _split_qt_args(argv: list[str]) -> tuple[list[str], list[str]]:
    own: list[str] = []
    qt: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        name = arg.split("=", 1)[0]
        if name in QT_OPTIONS_WITH_VALUE:
            take = 1 if "=" in arg or i + 1 >= len(argv) else 2
            qt.extend(argv[i : i + take])
            i += take
            continue
        if arg in QT_FLAGS:
            qt.append(arg)
        elif arg.startswith("-") and not arg.startswith("--") and arg != "-":
            raise UsageError(f"unrecognized option {arg} (see annotator --help)")
        else:
            own.append(arg)
        i += 1
    return own, qt


def _check_display(argv: list[str]) -> None:
    """Without a display Qt aborts the process (SIGABRT); say so in one line instead."""
    if not sys.platform.startswith("linux"):
        return
    if any(os.environ.get(v) for v in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")):
        return
    if "-platform" in argv or any(a.startswith("-platform=") for a in argv):
        return
    raise UsageError(
        "no display to open the window on (DISPLAY is not set); "
        "the subcommands work without one, see annotator --help"
    )


if __name__ == "__main__":
    sys.exit(main())
