"""What the current login may do in a project, with the reason when it may not.

The GUI disables what the role cannot do and shows ``why`` as the tooltip; the database still
refuses on its own (row-level security, privileges), this only keeps the user from trying. On a
team server the answer comes from PostgreSQL's own privilege functions, so it cannot drift from
what the server enforces. A local SQLite project allows everything unless it is open read-only.
Whether a *particular* clause may be split, joined or moved is
:func:`annotator.services.clauses.clause_edit_refusal`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from annotator.services.project import Project
from annotator.storage.connection import DatabaseError
from annotator.storage.roles import login_privileges

ALLOWED_WHY = ""


@dataclass(frozen=True)
class Capability:
    allowed: bool
    why: str = ALLOWED_WHY  # one sentence for a tooltip when not allowed

    def __bool__(self) -> bool:
        return self.allowed


YES = Capability(True)


@dataclass(frozen=True)
class Capabilities:
    """``role`` is "local", "owner", "reviewer", "coder" or "read-only"."""

    role: str
    code: Capability = YES  # tag, mark "none applies", memos, flags (own work)
    edit_clauses: Capability = YES  # split, join, move (clauses no one else has coded)
    link: Capability = YES  # accept, reject, unlink clause links (own decisions)
    switch_blind: Capability = YES
    edit_codebook: Capability = YES
    edit_documents: Capability = YES  # import plans, plan properties
    merge_files: Capability = YES  # merge exchange files into the project (every coder's rows)
    sync: Capability = YES  # sync an offline copy back

    def for_action(self, name: str) -> Capability:
        """The capability a GUI action (by its name in ``annotator.gui.menus``) needs."""
        field = ACTION_NEEDS.get(name, "code" if name.startswith("key") else None)
        return getattr(self, field) if field is not None else YES


# GUI action name -> the capability it needs (actions not listed need nothing but an open project).
ACTION_NEEDS = {
    "import": "edit_documents",
    "properties": "edit_documents",
    "merge": "merge_files",
    "codebook": "edit_codebook",
    "flag": "code",
    "memo": "code",
    "split": "edit_clauses",
    "merge_next": "edit_clauses",
    "move_boundary": "edit_clauses",
    "blind": "switch_blind",
    "sync": "sync",
}


def permissions(project: Project) -> Capabilities:
    """What the login that opened ``project`` may do (one round trip on a server)."""
    names = [f.name for f in fields(Capabilities) if f.name != "role"]
    if project.read_only:
        why = "the project is open read-only (another window has it open)"
        return Capabilities("read-only", **{n: Capability(False, why) for n in names})
    if not project.on_server:
        return Capabilities("local")
    try:
        with project.engine.connect() as conn:
            row = login_privileges(conn)
    except DatabaseError:
        # Cannot ask: offer everything and let the server's refusal speak (it is shown).
        return Capabilities("coder")
    if row["owner"]:
        return Capabilities("owner")
    role = "reviewer" if row["reviewer"] else "coder"
    lead = "only the team owner or a reviewer can"
    owner = "only the team owner can"

    def can(flag: str, why: str) -> Capability:
        return YES if row[flag] else Capability(False, why)

    return Capabilities(
        role,
        code=can("code", "your login may not write annotations on this server"),
        edit_clauses=can("clauses", f"{owner} change clause boundaries here"),
        link=can("link", "your login may not write clause links on this server"),
        switch_blind=can("blind", f"{lead} switch blind mode"),
        edit_codebook=can("codebook", f"{lead} change the codebook"),
        edit_documents=can("documents", f"{lead} add plans or change their properties"),
        merge_files=can("merge", f"{owner} merge files into the team project"),
        sync=can("code", "your login may not write annotations on this server"),
    )
