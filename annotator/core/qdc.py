"""REFI-QDA codebooks (``.qdc``, namespace ``urn:QDA-XML:codebook:1.0``).

Export gives each category the GUID :func:`~annotator.core.codebook.category_guid` of its key, so
exporting twice yields the same GUIDs, and nests children inside their parent's ``Code``. The key
and shortcut ride along in a ``<?plan-annotator key="..." shortcut="..."?>`` processing instruction,
which schema validation and other tools ignore; on import that hint is trusted only when its key
hashes to the code's GUID. A code without a trustworthy key (a foreign codebook) gets
``slugify(name)``, de-duplicated.

Foreign XML is parsed only through defusedxml with DTDs forbidden, which refuses entity expansion
("billion laughs") and external entities (XXE). The helpers here are shared with
:mod:`annotator.core.refi`, whose ``CodeBook`` element has the same shape in another namespace.
"""

from __future__ import annotations

import re
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from annotator import __version__
from annotator.core.codebook import (
    COLOR_RE,
    DEFAULT_COLOR,
    KEY_RE,
    SHORTCUTS,
    Category,
    category_guid,
    tree_order,
    unique_key,
)
from annotator.core.errors import FormatError

CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
PI_TARGET = "plan-annotator"
MAX_DEPTH = 64  # deeper code trees than this are hostile, not a codebook
_PI_ATTR_RE = re.compile(r'([a-z]+)="([^"<>&]*)"')
_SHORT_RGB_RE = re.compile(r"^#[0-9a-fA-F]{3}$")


def parse_xml(data: bytes, *, source: str, where: str = "") -> ET.Element:
    """Parse untrusted XML, keeping processing instructions; DTDs and entities are refused."""
    parser = DefusedXMLParser(target=ET.TreeBuilder(insert_pis=True), forbid_dtd=True)
    try:
        parser.feed(data)
        root: ET.Element = parser.close()
    except DefusedXmlException as exc:
        raise FormatError(
            f"refused XML: DTDs and entities are not allowed ({type(exc).__name__})",
            source=source,
            where=where or None,
        ) from None
    except (ET.ParseError, LookupError, ValueError) as exc:
        # LookupError: an unknown declared encoding; ValueError: bytes the parser cannot take.
        raise FormatError(
            f"not well-formed XML ({exc})", source=source, where=where or None
        ) from None
    return root


def guid_text(value: str) -> str:
    """A GUID as lowercase text without braces (REFI-QDA allows ``{...}`` and either case)."""
    return value.strip().strip("{}").lower()


def pi_attributes(element: ET.Element) -> dict[str, str]:
    """The ``key="value"`` pairs of this element's ``plan-annotator`` processing instruction."""
    for child in element:
        if child.tag is ET.ProcessingInstruction and (child.text or "").startswith(PI_TARGET):
            return dict(_PI_ATTR_RE.findall(child.text or ""))
    return {}


def code_elements(
    parent: ET.Element, categories: Iterable[Category], used: Iterable[str] | None = None
) -> None:
    """Append the categories to ``parent`` (a ``Codes`` element) as nested ``Code`` elements.

    ``isCodable`` is false for a group of codes, and for a retired category that holds no coding
    in ``used`` (the keys applied anywhere; ``None``: unknown, so retired ones stay codable): a
    retired category that still holds codings must stay a code, or other tools hide them.
    Writers build unqualified tags under a root carrying ``xmlns``: ElementTree cannot serialise a
    default namespace together with unqualified attributes.
    """
    applied = None if used is None else set(used)
    elements: dict[str, ET.Element] = {}
    for _depth, cat in tree_order(categories):
        container = elements.get(cat.parent or "", parent)
        codable = cat.codable and not (
            cat.retired and applied is not None and cat.key not in applied
        )
        el = ET.SubElement(
            container,
            "Code",
            {
                "guid": category_guid(cat.key),
                "name": cat.name,
                "isCodable": "true" if codable else "false",
                "color": cat.color,
            },
        )
        hint = f'key="{cat.key}"' + (f' shortcut="{cat.shortcut}"' if cat.shortcut else "")
        hint += ' retired="1"' if cat.retired else ""
        hint += ' codable="0"' if not cat.codable else ""
        el.append(ET.ProcessingInstruction(PI_TARGET, hint))
        if cat.description:
            ET.SubElement(el, "Description").text = cat.description
        elements[cat.key] = el


