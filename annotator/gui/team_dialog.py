"""Team server dialogs: connect to a server project, take work offline, sync it back.

Passwords are never written anywhere by this module: not to QSettings, not to a file, not in a
URL string. The password typed in :class:`ConnectDialog` goes into an in-memory SQLAlchemy URL
(``storage.server`` takes it only there, or from PGPASSWORD, ~/.pgpass or the keyring); the
dialog remembers host, port, database and user, and — when the optional ``keyring`` package is
importable and the user ticks the box — stores the password in the system keyring, under the key
:func:`annotator.storage.server.server_url` reads it back from.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from annotator.gui.ops import Job, Operations, Progress
from annotator.gui.workspace import Workspace

if TYPE_CHECKING:  # SQLAlchemy and the services load only when a dialog is used
    from annotator.services.merge import MergePreview
    from annotator.services.project import Project
    from annotator.services.team_access import ServerAddress

SETTINGS_GROUP = "team_server"
DEFAULT_PORT = 5432
COPY_FILTER = "Plan Annotator project (*.sqlite *.annotator);;All files (*)"
AskPath = Callable[[QWidget | None], str | None]
#: Shows a sync's preview and calls back with True to apply it.
Preview = Callable[["MergePreview", QWidget | None, Callable[[bool], None]], None]


def keyring_module() -> Any | None:
    """The ``keyring`` package, or None when it is not installed."""
    try:
        import keyring
    except ImportError:
        return None
    return keyring


def keyring_key(address: ServerAddress) -> str:
    """The keyring entry name for ``address`` (see :meth:`ServerAddress.keyring_key`)."""
    return address.keyring_key()


class ConnectDialog(QDialog):
    """Host, port, database, user and password of a team server; Connect opens the project.

    Once it closes Accepted: :attr:`project` is the open project, :attr:`coder_id` the coder row
    of the login (None for the team owner), :meth:`url` the address without its password and
    :meth:`password` what was typed. A failure (unreachable server, wrong password, a schema from
    a newer app) is shown as one line in the dialog, which stays open. Cancel while connecting
    cancels the connection too: a project that opens anyway is closed, never handed on.

    ``ops`` is the runner the connection runs on: the window's, so that closing the dialog never
    waits for a runner of its own (deleting a thread pool blocks until its jobs are done).
    """

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        use_keyring: bool | None = None,
        ops: Operations | None = None,
    ):
        super().__init__(parent)
        self.ops = ops or Operations(self)
        self.job: Job[tuple[Project, str | None]] | None = None  # the connection being made
        self.setObjectName("connectDialog")
        self.setWindowTitle("Connect to team server")
        self.keyring = keyring_module() if use_keyring is not False else None
        self.project: Project | None = None
        self.coder_id: str | None = None

        settings = QSettings()
        self.host = QLineEdit(str(settings.value(f"{SETTINGS_GROUP}/host", "localhost")))
        self.host.setObjectName("host")
        self.port = QSpinBox()
        self.port.setObjectName("port")
        self.port.setRange(1, 65535)
        self.port.setValue(int(str(settings.value(f"{SETTINGS_GROUP}/port", DEFAULT_PORT))))
        self.database = QLineEdit(str(settings.value(f"{SETTINGS_GROUP}/database", "")))
        self.database.setObjectName("database")
        self.database.setPlaceholderText("e.g. peace2026")
        self.user = QLineEdit(str(settings.value(f"{SETTINGS_GROUP}/user", "")))
        self.user.setObjectName("user")
        self.user.setPlaceholderText("your database login, e.g. peace2026_olena")
        self.password_edit = QLineEdit()
        self.password_edit.setObjectName("password")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        if self.keyring is not None:
            self.password_edit.setPlaceholderText("empty: use the one stored in the keyring")
        self.remember = QCheckBox("&Remember the password in the system keyring")
        self.remember.setObjectName("rememberPassword")
        self.remember.setVisible(self.keyring is not None)

        form = QFormLayout()
        form.addRow("&Server:", self.host)
        form.addRow("P&ort:", self.port)
        form.addRow("&Database:", self.database)
        form.addRow("&User:", self.user)
        form.addRow("&Password:", self.password_edit)
        self.error = QLabel("")
        self.error.setObjectName("connectError")
        self.error.setWordWrap(True)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error.setStyleSheet("color: #b3261e;")
        # Room for two lines from the start, so a message never squeezes the fields.
        self.error.setMinimumHeight(2 * self.error.fontMetrics().lineSpacing() + 4)
        self.error.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self._touched = False  # no complaint before the user has typed anything
        self.buttons = QDialogButtonBox(self)
        self.connect_button = self.buttons.addButton(
            "&Connect", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.connect_button.setObjectName("connectButton")
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 12)
        layout.addLayout(form)
        if self.keyring is not None:
            layout.addWidget(self.remember)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        for edit in (self.host, self.database, self.user):
            edit.textChanged.connect(self._typed)
        self.resize(440, self.sizeHint().height())
        self._validate()
        (self.password_edit if self.database.text() else self.database).setFocus()

    # -- values --------------------------------------------------------------------------------

    def problem(self) -> str | None:
        """Why the fields cannot be used yet, or None."""
        from annotator.services.team_access import valid_name

        host = self.host.text().strip()
        if not host or any(c.isspace() for c in host) or "/" in host or "@" in host:
            return "Give the server's host name or address."
        if not valid_name(self.database.text().strip()):
            return "The database name is lowercase letters, digits and _ (as the owner made it)."
        if not valid_name(self.user.text().strip()):
            return "The user is your database login: lowercase letters, digits and _."
        return None

    def _typed(self) -> None:
        self._touched = True
        self._validate()

    def _validate(self) -> None:
        problem = self.problem()
        self.connect_button.setEnabled(problem is None)
        self.error.setText((problem or "") if self._touched else "")

    def url(self) -> ServerAddress:
        """Where to connect and as whom, without the password."""
        from annotator.services.team_access import ServerAddress

        return ServerAddress(
            host=self.host.text().strip(),
            port=self.port.value(),
            database=self.database.text().strip(),
            username=self.user.text().strip(),
        )

    def password(self) -> str:
        return self.password_edit.text()

    # -- connecting ----------------------------------------------------------------------------

    def accept(self) -> None:
        problem = self.problem()
        if problem is not None:
            self.error.setText(problem)
            return
        if self.job is not None and not self.job.done:
            return  # a second Enter while connecting
        url, password = self.url(), self.password()
        self.error.setText("")
        self.connect_button.setEnabled(False)
        job = self.ops.run(
            lambda _p: _open(url, password),
            label=f"Connecting to {url.host}…",
            delay_ms=400,
            parent=self,
            owner=self,  # the dialog gone (cancelled): its callbacks no longer run
            on_done=lambda opened: self._connected(opened, url, password),
            on_failed=self._refused,
            on_cancelled=lambda: self.connect_button.setEnabled(True),
        )
        job.finished.connect(lambda: _close_unwanted(job))  # runs with or without the dialog
        self.job = job

    def reject(self) -> None:
        """Cancel: the connection being made (if any) is cancelled, and the dialog goes."""
        if self.job is not None and not self.job.done:
            self.job.cancel()
        super().reject()

    def _refused(self, message: str) -> None:
        self.error.setText(message)
        self.connect_button.setEnabled(True)
        self.password_edit.setFocus()
        self.password_edit.selectAll()

    def _connected(
        self, opened: tuple[Project, str | None], url: ServerAddress, password: str
    ) -> None:
        self.connect_button.setEnabled(True)
        self.project, self.coder_id = opened
        self._remember(url, password)
        super().accept()

    def _remember(self, url: ServerAddress, password: str) -> None:
        settings = QSettings()
        for name, value in (
            ("host", url.host),
            ("port", url.port),
            ("database", url.database),
            ("user", url.username),
        ):
            settings.setValue(f"{SETTINGS_GROUP}/{name}", value)
        if self.keyring is not None and self.remember.isChecked() and password:
            try:
                from annotator.services.team_access import KEYRING_SERVICE

                self.keyring.set_password(KEYRING_SERVICE, keyring_key(url), password)
            except Exception as exc:  # no usable keyring backend: connected all the same
                self.error.setText(f"connected, but the keyring refused the password: {exc}")


def _close_unwanted(job: Job[tuple[Project, str | None]]) -> None:
    """A connection cancelled but made anyway (connecting reports no progress, so it cannot
    stop halfway): nobody takes the project, so close it here."""
    if job.state == "cancelled" and job.value is not None:
        job.value[0].close()


def _open(address: ServerAddress, password: str) -> tuple[Project, str | None]:
    # In memory only: the password goes into the URL object, never into a string.
    from annotator.services.team_access import connect

    return connect(address, password or None)


def connect_to_team_server(
    parent: QWidget | None,
    answer: Callable[[Project, str | None], object],
    *,
    ops: Operations | None = None,
) -> ConnectDialog:
    """Ask for the server, window-modal, and return at once; once connected the dialog closes and
    ``answer(project, coder id of this login)`` runs (once). Cancelled: nothing runs."""
    from annotator.gui.modal import accepted, open_modal

    dialog = ConnectDialog(parent, ops=ops)

    def closed(code: int) -> None:
        if accepted(code) and dialog.project is not None:
            answer(dialog.project, dialog.coder_id)

    open_modal(dialog, closed)
    return dialog


# -- offline copies ----------------------------------------------------------------------------


def _server_only(workspace: Workspace, what: str) -> bool:
    if workspace.project.path is not None:
        message = f"{what} works on a project opened from a team server"
        workspace.ops.fail(f"Cannot {what.lower()}", message)
        return False
    return True


def _ask_new_copy(parent: QWidget | None) -> str | None:
    name, _ = QFileDialog.getSaveFileName(
        parent,
        "Take offline copy",
        str(Path.home() / "offline-copy.sqlite"),
        COPY_FILTER,
        options=QFileDialog.Option.DontConfirmOverwrite,  # the service refuses existing files
    )
    return name or None


def _ask_copy(parent: QWidget | None) -> str | None:
    name, _ = QFileDialog.getOpenFileName(
        parent, "Sync offline copy", str(Path.home()), COPY_FILTER
    )
    return name or None


def take_offline_copy_dialog(
    workspace: Workspace, parent: QWidget | None = None, *, ask_path: AskPath | None = None
) -> Job[Path] | None:
    """Choose a new file and write the current coder's offline copy there, as a job.

    The job's value is the path written; errors (an existing file, a lost connection) are shown
    by the runner. None if nothing was started.
    """
    if not _server_only(workspace, "Take offline copy"):
        return None
    chosen = (ask_path or _ask_new_copy)(parent)
    if not chosen:
        return None
    from annotator.services.team import take_offline_copy

    project, coder = workspace.project, workspace.coder_id

    def job(_progress: Progress) -> Path:
        return take_offline_copy(project, coder, chosen)

    return workspace.ops.run(
        job, label="Writing the offline copy…", title="Cannot take an offline copy", parent=parent
    )


def _preview(preview: MergePreview, parent: QWidget | None, answer: Callable[[bool], None]) -> None:
    from annotator.gui.merge_preview import MergePreviewDialog

    dialog = MergePreviewDialog(preview, parent)
    dialog.setWindowTitle(f"Sync {Path(preview.sources[0]).name}" if preview.sources else "Sync")
    dialog.apply_button.setText("&Apply sync")
    from annotator.gui.modal import accepted, open_modal

    open_modal(dialog, lambda code: answer(accepted(code)))  # answered once, then deleted


def sync_dialog(
    workspace: Workspace,
    parent: QWidget | None = None,
    *,
    ask_path: AskPath | None = None,
    preview: Preview | None = None,
) -> Job[MergePreview] | None:
    """Choose an offline copy, preview the merge (counts, conflicts), then apply it undoably.

    Comparing runs as a job; the write is ``services.team.sync_offline_copy`` through the runner:
    one server transaction, retried after a deadlock, on the undo stack. Returns the comparing
    job, or None if nothing was started.
    """
    if not _server_only(workspace, "Sync"):
        return None
    chosen = (ask_path or _ask_copy)(parent)
    if not chosen:
        return None
    from annotator.services.team import preview_offline_sync, sync_offline_copy

    project = workspace.project

    def apply(yes: bool) -> None:
        if yes:  # on a team server in the background: the window answers while it saves
            workspace.edit(
                lambda: sync_offline_copy(project, chosen).edit,
                what=f"the sync of {Path(chosen).name}",
                title="Cannot sync",
            )

    return workspace.ops.run(
        lambda _p: preview_offline_sync(project, chosen),
        label="Comparing the offline copy…",
        title="Cannot sync",
        parent=parent,
        on_done=lambda compared: (preview or _preview)(compared, parent, apply),
    )
