"""Back up an open project: a consistent copy of its file, safe while coding goes on."""

from __future__ import annotations

from pathlib import Path

from annotator.core.errors import ProjectError
from annotator.services.project import Project
from annotator.storage.db import backup_sqlite


def backup_project(project: Project, target: str | Path) -> Path:
    """Copy ``project`` to ``target`` (the SQLite backup API); returns the path written.

    Refuses a project on a team server (it has no file) and the project's own file as target.
    """
    if project.path is None:
        raise ProjectError("a project on a team server has no file to back up")
    source, out = Path(project.path), Path(target)
    if out.resolve() == source.resolve():
        raise ProjectError("choose another file than the project itself", source=str(out))
    backup_sqlite(source, out)
    return out
