"""A tagging worker for the crash test: ``python -m tests.helpers.tag_worker PROJECT CODER``.

It imports the app once and then, for every ``run START`` line on stdin, forks a child that opens
the project and performs actions ``START, START+1, …`` of :func:`actions` through the tagging
service, printing ``ack I`` (flushed) after each service call has returned, i.e. committed. The
test SIGKILLs the child at a random moment; the worker then prints ``exit PID STATUS``. Forking a
warm process keeps each trial at tens of milliseconds instead of a fresh interpreter's second.
"""

from __future__ import annotations

import os
import sys

from annotator.services.project import Project

CATEGORIES = ("security_guarantee", "territorial", "economic", "military_cap")


def actions(clause_ids: list[int]) -> list[tuple[str, int, str | None]]:
    """Only additions on distinct targets, so every acknowledged action is checkable afterwards.

    Every fifth clause is marked "none applies" (a review row); the others get each category once.
    """
    out: list[tuple[str, int, str | None]] = []
    for n, cid in enumerate(sorted(clause_ids)):
        if n % 5 == 4:
            out.append(("none", cid, None))
        else:
            out.extend(("tag", cid, cat) for cat in CATEGORIES)
    return out


def _say(line: str) -> None:
    # One write(2) per line: a pipe write under PIPE_BUF is atomic, so a kill never leaves half a
    # line (print() may split the text and its newline into two writes).
    os.write(1, (line + "\n").encode())


def _child(project_path: str, coder: str, start: int) -> None:
    with Project.open(project_path, create=False, seed_samples=False) as project:
        (doc,) = project.documents()
        todo = actions([c.id for c in project.clauses(doc.key)])
        _say(f"ready {os.getpid()}")
        for i in range(start, len(todo)):
            kind, cid, cat = todo[i]
            if kind == "tag":
                assert cat is not None
                project.toggle_tag(coder, cid, cat)
            else:
                project.mark_none(coder, cid)
            _say(f"ack {i}")
    _say("done")


def main() -> None:
    project_path, coder = sys.argv[1], sys.argv[2]
    _say("warm")
    for line in sys.stdin:
        start = int(line.split()[1])
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                _child(project_path, coder, start)
            except BaseException as exc:  # report, never fall back into the parent's loop
                _say(f"error {type(exc).__name__}: {exc}")
                code = 1
            finally:
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        _say(f"exit {pid} {status}")


if __name__ == "__main__":
    main()
