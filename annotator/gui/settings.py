"""Per-user GUI state in QSettings: the coder, last document and clause per project, the layout.

Project-specific keys live under a group derived from the project's resolved path, so two
projects never share a coder or a reading position.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from PySide6.QtCore import QByteArray, QCoreApplication, QSettings, QTimer


def project_group(path: Path | str | None) -> str:
    """The settings group of the project at ``path`` (stable, filesystem-safe)."""
    resolved = str(Path(path).expanduser().resolve()) if path else "<default>"
    return "projects/" + hashlib.sha1(resolved.encode("utf-8")).hexdigest()[:16]


class ProjectSettings:
    """Typed access to one project's GUI settings."""

    def __init__(self, path: Path | str | None):
        self.group = project_group(path)
        self.path = str(path) if path else ""

    def _get(self, name: str) -> str | None:
        key = f"{self.group}/{name}"
        value = _PENDING[key] if key in _PENDING else QSettings().value(key)
        return str(value) if value not in (None, "") else None

    def _set(self, name: str, value: str | None) -> None:
        settings = QSettings()
        settings.setValue(f"{self.group}/path", self.path)
        if value is None:
            settings.remove(f"{self.group}/{name}")
        else:
            settings.setValue(f"{self.group}/{name}", value)

    @property
    def coder_id(self) -> str | None:
        return self._get("coder")

    @coder_id.setter
    def coder_id(self, value: str | None) -> None:
        self._set("coder", value)

    @property
    def document_key(self) -> str | None:
        return self._get("document")

    @document_key.setter
    def document_key(self, value: str | None) -> None:
        self._set("document", value)

    def clause_id(self, document_key: str) -> int | None:
        """The clause last current in ``document_key``."""
        value = self._get(f"clause/{document_key}")
        try:
            return int(value) if value is not None else None
        except ValueError:
            return None

    def set_clause_id(self, document_key: str, clause_id: int | None) -> None:
        """Remember the current clause; written a moment later (it changes on every key)."""
        _PENDING[f"{self.group}/path"] = self.path
        _PENDING[f"{self.group}/clause/{document_key}"] = (
            None if clause_id is None else str(clause_id)
        )
        _schedule_flush()


# The reading position changes on every arrow key; writing it through QSettings at once rewrote
# the settings file inside the key's frame (20 ms on a busy disk). Pending values are read back
# from here, and written after a pause, when the application quits, or on flush_settings().
_PENDING: dict[str, str | None] = {}
_FLUSH_AFTER_MS = 500
_flush_scheduled = False


def flush_settings() -> None:
    """Write the pending reading positions to QSettings now."""
    global _flush_scheduled
    _flush_scheduled = False
    if not _PENDING:
        return
    settings = QSettings()
    for key, value in _PENDING.items():
        if value is None:
            settings.remove(key)
        else:
            settings.setValue(key, value)
    _PENDING.clear()


def _schedule_flush() -> None:
    global _flush_scheduled
    app = QCoreApplication.instance()
    if app is None:  # no event loop to wait for: write at once
        flush_settings()
        return
    if not _flush_scheduled:
        _flush_scheduled = True
        QTimer.singleShot(_FLUSH_AFTER_MS, flush_settings)
        if not app.property("annotator_flushes_settings"):
            app.setProperty("annotator_flushes_settings", True)
            app.aboutToQuit.connect(flush_settings)


def load_bytes(key: str) -> QByteArray | None:
    """A saved QByteArray (geometry, dock state), or None."""
    value = QSettings().value(key)
    return value if isinstance(value, QByteArray) and not value.isEmpty() else None


def save_bytes(key: str, value: QByteArray) -> None:
    QSettings().setValue(key, value)


# -- recently opened projects ------------------------------------------------------------------

RECENT_KEY = "recent/projects"
RECENT_LIMIT = 8


def _resolved(path: Path | str) -> str:
    return str(Path(path).expanduser().resolve())


def recent_projects() -> list[str]:
    """Project files opened lately, most recent first (at most :data:`RECENT_LIMIT`)."""
    value = QSettings().value(RECENT_KEY)
    # QSettings gives back a str for a one-item list in INI files, a list otherwise.
    items = [value] if isinstance(value, str) else list(value or [])
    return [str(p) for p in items if p][:RECENT_LIMIT]


def _store_recent(paths: list[str]) -> None:
    settings = QSettings()
    if paths:
        settings.setValue(RECENT_KEY, paths[:RECENT_LIMIT])
    else:
        settings.remove(RECENT_KEY)


def remember_project(path: Path | str) -> list[str]:
    """Put ``path`` first in the recent list (once); returns the new list."""
    resolved = _resolved(path)
    paths = [resolved] + [p for p in recent_projects() if p != resolved]
    _store_recent(paths)
    return paths[:RECENT_LIMIT]


def forget_project(path: Path | str) -> None:
    """Drop ``path`` from the recent list."""
    resolved = _resolved(path)
    _store_recent([p for p in recent_projects() if p != resolved])


def clear_recent_projects() -> None:
    _store_recent([])
