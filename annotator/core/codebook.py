"""Codebook: the categories a coder applies, with their coding rules, colours and shortcut keys.

A category's identity is its ``key`` (lowercase snake case). Names, descriptions and colours may be
edited freely; annotations refer to the key only.
"""

from __future__ import annotations

import json
import re
import unicodedata
import uuid
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from importlib import resources
from typing import Any

from annotator.core.errors import FormatError

KEY_RE = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")
COLOR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
SHORTCUTS = tuple("123456789")
DEFAULT_COLOR = "#808080"

# Fixed namespace for the GUIDs this tool gives its categories, coders and sources in REFI-QDA
# files: the same key always yields the same GUID, so re-exports do not look like new codes.
GUID_NAMESPACE = uuid.UUID("6f3c1d0e-5b7a-5c42-9e1f-2a8d4b6c0e17")


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
    codable: bool = True  # False: a group of codes (REFI-QDA isCodable="false"), never applied
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
        if self.retired:
            out["retired"] = True
        if not self.codable:
            out["codable"] = False
        return out

    def to_json(self) -> dict[str, Any]:
        """Every field (the ``plan-codebook`` file form)."""
        data = asdict(self)
        data.pop("extra")
        return data


# Cyrillic letters as Latin (Ukrainian romanisation, with the Russian extras), so that a code named
# in Ukrainian gets a readable key ("Гарантії безпеки" -> "harantii_bezpeky"), not "category_7".
_LATIN = "a b v h g d e ie zh z y i i i k l m n o p r s t u f kh ts ch sh shch - iu ia y e e - - -"
_CYRILLIC = str.maketrans(
    {
        letter: "" if latin == "-" else latin
        for letter, latin in zip(
            "абвгґдеєжзиіїйклмнопрстуфхцчшщьюяыэёъ'’", _LATIN.split(), strict=True
        )
    }
)


def slugify(name: str) -> str:
    """A category key from a display name: ``"NATO / alliances"`` -> ``"nato_alliances"``;
    accents are dropped (``"Café"`` -> ``"cafe"``) and Cyrillic is romanised."""
    text = name.strip().lower().translate(_CYRILLIC)
    text = "".join(
        ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
    )
    slug = re.sub(r"[^0-9a-z]+", "_", text).strip("_")
    return slug or "category"


def unique_key(name: str, taken: set[str]) -> str:
    """``slugify(name)``, suffixed ``_2``, ``_3`` ... until it is not in ``taken`` (then added)."""
    base = slugify(name)
    key, n = base, 1
    while key in taken:
        n += 1
        key = f"{base}_{n}"
    taken.add(key)
    return key


def category_guid(key: str) -> str:
    """The stable REFI-QDA GUID of the category ``key`` (UUID 5 in :data:`GUID_NAMESPACE`)."""
    return str(uuid.uuid5(GUID_NAMESPACE, f"category:{key}"))


def tree_order(categories: Iterable[Category]) -> list[tuple[int, Category]]:
    """Categories depth first (parents before children, siblings by position), with their depth.

    A category whose parent is unknown is treated as a top-level one.
    """
    cats = sorted(categories, key=lambda c: (c.position, c.key))
    keys = {c.key for c in cats}
    children: dict[str | None, list[Category]] = {}
    for cat in cats:
        parent = cat.parent if cat.parent in keys and cat.parent != cat.key else None
        children.setdefault(parent, []).append(cat)
    out: list[tuple[int, Category]] = []
    seen: set[str] = set()
    stack = [(0, c) for c in reversed(children.get(None, []))]
    while stack:
        depth, cat = stack.pop()
        if cat.key in seen:
            continue
        seen.add(cat.key)
        out.append((depth, cat))
        stack.extend((depth + 1, c) for c in reversed(children.get(cat.key, [])))
    # Members of a parent cycle are unreachable from the roots: list them flat, never drop them.
    out.extend((0, c) for c in cats if c.key not in seen)
    return out


def category_from_json(data: Any, *, source: str, where: str) -> Category:
    """Read one category object; a bad field raises :class:`FormatError` naming ``where``."""
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
            f"shortcut must be one of 1-9, not {shortcut!r}",
            source=source,
            where=f"{where}.shortcut",
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
        codable=data.get("codable", True) is not False,
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
            raise FormatError(
                f"duplicate key {cat.key!r}", source=source, where=f"$.categories[{i}]"
            )
        seen.add(cat.key)
        if not item.get("position"):
            cat = Category(**{**cat.to_json(), "position": i})
        categories.append(cat)
    parents = {c.key: c.parent for c in categories}
    for i, cat in enumerate(categories):
        if cat.parent is not None and cat.parent not in seen:
            raise FormatError(
                f"parent {cat.parent!r} is not in the codebook",
                source=source,
                where=f"$.categories[{i}].parent",
            )
        # Walk up the parents: a cycle would make the hierarchy unrenderable.
        node, steps = cat.parent, 0
        while node is not None:
            steps += 1
            if node == cat.key or steps > len(categories):
                raise FormatError(
                    f"category {cat.key!r} is its own ancestor",
                    source=source,
                    where=f"$.categories[{i}].parent",
                )
            node = parents.get(node)
    return categories


def codebook_to_json(categories: list[Category]) -> dict[str, Any]:
    """A ``plan-codebook`` JSON object, categories ordered by position then key."""
    return {
        "format": "plan-codebook",
        "version": 1,
        "categories": [c.to_json() for c in sorted(categories, key=lambda c: (c.position, c.key))],
    }


def default_codebook() -> list[Category]:
    """The four categories every new project starts with (resources/codebook.json)."""
    text = resources.files("annotator.resources").joinpath("codebook.json").read_text("utf-8")
    return codebook_from_json(json.loads(text), source="resources/codebook.json")
