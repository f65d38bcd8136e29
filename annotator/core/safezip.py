"""The one way we read and write zip archives (.docx, .xlsx, .qdpx).

Reading: an archive from outside is untrusted. :class:`SafeZip` checks every entry's name and
declared size against :class:`ZipLimits` before anything is inflated (entry count, total and
per-entry size, compression ratio, absolute or ``..`` names, duplicates, encryption), then counts
the bytes each read actually produces, so a header that lies about its size cannot make us inflate
more than the limits allow. Every failure is a :class:`FormatError` naming the file and the entry.

Writing: :func:`entry_info` stamps entries with one fixed time and mode, so the same content gives
the same bytes (reproducible exports).
"""

from __future__ import annotations

import io
import re
import shutil
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from annotator.core.errors import FormatError

_CHUNK = 1 << 20
# Everything zipfile and zlib raise on a damaged or hostile archive.
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    OSError,
    EOFError,
    ValueError,
    RuntimeError,  # an encrypted entry without a password
    NotImplementedError,  # an unknown compression method or zip version
)


@dataclass(frozen=True)
class ZipLimits:
    """What an imported archive may hold before it is refused as a zip bomb."""

    total: int = 512 << 20  # uncompressed bytes over all entries
    entry: int = 256 << 20  # uncompressed bytes in one entry
    ratio: int = 200  # uncompressed / compressed, for entries over `ratio_floor`
    ratio_floor: int = 1 << 20
    entries: int = 20_000


#: A REFI-QDA project: the project XML and the plain texts of its sources.
QDPX_LIMITS = ZipLimits()
#: A Word document: text and styles, a few images. Real plans stay far below these.
DOCX_LIMITS = ZipLimits(total=200 << 20, entry=100 << 20, ratio=200, entries=5_000)


class SafeZip:
    """A zip opened for reading with every entry checked before anything is inflated.

    ``file`` is a path or a binary file object; ``source`` names it in messages.
    """

    def __init__(
        self, file: str | Path | IO[bytes], source: str, limits: ZipLimits = ZipLimits()
    ) -> None:
        self.source = source
        self.limits = limits
        self._inflated = 0
        try:
            self.zf = zipfile.ZipFile(file)
            infos = self.zf.infolist()
        except _ZIP_ERRORS as exc:
            raise FormatError(f"not a readable zip archive ({exc})", source=source) from None
        try:
            self.entries = self._check(infos)
        except FormatError:
            self.zf.close()
            raise

    def _check(self, infos: list[zipfile.ZipInfo]) -> dict[str, zipfile.ZipInfo]:
        limits, source = self.limits, self.source
        if len(infos) > limits.entries:
            raise FormatError(f"more than {limits.entries} entries", source=source)
        total = 0
        entries: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            name = info.filename
            parts = name.replace("\\", "/").split("/")
            if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name) or ".." in parts:
                raise FormatError(
                    "unsafe entry name (absolute or with '..')", source=source, where=name
                )
            if info.flag_bits & 0x1:
                raise FormatError("encrypted entry", source=source, where=name)
            if info.file_size > limits.entry:
                raise FormatError(
                    f"entry would inflate to {_mb(info.file_size)}, over the limit of "
                    f"{_mb(limits.entry)} (zip bomb?)",
                    source=source,
                    where=name,
                )
            if _too_compressed(info.file_size, info.compress_size, limits):
                raise FormatError(
                    "entry compressed suspiciously well (zip bomb?)", source=source, where=name
                )
            total += info.file_size
            if total > limits.total:
                raise FormatError(
                    f"archive inflates to more than {_mb(limits.total)} (zip bomb?)",
                    source=source,
                    where=name,
                )
            key = name.replace("\\", "/")
            if key in entries:
                raise FormatError("entry appears twice", source=source, where=name)
            entries[key] = info
        return entries

    def close(self) -> None:
        self.zf.close()

    def __enter__(self) -> SafeZip:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def find(self, *names: str) -> str | None:
        """The first of ``names`` present in the archive (exact, then case-insensitive)."""
        for n in names:
            if n in self.entries:
                return n
        lower = {k.lower(): k for k in self.entries}
        for n in names:
            if n.lower() in lower:
                return lower[n.lower()]
        return None

    def read(self, name: str) -> bytes:
        """An entry's bytes, counted as they inflate: never more than its header declares."""
        out = io.BytesIO()
        self._inflate(name, out)
        return out.getvalue()

    def check_all(self) -> None:
        """Inflate every entry (discarding the bytes) to prove the archive is what it claims."""
        for name in self.entries:
            self._inflate(name, None)

    def _inflate(self, name: str, out: IO[bytes] | None) -> None:
        info = self.entries[name]
        declared = info.file_size
        got = 0
        try:
            with self.zf.open(info) as fh:
                while chunk := fh.read(min(_CHUNK, declared + 1 - got)):
                    got += len(chunk)
                    if got > declared:
                        raise FormatError(
                            "entry is larger than its header says", source=self.source, where=name
                        )
                    if out is not None:
                        out.write(chunk)
                    if got >= declared:
                        if fh.read(1):  # zipfile stops at the declared size; be sure anyway
                            raise FormatError(
                                "entry is larger than its header says",
                                source=self.source,
                                where=name,
                            )
                        break
        except _ZIP_ERRORS as exc:
            raise FormatError(
                f"cannot read entry ({exc})", source=self.source, where=name
            ) from None
        if got != declared:
            raise FormatError(
                f"entry holds {got} bytes, its header says {declared}",
                source=self.source,
                where=name,
            )
        self._inflated += got
        if self._inflated > self.limits.total:
            raise FormatError(
                f"archive inflates to more than {_mb(self.limits.total)} (zip bomb?)",
                source=self.source,
                where=name,
            )


