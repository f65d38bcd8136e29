"""``annotator codebook FILE`` shows a codebook; ``annotator codebook convert IN OUT`` converts
between our JSON (``plan-codebook``, or an exchange file's codebook) and REFI-QDA ``.qdc``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from annotator.core.codebook import Category, codebook_from_json, codebook_to_json, tree_order
from annotator.core.errors import FormatError, InputError
from annotator.core.exchange import FORMAT as EXCHANGE_FORMAT
from annotator.core.exchange import VERSION as EXCHANGE_VERSION
from annotator.core.qdc import codebook_from_qdc, codebook_to_qdc

SUFFIXES = (".json", ".qdc")


def register(subparsers: Any) -> None:
    """Add the ``codebook`` subcommand."""
    p = subparsers.add_parser(
        "codebook",
        help="show a codebook, or convert it between .json and .qdc",
        description="annotator codebook FILE  |  annotator codebook convert IN OUT",
    )
    p.add_argument("args", nargs="+", metavar="FILE | convert IN OUT")
    p.add_argument("--json", action="store_true", help="show the codebook as JSON")
    p.set_defaults(func=run)


def read_codebook(path: str) -> list[Category]:
    """Categories from a ``.json`` (codebook or exchange file) or ``.qdc`` file."""
    suffix = Path(path).suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(f"expected a .json or .qdc file, not {suffix or 'no suffix'}", source=path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the file ({exc.strerror})", source=path) from None
    if suffix == ".qdc":
        return codebook_from_qdc(data, source=path)
    try:
        obj = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise FormatError("not UTF-8 text", source=path) from None
    except json.JSONDecodeError as exc:
        raise FormatError(
            f"not JSON ({exc.msg})", source=path, where=f"line {exc.lineno}"
        ) from None
    if isinstance(obj, dict) and obj.get("format") == EXCHANGE_FORMAT:
        if obj.get("version") != EXCHANGE_VERSION:  # a newer file's codebook may mean otherwise
            raise FormatError(
                f"{EXCHANGE_FORMAT} version {obj.get('version')!r} is not one this program "
                f"reads (version {EXCHANGE_VERSION})",
                source=path,
                where="$.version",
            )
        obj = obj.get("codebook")
    return codebook_from_json(obj, source=path)


def write_codebook(categories: list[Category], path: str) -> None:
    """Write ``.json`` (``plan-codebook``) or ``.qdc`` by the file's suffix."""
    suffix = Path(path).suffix.lower()
    if suffix == ".qdc":
        data = codebook_to_qdc(categories)
    elif suffix == ".json":
        text = json.dumps(codebook_to_json(categories), ensure_ascii=False, indent=2) + "\n"
        data = text.encode("utf-8")
    else:
        raise InputError(
            f"expected a .json or .qdc output, not {suffix or 'no suffix'}", source=path
        )
    try:
        Path(path).write_bytes(data)
    except OSError as exc:
        raise InputError(f"cannot write the file ({exc.strerror})", source=path) from None


def run(args: argparse.Namespace) -> int:
    """Show or convert."""
    items: list[str] = args.args
    if items[0] == "convert":
        if len(items) != 3:
            raise InputError("usage: annotator codebook convert IN OUT")
        if args.json:
            raise InputError("--json shows a codebook; convert writes OUT (no --json)")
        categories = read_codebook(items[1])
        write_codebook(categories, items[2])
        print(f"{len(categories)} categories written to {items[2]}", file=sys.stderr)
        return 0
    if len(items) != 1:
        raise InputError("usage: annotator codebook FILE  |  annotator codebook convert IN OUT")
    categories = read_codebook(items[0])
    if args.json:
        json.dump(codebook_to_json(categories), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    for depth, cat in tree_order(categories):
        flags = " (retired)" if cat.retired else ""
        key = cat.shortcut or " "
        print(f"{key} {cat.color} {'  ' * depth}{cat.name} [{cat.key}]{flags}")
    return 0
