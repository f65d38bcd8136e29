"""Parts of the agreement window: what it reads as it opens, and its list of disagreements."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidgetItem

from annotator.core.agreement.confusion import Confusion

if TYPE_CHECKING:
    from annotator.services.project import Project
    from annotator.services.types import CoderInfo, DocumentSummary

#: The plans, every coder and whether blind mode is on: what the window reads as it opens.
Filters = tuple[list["DocumentSummary"], list["CoderInfo"], bool]


def read_filters(project: Project) -> Filters:
    from annotator.services.review import blind_mode

    return project.documents(), project.coders(), blind_mode(project)


def disagreement_items(
    exchange: dict[str, Any], conf: Confusion, document: str | None, name_a: str, name_b: str
) -> list[QListWidgetItem]:
    """ "[label]  first ten words  (only Olena)" for each disagreement of ``conf``; the plan's
    title first when every plan is shown (``document`` None). Each item carries (plan, start,
    end) and has the clause's whole text as its tooltip."""
    texts = {d["key"]: d.get("text", "") for d in exchange.get("documents", [])}
    titles = {d["key"]: d.get("title") or d["key"][:8] for d in exchange.get("documents", [])}
    items = []
    for d in conf.disagreements:
        all_words = texts.get(d.document, "")[d.start : d.end].split()
        words = " ".join(all_words[:10]) + ("…" if len(all_words) > 10 else "")
        who = name_a if d.a_present else name_b
        label = d.label or f"{d.start}–{d.end}"
        prefix = "" if document else f"{titles.get(d.document, '')} "
        entry = QListWidgetItem(f"{prefix}[{label}]  {words}  (only {who})")
        entry.setData(Qt.ItemDataRole.UserRole, (d.document, d.start, d.end))
        entry.setToolTip(texts.get(d.document, "")[d.start : d.end])
        items.append(entry)
    return items
