"""Team work on a server project: open it, take a coder's work offline, sync it back.

An offline copy is an ordinary SQLite project holding every document, clause and category of the
server and one coder's own work. Syncing it back is the Contract 2 merge (newest ``updated`` wins,
tombstones survive), so it is idempotent: syncing the same copy twice changes nothing the second
time, and a sync never loses what the coder did on the server meanwhile.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from annotator.core.edits import Edit
from annotator.core.errors import ProjectError
from annotator.services.exchange import export_document, export_exchange_dict
from annotator.services.merge import MergePreview, apply_merge, preview_merge_documents
from annotator.services.project import Project
from annotator.storage.connection import DatabaseError
from annotator.storage.db import open_engine
from annotator.storage.server import (
    as_annotator_error,
    create_team,
    display_url,
    open_server_engine,
    retry_transient,
)
from annotator.storage.snapshot import as_one_snapshot

OFFLINE_CODER = "offline.coder"
OFFLINE_SERVER = "offline.server"


@dataclass(frozen=True)
class SyncResult:
    """What a sync wrote to the server (``edit``) and what the merge found (``preview``)."""

    preview: MergePreview
    edit: Edit


def open_server_project(url: str) -> Project:
    """The project database at ``url`` (``postgresql://user@host:port/db``), opened."""
    return Project(open_server_engine(url), None)


def create_team_project(admin_url: str, database: str) -> Project:
    """Create the team's project database (see :func:`create_team`) with the default codebook.

    Returns the project opened as the team owner, ready for ``add_coder_role(project.engine, ...)``.
    """
    project = Project(create_team(admin_url, database), None)
    project._seed_codebook()  # does nothing when the codebook is already there
    return project


def take_offline_copy(server_project: Project, coder_id: str, path: str | os.PathLike[str]) -> Path:
    """Write ``coder_id``'s work and the shared documents to a new SQLite project at ``path``."""
    target = Path(path)
    if target.exists():
        raise ProjectError(
            "an offline copy must go to a new file; this one exists", source=str(target)
        )
    try:
        # One snapshot: documents, clauses and annotations as of a single moment on the server.
        with server_project.engine.connect() as conn:
            document = export_document(as_one_snapshot(conn), coder_id)
    except DatabaseError as exc:
        raise as_annotator_error(exc) from None
    local = Project(open_engine(target), target)
    try:
        preview = preview_merge_documents(local, [document], [_source(server_project)])
        apply_merge(local, preview)
        local.set_setting(OFFLINE_CODER, coder_id)
        local.set_setting(OFFLINE_SERVER, _source(server_project))
    except BaseException:
        local.close()
        target.unlink(missing_ok=True)
        raise
    local.close()
    return target


def sync_offline_copy(server_project: Project, path: str | os.PathLike[str]) -> SyncResult:
    """Merge the offline copy's coder's work (and any clauses they split) into the server.

    One transaction on the server, retried after a serialization failure or a deadlock. The
    codebook stays the server's: coders do not change it, so the copy's categories are ignored.
    """
    source = Path(path)
    incoming = _offline_work(source)

    def attempt() -> SyncResult:
        preview = _preview_sync(server_project, incoming, source)
        return SyncResult(preview, apply_merge(server_project, preview))

    return retry_transient(attempt)


def preview_offline_sync(server_project: Project, path: str | os.PathLike[str]) -> MergePreview:
    """What syncing the offline copy at ``path`` would do, writing nothing (for a preview)."""
    source = Path(path)
    try:
        return _preview_sync(server_project, _offline_work(source), source)
    except DatabaseError as exc:
        raise as_annotator_error(exc) from None


def _offline_work(source: Path) -> dict[str, Any]:
    """The offline coder's work in the copy at ``source``, as a Contract 2 object."""
    with Project(open_engine(source, create=False, read_only=True), source) as local:
        coder_id = local.setting(OFFLINE_CODER)
        if not coder_id:
            raise ProjectError("not an offline copy of a server project", source=str(source))
        return export_exchange_dict(local, coder_id)


def _preview_sync(server_project: Project, incoming: dict[str, Any], source: Path) -> MergePreview:
    preview = preview_merge_documents(server_project, [incoming], [str(source)])
    # The codebook stays the server's: coders do not change it there.
    preview.merged["codebook"] = preview.current["codebook"]
    return preview


def _source(project: Project) -> str:
    if project.path is not None:
        return str(project.path)
    return display_url(project.engine.url)
