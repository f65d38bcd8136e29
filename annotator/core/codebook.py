"""Codebook: the categories a coder applies, with their coding rules, colours and shortcut keys.

A category's identity is its ``key`` (lowercase snake case). Names, descriptions and colours may be
edited freely; annotations refer to the key only.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from importlib import resources
from typing import Any

from annotator.core.errors import FormatError

KEY_RE = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")
COLOR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
SHORTCUTS = tuple("123456789")


@dataclass(frozen=True)
class Category:
    """One code of the codebook."""

    key: str
    name: str
    description: str = ""
    color: str = "#808080"
    parent: str | None = None
    shortcut: str | None = None
    retired: bool = False
    position: int = 0
    extra: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def to_exchange(self) -> dict[str, Any]:
        """The category as Contract 2 writes it (plus optional fields this tool adds)."""
        out: dict[str, Any] = {
            "key": self.key,
            "name": self.name,
            "description": self.description,
            "color": self.color,
            "parent": self.parent,
        }
        return out

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("extra")
        return data


def slugify(name: str) -> str:
    """A category key from a display name: ``"NATO / alliances"`` -> ``"nato_alliances"``."""
    slug = re.sub(r"[^0-9a-z]+", "_", name.strip().lower()).strip("_")
    return slug or "category"


def category_from_json(data: Any, *, source: str, where: str) -> Category:
    """Read one category object, raising :class:`FormatError` that names ``where`` on a bad field."""
    if not isinstance(data, dict):
        raise FormatError("a category must be an object", source=source, where=where)
    key = data.get("key")
    name = data.get("name")
    if not isinstance(key, str) or not KEY_RE.match(key):
        raise FormatError(f"bad category key {key!r}", source=source, where=f"{where}.key")
    if not isinstance(name, str) or not name.strip():
        raise FormatError("a category needs a name", source=source, where=f"{where}.name")
    color = data.get("color") or "#808080"
    if not isinstance(color, str) or not COLOR_RE.match(color):
        raise FormatError(f"bad colour {color!r}", source=source, where=f"{where}.color")
    parent = data.get("parent")
    if parent is not None and not isinstance(parent, str):
        raise FormatError("parent must be a key or null", source=source, where=f"{where}.parent")
    shortcut = data.get("shortcut")
    if shortcut is not None and shortcut not in SHORTCUTS:
        raise FormatError(
            f"shortcut must be one of 1-9, not {shortcut!r}", source=source, where=f"{where}.shortcut"
        )
    description = data.get("description") or ""
    if not isinstance(description, str):
        raise FormatError("description must be text", source=source, where=f"{where}.description")
    return Category(
        key=key,
        name=name.strip(),
        description=description,
        color=color.lower(),
        parent=parent,
        shortcut=shortcut,
        retired=bool(data.get("retired", False)),
        position=int(data.get("position", 0) or 0),
    )


def codebook_from_json(data: Any, *, source: str = "codebook") -> list[Category]:
    """Categories from a ``plan-codebook`` JSON object (or a bare list of categories)."""
    items = data.get("categories") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise FormatError("expected a list of categories", source=source, where="$.categories")
    categories = []
    seen: set[str] = set()
    for i, item in enumerate(items):
        cat = category_from_json(item, source=source, where=f"$.categories[{i}]")
        if cat.key in seen:
            raise FormatError(f"duplicate key {cat.key!r}", source=source, where=f"$.categories[{i}]")
        seen.add(cat.key)
        if not item.get("position"):
            cat = Category(**{**cat.to_json(), "position": i})
        categories.append(cat)
    for i, cat in enumerate(categories):
        if cat.parent is not None and cat.parent not in seen:
            raise FormatError(
                f"parent {cat.parent!r} is not in the codebook",
                source=source,
                where=f"$.categories[{i}].parent",
            )
    return categories


def codebook_to_json(categories: list[Category]) -> dict[str, Any]:
    return {
        "format": "plan-codebook",
        "version": 1,
        "categories": [c.to_json() for c in sorted(categories, key=lambda c: (c.position, c.key))],
    }


def default_codebook() -> list[Category]:
    """The four categories every new project starts with (resources/codebook.json)."""
    text = resources.files("annotator.resources").joinpath("codebook.json").read_text("utf-8")
    return codebook_from_json(json.loads(text), source="resources/codebook.json")
