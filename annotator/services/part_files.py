"""Half-written export files left behind by a killed process.

An export writes ``.<name>.<pid>….part`` beside its target and renames it into place when done;
a SIGKILL leaves the part. The next export to the same target removes parts whose process is gone.
Standard library only: ``annotator merge`` must not load the database layers for this.
"""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path


def sweep_stale_parts(path: Path) -> None:
    """Remove the half-written ``.<name>.<pid>….part`` files an export to ``path`` left when its
    process was killed (POSIX: a part whose process is gone; a live one may still be writing)."""
    if os.name != "posix":
        return
    pattern = re.compile(rf"\.{re.escape(path.name)}\.(\d+)[.-](?:.*\.)?part")
    try:
        names = [entry.name for entry in os.scandir(path.parent)]
    except OSError:
        return
    for name in names:
        found = pattern.fullmatch(name)
        if found and not _running(int(found.group(1))):
            with contextlib.suppress(OSError):
                (path.parent / name).unlink()


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process: alive
        return True
    return True
