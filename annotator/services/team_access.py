"""Reaching a team server: its address, login names, connecting, and the team owner's actions.

The GUI and the CLI use these instead of the storage layer: a password given
here lives only in the URL object built in :meth:`ServerAddress.url`, never in a string.
"""

from __future__ import annotations

from dataclasses import dataclass

from annotator.services.project import Project
from annotator.storage import server
from annotator.storage.login_url import ServerURL, login_url

#: The keyring service name passwords are stored under.
KEYRING_SERVICE = server.KEYRING_SERVICE
DEFAULT_PORT = 5432


def valid_name(text: str) -> bool:
    """Whether ``text`` can be a database or login name (lowercase letters, digits and _)."""
    return bool(server.ROLE_NAME.match(text))


@dataclass(frozen=True)
class ServerAddress:
    """Where a team's project lives and who logs in: everything but the password."""

    host: str
    port: int | None
    database: str
    username: str

    def url(self, password: str | None = None) -> ServerURL:
        """The database URL (with ``password`` only in memory, if given)."""
        return login_url(self.host, self.port, self.database, self.username, password)

    def keyring_key(self) -> str:
        """The keyring entry name; must match ``storage.server._keyring_password``."""
        return f"{self.username}@{self.host}:{self.port or DEFAULT_PORT}/{self.database}"


def connect(address: ServerAddress, password: str | None) -> tuple[Project, str | None]:
    """Open the team's project as ``address.username``: the project and the login's coder id."""
    engine = server.open_server_engine(address.url(password))
    return Project(engine, None), server.coder_id_for_role(engine)


def add_login(
    project: Project, role: str, password: str, *, reviewer: bool = False, name: str | None = None
) -> str:
    """Create a coder's (or the reviewer's) login on the team server; returns the coder id."""
    if reviewer:
        return server.add_reviewer_role(project.engine, role, password)
    return server.add_coder_role(project.engine, role, password, display_name=name)


def remove_login(project: Project, role: str) -> None:
    """Take a coder's or reviewer's access away at once (the team owner only); their work stays."""
    server.remove_login(project.engine, role)


def set_blind(project: Project, on: bool) -> None:
    """Blind mode for the whole team (the team owner only)."""
    server.set_blind(project.engine, on)


def login_coder(project: Project) -> str | None:
    """The coder id of the login ``project`` is open as, or None for the team owner."""
    return server.coder_id_for_role(project.engine)
