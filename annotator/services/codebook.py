"""Codebook edits: add, rename, recolour, describe, nest, reorder, shortcut keys, retire.

Categories are never deleted: a retired category disappears from the palette but keeps its
annotations, so no coder's work is lost by tidying the codebook.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from annotator.core import clock
from annotator.core.codebook import (
    COLOR_RE,
    SHORTCUTS,
    Category,
    codebook_from_json,
    codebook_to_json,
    slugify,
)
from annotator.core.edits import Edit
from annotator.core.errors import EditError, InputError
from annotator.services.project import Project
from annotator.services.unit_of_work import unit_of_work
from annotator.storage import queries
from annotator.storage.codebook_rows import category_rows
from annotator.storage.connection import Connection
from annotator.storage.rows import Recorder, read_row

PALETTE = ("#2f6fb0", "#b5572a", "#3d8b47", "#8a3fa0", "#b08a1e", "#1e8a8a", "#a03f5f", "#5f6f2f")
EDITABLE = {"name", "description", "color", "parent", "shortcut", "retired", "position"}


@unit_of_work
def add_category(
    project: Project,
    name: str,
    *,
    description: str = "",
    color: str | None = None,
    parent: str | None = None,
    shortcut: str | None = None,
) -> tuple[Edit, str]:
    """Add a category; returns the edit and the new key (derived from the name, made unique)."""
    name = name.strip()
    if not name:
        raise EditError("a category needs a name")
    with project.engine.begin() as conn:
        rows = category_rows(conn)
        keys = {r["key"] for r in rows}
        key = base = slugify(name)
        n = 2
        while key in keys:
            key, n = f"{base}_{n}", n + 1
        if parent is not None and parent not in keys:
            raise EditError(f"no parent category {parent!r}")
        color = color or PALETTE[len(rows) % len(PALETTE)]
        if not COLOR_RE.match(color):
            raise EditError(f"not a colour: {color!r}")
        if shortcut is None:
            used = {r["shortcut"] for r in rows if not r["retired"]}
            shortcut = next((s for s in SHORTCUTS if s not in used), None)
        rec = Recorder(conn)
        _free_shortcut(conn, rec, rows, shortcut, key)
        cat = Category(key, name, description, color.lower(), parent, shortcut, False, len(rows))
        rec.put("category", (key,), queries.category_row(cat, clock.now()))
        return Edit(f"Add category {name}", tuple(rec.changes)), key


def _free_shortcut(
    conn: Connection, rec: Recorder, rows: list[dict[str, Any]], shortcut: str | None, owner: str
) -> None:
    """A key belongs to one category: taking it clears it from the previous holder."""
    if shortcut is None:
        return
    if shortcut not in SHORTCUTS:
        raise EditError(f"shortcut must be one of 1-9, not {shortcut!r}")
    for row in rows:
        if row["shortcut"] == shortcut and row["key"] != owner:
            rec.put("category", (row["key"],), {**row, "shortcut": None, "updated": clock.now()})


@unit_of_work
def update_category(project: Project, key: str, **changes: Any) -> Edit:
    """Change fields of a category: name, description, color, parent, shortcut, retired."""
    unknown = set(changes) - EDITABLE
    if unknown:
        raise EditError(f"cannot change {', '.join(sorted(unknown))} of a category")
    with project.engine.begin() as conn:
        rows = category_rows(conn)
        by_key = {r["key"]: r for r in rows}
        before = by_key.get(key)
        if before is None:
            raise EditError(f"no category {key!r}")
        after = dict(before)
        if "name" in changes:
            name = str(changes["name"]).strip()
            if not name:
                raise EditError("a category needs a name")
            after["name"] = name
        if "description" in changes:
            after["description"] = str(changes["description"] or "")
        if "color" in changes:
            color = str(changes["color"])
            if not COLOR_RE.match(color):
                raise EditError(f"not a colour: {color!r}")
            after["color"] = color.lower()
        if "parent" in changes:
            parent = changes["parent"]
            if parent is not None:
                if parent not in by_key:
                    raise EditError(f"no parent category {parent!r}")
                ancestor: str | None = parent
                while ancestor is not None:
                    if ancestor == key:
                        raise EditError("a category cannot be nested inside itself")
                    ancestor = by_key[ancestor]["parent_key"]
            after["parent_key"] = parent
        if "retired" in changes:
            after["retired"] = bool(changes["retired"])
        if "position" in changes:
            after["position"] = int(changes["position"])
        rec = Recorder(conn)
        if "shortcut" in changes:
            after["shortcut"] = changes["shortcut"]
            _free_shortcut(conn, rec, rows, changes["shortcut"], key)
        if after == before:
            return Edit("No change", ())
        after["updated"] = clock.now()
        rec.put("category", (key,), after)
        return Edit(_label(before, changes), tuple(rec.changes))


def _label(before: dict[str, Any], changes: dict[str, Any]) -> str:
    name = before["name"]
    if "retired" in changes:
        return f"{'Retire' if changes['retired'] else 'Restore'} category {name}"
    if "name" in changes:
        return f"Rename category {name} to {changes['name']}"
    if "color" in changes:
        return f"Recolour category {name}"
    if "parent" in changes:
        return f"Move category {name}"
    if "shortcut" in changes:
        return f"Set key {changes['shortcut'] or 'none'} for {name}"
    return f"Edit category {name}"


@unit_of_work
def move_category(project: Project, key: str, delta: int) -> Edit:
    """Move a category up (delta < 0) or down among all categories; positions renumbered."""
    with project.engine.begin() as conn:
        rows = category_rows(conn)
        keys = [r["key"] for r in rows]
        if key not in keys:
            raise EditError(f"no category {key!r}")
        i = keys.index(key)
        j = max(0, min(len(keys) - 1, i + delta))
        if i == j:
            return Edit("No change", ())
        keys.insert(j, keys.pop(i))
        rec = Recorder(conn)
        stamp = clock.now()
        by_key = {r["key"]: r for r in rows}
        for position, k in enumerate(keys):
            row = by_key[k]
            if row["position"] != position:
                rec.put("category", (k,), {**row, "position": position, "updated": stamp})
        return Edit(f"Reorder category {by_key[key]['name']}", tuple(rec.changes))


@unit_of_work
def import_codebook(project: Project, path: str | os.PathLike[str]) -> Edit:
    """Merge a codebook file (.json or REFI-QDA .qdc) into the project's, by key; one Edit."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", source=str(path)) from exc
    existing = project.categories(include_retired=True)
    known = [c.key for c in existing]
    if path.suffix.lower() == ".qdc" or data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        from annotator.core.qdc import codebook_from_qdc

        # Codes already here (by GUID, else by name) keep their key: no second "Territory".
        categories = codebook_from_qdc(data, source=str(path), known_keys=known, existing=existing)
    else:
        try:
            parsed = json.loads(data.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InputError(f"not a JSON codebook: {exc}", source=str(path)) from exc
        categories = codebook_from_json(parsed, source=str(path))
    with project.engine.begin() as conn:
        rows = {r["key"]: r for r in category_rows(conn)}
        rec = Recorder(conn)
        stamp = clock.now()
        next_pos = max((r["position"] for r in rows.values()), default=-1) + 1
        # Parents before children, for the foreign key.
        for cat in sorted(categories, key=lambda c: _depth(c, categories)):
            before = read_row(conn, "category", (cat.key,))
            image = queries.category_row(cat, stamp)
            if before is not None:
                image["position"] = before["position"]
                image["shortcut"] = cat.shortcut or before["shortcut"]
            else:
                image["position"] = next_pos
                next_pos += 1
            # Unchanged apart from the stamp (columns the image leaves out, e.g. ``extra``, stay).
            if before is not None and all(
                before.get(k) == v for k, v in image.items() if k != "updated"
            ):
                continue
            rec.put("category", (cat.key,), image)
        return Edit(f"Import codebook {path.name}", tuple(rec.changes))


def _depth(cat: Category, categories: list[Category]) -> int:
    parents = {c.key: c.parent for c in categories}
    depth, parent = 0, cat.parent
    while parent is not None and depth < len(categories):
        depth, parent = depth + 1, parents.get(parent)
    return depth


def export_codebook(project: Project, path: str | os.PathLike[str]) -> int:
    """Write the codebook as .json or .qdc (by the file's suffix); returns the category count."""
    from annotator.services.exchange import atomic_write

    path = Path(path)
    categories = project.categories(include_retired=True)
    if path.suffix.lower() == ".qdc":
        from annotator.core.qdc import codebook_to_qdc

        data = codebook_to_qdc(categories)
    else:
        text = json.dumps(codebook_to_json(categories), ensure_ascii=False, indent=2) + "\n"
        data = text.encode("utf-8")
    atomic_write(path, data)
    return len(categories)
