"""The ``annotator`` entry point: a subcommand runs headless, anything else opens the window.

Kept tiny and import-light: the GUI path must not pay for the CLI's imports, and vice versa.
"""

from __future__ import annotations

import sys

SUBCOMMANDS = frozenset(
    {
        "segment",
        "import",
        "export",
        "merge",
        "agreement",
        "compare",
        "codebook",
        "info",
        "coder",
        "team",
    }
)


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    first = next((a for a in args if not a.startswith("-")), None)
    if first in SUBCOMMANDS or any(a in ("-h", "--help", "--version", "-V") for a in args):
        from annotator.cli.main import run

        return run(args)
    return gui_main(args)


def gui_main(argv: list[str] | None = None) -> int:
    from annotator.gui.app import run_gui

    return run_gui(list(sys.argv[1:] if argv is None else argv))


if __name__ == "__main__":
    sys.exit(main())
