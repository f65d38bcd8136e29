"""REFI-QDA projects (.qdpx) into a project, through the same merge as exchange files."""

from __future__ import annotations

import os

from annotator.services.exchange import MergePlan, plan_merge_documents
from annotator.services.project import Project


def plan_qdpx_merge(project: Project, path: str | os.PathLike[str]) -> MergePlan:
    """Read a .qdpx safely, convert it to Contract 2 and plan its merge into ``project``."""
    from annotator.core.exchange import validate_exchange
    from annotator.core.refi import import_qdpx

    known = [c.key for c in project.categories(include_retired=True)]
    doc = import_qdpx(str(path), known_keys=known)
    doc = validate_exchange(doc, str(path))
    return plan_merge_documents(project, [doc], [str(path)])