Resolver = Callable[[str, str], "str | None"]


def parse_code_elements(
    codes: ET.Element,
    ns: str,
    *,
    source: str,
    where: str,
    known_keys: Iterable[str] = (),
    resolve: Resolver | None = None,
    reserved: Iterable[str] = (),
) -> tuple[list[Category], dict[str, str]]:
    """Categories from a ``Codes`` element, and the map from (normalised) GUID to key.

    ``known_keys`` (e.g. the project's codebook) are recognised by their GUID even when a code was
    renamed in another tool. ``resolve(guid, name)`` may name the project's category for a foreign
    code (matched by an earlier import or by name); a new code never takes a ``reserved`` key.
    """
    by_guid = {category_guid(k): k for k in known_keys}
    taken: set[str] = set()
    blocked = set(reserved)
    categories: list[Category] = []
    guid_to_key: dict[str, str] = {}
    pending: list[tuple[ET.Element, str | None, str, int]] = [
        (el, None, f"{where}/Code[{i + 1}]", 1)
        for i, el in enumerate(codes.findall(f"{{{ns}}}Code"))
    ]
    if not pending:
        raise FormatError("the codebook has no Code element", source=source, where=where)
    pending.reverse()
    while pending:
        el, parent, path, depth = pending.pop()
        if depth > MAX_DEPTH:
            raise FormatError(f"codes nested deeper than {MAX_DEPTH}", source=source, where=path)
        cat = _code_to_category(
            el, parent, path, source, taken, by_guid, guid_to_key, resolve, blocked
        )
        cat = Category(**{**cat.to_json(), "position": len(categories)})
        categories.append(cat)
        children = el.findall(f"{{{ns}}}Code")
        pending.extend(
            (child, cat.key, f"{path}/Code[{i + 1}]", depth + 1)
            for i, child in reversed(list(enumerate(children)))
        )
    return categories, guid_to_key


def _code_to_category(
    el: ET.Element,
    parent: str | None,
    path: str,
    source: str,
    taken: set[str],
    by_guid: dict[str, str],
    guid_to_key: dict[str, str],
    resolve: Resolver | None = None,
    blocked: set[str] | None = None,
) -> Category:
    raw_guid = el.get("guid")
    name = (el.get("name") or "").strip()
    if not raw_guid:
        raise FormatError("a Code needs a guid", source=source, where=path)
    if not name:
        raise FormatError("a Code needs a name", source=source, where=path)
    guid = guid_text(raw_guid)
    if guid in guid_to_key:
        raise FormatError(f"duplicate Code guid {raw_guid}", source=source, where=path)
    hint = pi_attributes(el)
    key = by_guid.get(guid)
    hinted = hint.get("key", "")
    trusted = key is not None and key == hinted
    if key is None and KEY_RE.match(hinted) and category_guid(hinted) == guid:
        key, trusted = hinted, True
    if key is None and category_guid(_slug(name)) == guid:
        key = _slug(name)
    if key is None and resolve is not None:
        key = resolve(guid, name)
    if key is None or key in taken:
        key = unique_key(name, taken | (blocked or set()))
    taken.add(key)
    guid_to_key[guid] = key
    color = (el.get("color") or "").strip()
    if _SHORT_RGB_RE.match(color):
        color = "#" + "".join(ch * 2 for ch in color[1:])
    if not COLOR_RE.match(color):
        color = DEFAULT_COLOR
    description = ""
    for child in el:
        if isinstance(child.tag, str) and child.tag.endswith("}Description"):
            description = child.text or ""
    shortcut = hint.get("shortcut")
    not_codable = (el.get("isCodable") or "true").strip() in ("false", "0")
    if trusted and ("retired" in hint or "codable" in hint):  # our own export
        retired, codable = hint.get("retired") == "1", hint.get("codable") != "0"
    elif trusted:  # our exports before codable existed wrote a retired code as not codable
        retired, codable = not_codable, True
    else:  # another tool's: isCodable="false" is a group of codes (a QualCoder category)
        retired, codable = False, not not_codable
    return Category(
        key=key,
        name=name,
        description=description,
        color=color.lower(),
        parent=parent,
        shortcut=shortcut if shortcut in SHORTCUTS else None,
        retired=retired,
        codable=codable,
    )


