"""PyInstaller's entry script: the same ``annotator`` command as the pip/pipx install."""

import multiprocessing
import sys

from annotator.launcher import main

if __name__ == "__main__":
    # A frozen program that ever starts worker processes must call this first (no-op otherwise).
    multiprocessing.freeze_support()
    sys.exit(main())