def _mb(size: int) -> str:
    return f"{size / (1 << 20):.1f} MB" if size >= 1 << 20 else f"{size} bytes"


def _too_compressed(size: int, compressed: int, limits: ZipLimits) -> bool:
    return size > limits.ratio_floor and size > limits.ratio * max(compressed, 1)


def checked_archive(
    file: str | Path, source: str, limits: ZipLimits = ZipLimits(), max_bytes: int | None = None
) -> io.BytesIO:
    """The archive's bytes in memory, after :meth:`SafeZip.check_all` proved them safe.

    For parsers that open zips themselves (python-docx): they get exactly the bytes that were
    checked, never a file that could change in between.
    """
    try:
        with open(file, "rb") as fh:
            data = fh.read() if max_bytes is None else fh.read(max_bytes + 1)
    except OSError as exc:
        raise FormatError(f"cannot read file ({exc.strerror or exc})", source=source) from None
    if max_bytes is not None and len(data) > max_bytes:
        raise FormatError(f"larger than {max_bytes} bytes", source=source)
    buffer = io.BytesIO(data)
    with SafeZip(buffer, source, limits) as archive:
        archive.check_all()
    buffer.seek(0)
    return buffer


def has_entry(file: str | Path, name: str, limits: ZipLimits = ZipLimits()) -> bool:
    """True when ``file`` is a readable, sane zip holding ``name`` (reads no entry)."""
    try:
        with SafeZip(file, str(file), limits) as archive:
            return name in archive.entries
    except FormatError:
        return False


# -- writing ------------------------------------------------------------------------------------


def zip_time(moment: datetime) -> tuple[int, int, int, int, int, int]:
    """A zip entry's date and time (UTC, whole seconds, not before 1980 which zip cannot say)."""
    stamp = moment.astimezone(UTC) if moment.tzinfo else moment
    if stamp.year < 1980:
        return (1980, 1, 1, 0, 0, 0)
    return (stamp.year, stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)


def entry_info(name: str, moment: datetime, mode: int = 0o644) -> zipfile.ZipInfo:
    """A deflated entry dated ``moment`` with file ``mode``: same input, same archive bytes."""
    info = zipfile.ZipInfo(name, date_time=zip_time(moment))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = mode << 16
    return info


def restamp(
    src: IO[bytes],
    out: IO[bytes],
    moment: datetime,
    *,
    mode: int = 0o644,
    edit: Callable[[str, bytes], bytes] | None = None,
) -> None:
    """Copy a zip we wrote ourselves (e.g. openpyxl's) with every entry dated ``moment``.

    ``edit(name, data)`` may rewrite small entries (the time inside a document's properties);
    it is called for entries under 1 MB, which are read whole, the rest are streamed. ``out``
    must be seekable (zip writes its directory last).
    """
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            entry = entry_info(info.filename, moment, mode)
            if edit is not None and info.file_size < _CHUNK:
                zout.writestr(entry, edit(info.filename, zin.read(info)))
                continue
            with (
                zin.open(info) as r,
                zout.open(entry, "w", force_zip64=info.file_size > 1 << 30) as w,
            ):
                shutil.copyfileobj(r, w, _CHUNK)
