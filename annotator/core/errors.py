"""One error hierarchy whose messages name the file, field or line at fault.

The CLI prints ``str(error)`` as one line on stderr; the GUI shows it in a dialog. Anything that is
not an :class:`AnnotatorError` is a bug and may surface as a traceback.
"""

from __future__ import annotations


class AnnotatorError(Exception):
    """Base of every error a user can cause (bad input, missing file, refused action)."""

    def __init__(self, message: str, *, source: str | None = None, where: str | None = None):
        self.message = message
        self.source = source
        self.where = where
        super().__init__(self.__str__())

    def __str__(self) -> str:
        parts = []
        if self.source:
            parts.append(str(self.source))
        if self.where:
            parts.append(str(self.where))
        prefix = ": ".join(parts)
        return f"{prefix}: {self.message}" if prefix else self.message


class InputError(AnnotatorError):
    """A file or value given by the user cannot be read or is not valid."""


class FormatError(InputError):
    """A file is readable but not in the expected format or version (e.g. an exchange file)."""


class ProjectError(AnnotatorError):
    """A project file cannot be opened, is locked, or is from a newer version."""


class StaleEditError(ProjectError):
    """Undo or redo refused: a row is no longer in the state the edit left (someone changed it)."""


class EditError(AnnotatorError):
    """An edit is refused (e.g. splitting a clause at its edge)."""


class DamagedProjectError(ProjectError):
    """The project file is damaged (corrupt pages, cut short). ``backup``: its newest backup."""

    def __init__(self, message: str, *, source: str | None = None, backup: str | None = None):
        self.backup = backup
        super().__init__(message, source=source)
