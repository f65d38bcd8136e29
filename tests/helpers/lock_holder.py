"""Hold a project lock until killed or stdin closes: ``python -m tests.helpers.lock_holder P``.

Prints ``locked <pid>`` once the lock is held, so the test knows when to try a second lock.
"""

from __future__ import annotations

import os
import sys

from annotator.storage.lock import acquire_project_lock


def main() -> None:
    lock = acquire_project_lock(sys.argv[1])
    print(f"locked {os.getpid()}", flush=True)
    sys.stdin.read()  # returns when the parent closes our stdin
    lock.release()
    print("released", flush=True)


if __name__ == "__main__":
    main()
