"""Handles on the project's tables, for the queries in storage and the services that compose them.

They are the :data:`annotator.storage.models.TABLES` entries under short names, so that no service
has to import them from another service module.
"""

from __future__ import annotations

from annotator.storage.models import TABLES

T_CODER = TABLES["coder"]
T_CATEGORY = TABLES["category"]
T_DOCUMENT = TABLES["document"]
T_CLAUSE = TABLES["clause"]
T_ANNOTATION = TABLES["annotation"]
T_REVIEW = TABLES["review"]
T_NOTE = TABLES["clause_note"]
T_SETTING = TABLES["setting"]
T_LINK = TABLES["clause_link"]
T_IDENTITY = TABLES["refi_identity"]

__all__ = [
    "T_ANNOTATION",
    "T_CATEGORY",
    "T_CLAUSE",
    "T_CODER",
    "T_DOCUMENT",
    "T_IDENTITY",
    "T_LINK",
    "T_NOTE",
    "T_REVIEW",
    "T_SETTING",
]
