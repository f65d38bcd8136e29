"""Plan properties: title, date, proposing party, source, language, stage, the plan it revises.

OK writes everything as one undoable edit (``set_document_properties`` through the workspace).
Dates may be partial, as plans are often known only by month or year: ``YYYY``, ``YYYY-MM`` or
``YYYY-MM-DD``; blank means unknown.
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from annotator.gui.workspace import Workspace
from annotator.services.documents import STAGES, set_document_properties
from annotator.services.types import DocumentData, DocumentMeta, DocumentSummary

if TYPE_CHECKING:
    from annotator.services.project import Project

#: The plan and every plan of the project (:func:`read_properties`).
Properties = tuple[DocumentData, list[DocumentSummary]]

DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def date_problem(text: str) -> str | None:
    """Why ``text`` is not a plan date (``YYYY[-MM[-DD]]`` or blank), or None if it is one."""
    text = text.strip()
    if not text:
        return None
    match = DATE_RE.match(text)
    if match is None:
        return "Write the date as YYYY, YYYY-MM or YYYY-MM-DD, or leave it blank if unknown."
    year, month, day = (int(g) if g else None for g in match.groups())
    try:
        date(year or 1, month or 1, day or 1)  # a real calendar date: no 2025-02-30
    except ValueError:
        return f"{text} is not a date in the calendar."
    return None


class DocumentDialog(QDialog):
    """Edit one plan's title and metadata."""

    def __init__(
        self,
        workspace: Workspace,
        document_key: str,
        parent: QWidget | None = None,
        read: Properties | None = None,
    ):
        """``read``: what :func:`read_properties` read (else it is read here)."""
        super().__init__(parent)
        self.workspace = workspace
        self.document_key = document_key
        self.data, plans = read or read_properties(workspace.project, document_key)
        meta = self.data.meta
        self.setWindowTitle(f"Properties of {self.data.title}")
        self.setObjectName("documentDialog")
        self.setMinimumWidth(480)

        self.title = QLineEdit(self.data.title)
        self.date = QLineEdit(meta.date or "")
        self.date.setPlaceholderText("unknown  (YYYY, YYYY-MM or YYYY-MM-DD)")
        self.party = QLineEdit(meta.party or "")
        self.party.setPlaceholderText("who proposed or wrote it")
        self.source = QLineEdit(meta.source or "")
        self.source.setPlaceholderText("where the text comes from (URL, publication)")
        self.language = QLineEdit(meta.language or "")
        self.language.setPlaceholderText("e.g. en, uk, ru")
        self.stage = QComboBox()
        self.stage.setEditable(True)
        self.stage.addItem("")
        self.stage.addItems(list(STAGES))
        self.stage.setCurrentText(meta.stage or "")
        self.revises = QComboBox()
        self.revises.addItem("(none)", None)
        for doc in plans:
            if doc.key != document_key:
                self.revises.addItem(doc.title, doc.key)
        self.revises.setCurrentIndex(max(0, self.revises.findData(meta.revises)))
        self.error = QLabel()
        self.error.setObjectName("documentError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020")

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("&Title:", self.title)
        form.addRow("&Date:", self.date)
        form.addRow("Proposed &by:", self.party)
        form.addRow("&Source:", self.source)
        form.addRow("&Language:", self.language)
        form.addRow("St&age:", self.stage)
        form.addRow("&Revises:", self.revises)
        key = QLabel(f"Key {document_key[:16]}…")
        key.setToolTip(document_key)
        key.setEnabled(False)
        form.addRow("", key)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        box = QVBoxLayout(self)
        box.addLayout(form)
        box.addWidget(self.error)
        box.addWidget(self.buttons)
        self.date.textChanged.connect(self._validate)
        self.title.textChanged.connect(self._validate)
        self._validate()

    def meta(self) -> DocumentMeta:
        """The metadata as the form shows it now."""
        return DocumentMeta(
            date=self.date.text().strip() or None,
            party=self.party.text().strip() or None,
            source=self.source.text().strip() or None,
            language=self.language.text().strip() or None,
            stage=self.stage.currentText().strip() or None,
            revises=self.revises.currentData(),
        )

    def _problem(self) -> str | None:
        if not self.title.text().strip():
            return "A plan needs a title."
        return date_problem(self.date.text())

    def _validate(self) -> None:
        problem = self._problem()
        self.error.setText(problem or "")
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(problem is None)

    def accept(self) -> None:
        """Write the changes as one edit; stay open and say why if the service refuses."""
        problem = self._problem()
        if problem is not None:
            self.error.setText(problem)
            return
        title, meta = self.title.text().strip(), self.meta()
        if title == self.data.title and meta == self.data.meta:
            super().accept()  # nothing changed: no empty entry on the undo stack
            return
        if self.workspace.background:
            self._save_in_background(title, meta)
            return
        messages: list[str] = []
        edit = self.workspace.ops.edit(
            lambda: set_document_properties(
                self.workspace.project, self.document_key, title=title, meta=meta
            ),
            on_failed=messages.append,  # shown in the dialog, which stays open
        )
        if edit is None:
            self.error.setText(messages[-1] if messages else "The plan could not be changed.")
            return
        super().accept()

    def _save_in_background(self, title: str, meta: DocumentMeta) -> None:
        """A team server: the dialog stays open saying so, and closes once the edit committed;
        a refusal is shown in it (or in a message if it was closed meanwhile)."""
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(False)
        self.error.setText("Saving…")

        def failed(message: str) -> None:
            if self.isVisible():
                self.error.setText(message)
                ok.setEnabled(True)
            else:
                self.workspace.ops.report("Not saved", message)

        self.workspace.edit(
            lambda: set_document_properties(
                self.workspace.project, self.document_key, title=title, meta=meta
            ),
            what=f"the properties of \u201c{title}\u201d",
            on_done=lambda _edit: QDialog.accept(self),
            on_failed=failed,
            owner=self,
        )


def read_properties(project: Project, document_key: str) -> Properties:
    """What the dialog shows: the plan, and every plan (the ones it may revise)."""
    return project.document(document_key), project.documents()


def edit_document_properties(
    workspace: Workspace, document_key: str, parent: QWidget | None = None
) -> None:
    """Read the plan's properties through :meth:`Workspace.read` (at once locally, off the UI
    thread on a team server, a failure one message), then show the dialog window-modal; returns
    at once (no nested event loop)."""
    from annotator.gui.modal import open_modal

    project = workspace.project

    def show(read: Properties) -> None:
        if workspace.ops.workspace is workspace:  # not another project meanwhile
            open_modal(DocumentDialog(workspace, document_key, parent, read))

    if workspace.background:
        workspace.ops.said.emit("Reading the plan's properties…")
    workspace.read(
        lambda: read_properties(project, document_key),
        show,
        title="Cannot open the plan's properties",
    )
