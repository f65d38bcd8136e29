"""Where projects live: ``--project PATH``, else ``$ANNOTATOR_PROJECT``, else the data folder."""

from __future__ import annotations

import os
from pathlib import Path

ENV_PROJECT = "ANNOTATOR_PROJECT"
APP_NAME = "plan-annotator"


def data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def default_project_path() -> Path:
    return data_dir() / "default.annotator.sqlite"


def resolve_project(path: str | os.PathLike[str] | None) -> Path:
    if path:
        return Path(path).expanduser()
    env = os.environ.get(ENV_PROJECT)
    if env:
        return Path(env).expanduser()
    return default_project_path()