def _slug(name: str) -> str:
    return unique_key(name, set())


def codebook_to_qdc(categories: Iterable[Category]) -> bytes:
    """A ``.qdc`` document (UTF-8 bytes with an XML declaration) for the categories."""
    cats = list(categories)
    if not cats:
        raise FormatError("a REFI-QDA codebook needs at least one category", source="codebook")
    root = ET.Element("CodeBook", {"xmlns": CODEBOOK_NS, "origin": f"Plan Annotator {__version__}"})
    code_elements(ET.SubElement(root, "Codes"), cats, used=())  # a codebook holds no codings
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def codebook_from_qdc(
    data: bytes,
    *,
    source: str = "codebook.qdc",
    known_keys: Iterable[str] = (),
    existing: Sequence[Category] = (),
    warnings: list[str] | None = None,
) -> list[Category]:
    """Categories from a ``.qdc`` document; see the module docstring for how keys are chosen."""
    root = parse_xml(data, source=source)
    if root.tag != f"{{{CODEBOOK_NS}}}CodeBook":
        raise FormatError(
            f"expected a CodeBook element in namespace {CODEBOOK_NS}, found {root.tag}",
            source=source,
            where="/",
        )
    codes = root.find(f"{{{CODEBOOK_NS}}}Codes")
    if codes is None:
        raise FormatError("no Codes element", source=source, where="/CodeBook")
    matcher = CodeMatcher(existing, {})
    categories, _ = parse_code_elements(
        codes,
        CODEBOOK_NS,
        source=source,
        where="/CodeBook/Codes",
        known_keys=[*known_keys, *matcher.keys],
        resolve=matcher,
        reserved=matcher.keys,
    )
    return matcher.settle(categories, warnings if warnings is not None else [])


def name_key(name: str) -> str:
    """A coder's or code's name as compared across tools: NFC, trimmed, case-folded."""
    return unicodedata.normalize("NFC", name).strip().casefold()


class CodeMatcher:
    """Finds the project's category for a foreign code: by GUID from an earlier import, then by
    name (NFC, trimmed, case-folded); and keeps names unique once the codebook is read."""

    def __init__(
        self, categories: Sequence[Category], mapping: Mapping[tuple[str, str], str]
    ) -> None:
        self.categories = {c.key: c for c in categories}
        self.keys = set(self.categories)
        self.mapping = mapping
        self.by_name: dict[str, str] = {}
        for c in sorted(categories, key=lambda c: (c.retired, c.position, c.key)):
            self.by_name.setdefault(name_key(c.name), c.key)

    def __call__(self, guid: str, name: str) -> str | None:
        key = self.mapping.get(("code", guid))
        if key in self.keys:
            return key
        return self.by_name.get(name_key(name))

    def settle(self, categories: list[Category], warnings: list[str]) -> list[Category]:
        """Fill what the file leaves out from the project's category, and rename a code whose
        name another category already has (two codes of one name under different parents)."""
        names = {
            name_key(c.name): c.key
            for c in self.categories.values()
            if c.key not in {x.key for x in categories}
        }
        parents = {c.key: c.name for c in categories}
        out = []
        for cat in categories:
            old = self.categories.get(cat.key)
            if old is not None:
                cat = replace(
                    cat,
                    description=cat.description or old.description,
                    color=old.color if cat.color == DEFAULT_COLOR else cat.color,
                    shortcut=cat.shortcut or old.shortcut,
                    retired=cat.retired or old.retired,
                )
            taken = names.get(name_key(cat.name))
            if taken is not None and taken != cat.key:
                base = (
                    f"{cat.name} ({parents.get(cat.parent or '', '')})" if cat.parent else cat.name
                )
                new, n = base, 1
                while name_key(new) in names:
                    n += 1
                    new = f"{base} {n}"
                warnings.append(
                    f"code {cat.name!r}: another category has that name; renamed {new!r}"
                )
                cat = replace(cat, name=new)
            names[name_key(cat.name)] = cat.key
            out.append(cat)
        return out
