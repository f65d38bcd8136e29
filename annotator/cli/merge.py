"""``annotator merge FILE... -o OUT [--json]``: merge coders' exchange files into one.

Every input is validated before anything is written: one invalid file stops the command with a
one-line error naming the file and the JSON path (exit 2) and OUT is left as it was. OUT is
written atomically (a temporary file in the same folder, then ``os.replace``), so ``-o`` may name
one of the inputs: all inputs are read before OUT is replaced, and an interrupted run leaves the
old OUT intact.

Without ``--json`` a summary and the conflicts go to stderr. With ``--json`` one object goes to
stdout: ``{"output": str, "inputs": [str], "counts": {...}, "conflicts": [{"kind", "id",
"sources", "resolution", "detail"}]}``. Conflicts are settled and reported; they do not change the
exit code (0).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from annotator.core.errors import InputError
from annotator.core.exchange import load_exchange, validate_exchange, write_exchange
from annotator.core.merge import MergeResult, merge_documents
from annotator.core.wording import plural


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``merge`` subcommand."""
    parser = subparsers.add_parser(
        "merge",
        help="merge exchange files (.json) into one, reporting conflicts",
        description=(
            "Merge plan-annotations exchange files. The result does not depend on the order or "
            "repetition of the inputs. OUT may be one of the inputs (it is replaced atomically)."
        ),
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="exchange files to merge")
    parser.add_argument("-o", "--output", required=True, metavar="OUT", help="merged file to write")
    parser.add_argument(
        "--json", action="store_true", help="print a machine-readable report on stdout"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Validate all inputs, merge, check the result, write it atomically, report."""
    output = Path(args.output)
    if not output.parent.is_dir():
        raise InputError("the output folder does not exist", source=str(output))
    docs = [load_exchange(name) for name in args.files]
    names = [str(name) for name in args.files]
    result = merge_documents(docs, names, progress=_progress(args.json))
    # A merge of valid files is valid; checking costs little and guards what we write.
    validate_exchange(result.document, source="merged result")
    # Streamed: the merged file is never held whole in memory, as bytes or as text.
    write_atomically(output, lambda out: write_exchange(result.document, out, presorted=True))
    if args.json:
        json.dump(report(result, str(output), names), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        _print_summary(result, str(output))
    return 0


def report(result: MergeResult, output: str, inputs: list[str]) -> dict[str, object]:
    """The ``--json`` report object."""
    return {
        "output": output,
        "inputs": inputs,
        "counts": result.counts,
        "conflicts": [c.to_json() for c in result.conflicts],
    }


def write_atomically(path: Path, data: bytes | Callable[[BinaryIO], object]) -> None:
    """Write to ``path`` through a temporary file in the same folder and ``os.replace``.

    ``data`` is the bytes, or a function that writes them to the open file.
    """
    try:
        mode = path.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    temp: str | None = None
    try:
        from annotator.services.part_files import sweep_stale_parts

        sweep_stale_parts(path)
        fd, temp = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.name}.{os.getpid()}-", suffix=".part"
        )
        with os.fdopen(fd, "wb") as handle:
            if isinstance(data, bytes):
                handle.write(data)
            else:
                data(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException as exc:
        if temp is not None:
            with contextlib.suppress(OSError):
                Path(temp).unlink()
        if isinstance(exc, OSError):
            raise InputError(f"cannot write: {exc.strerror or exc}", source=str(path)) from None
        raise


def _progress(quiet: bool) -> Callable[[int, int], None] | None:
    if quiet or not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        if total:
            end = "\n" if done >= total else ""
            print(f"\rmerging: {done * 100 // total:3d}%", end=end, file=sys.stderr, flush=True)

    return show


def _print_summary(result: MergeResult, output: str) -> None:
    c = result.counts
    print(
        f"merged {plural(c['inputs'], 'file')} into {output}:"
        f" {plural(c['categories'], 'category', 'categories')},"
        f" {plural(c['coders'], 'coder')}, {plural(c['documents'], 'document')},"
        f" {plural(c['clauses'], 'clause')}, {plural(c['annotations'], 'annotation')}"
        f" ({c['deleted']} deleted), {plural(c['reviews'], 'review')};"
        f" {c['superseded']} older versions superseded; {plural(c['conflicts'], 'conflict')}",
        file=sys.stderr,
    )
    for conflict in result.conflicts:
        print(f"  conflict: {conflict}", file=sys.stderr)
