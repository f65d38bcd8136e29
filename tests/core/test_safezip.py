"""The one safe archive reader (and writer): hostile archives built byte by byte.

The bombs are real: a .docx of a few hundred KB that inflates to 300 MB is read in a child process
whose address space is capped at 400 MB, and must be refused quickly with one clean message.
"""

from __future__ import annotations

import io
import struct
import subprocess
import sys
import textwrap
import time
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from annotator.core.errors import FormatError, InputError
from annotator.core.readers import read_plan
from annotator.core.safezip import (
    SafeZip,
    ZipLimits,
    checked_archive,
    entry_info,
    has_entry,
    zip_time,
)

ROOT = Path(__file__).resolve().parents[2]


def make_zip(entries: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buf.getvalue()


def lie_about_size(archive: bytes, name: str, size: int) -> bytes:
    """Rewrite ``name``'s uncompressed size in both its local and central headers."""
    data = bytearray(archive)
    raw = name.encode()
    local = data.find(b"PK\x03\x04")
    while local != -1:
        (name_len,) = struct.unpack_from("<H", data, local + 26)
        if data[local + 30 : local + 30 + name_len] == raw:
            struct.pack_into("<I", data, local + 22, size)
        local = data.find(b"PK\x03\x04", local + 4)
    central = data.find(b"PK\x01\x02")
    while central != -1:
        (name_len,) = struct.unpack_from("<H", data, central + 28)
        if data[central + 46 : central + 46 + name_len] == raw:
            struct.pack_into("<I", data, central + 24, size)
        central = data.find(b"PK\x01\x02", central + 4)
    return bytes(data)


def open_zip(data: bytes, limits: ZipLimits | None = None) -> SafeZip:
    return SafeZip(io.BytesIO(data), "test.zip", limits or ZipLimits())


@pytest.mark.parametrize(
    "name", ["../evil.txt", "a/../../evil.txt", "/etc/evil", "\\evil", "C:/evil", "c:evil"]
)
def test_unsafe_names_are_refused(name: str) -> None:
    with pytest.raises(FormatError, match="unsafe entry name") as info:
        open_zip(make_zip({"ok.txt": b"x", name: b"y"}))
    assert "test.zip" in str(info.value)


def test_limits_on_entries_sizes_and_ratio() -> None:
    many = make_zip({f"f{i}.txt": b"x" for i in range(30)})
    with pytest.raises(FormatError, match="more than 20 entries"):
        open_zip(many, ZipLimits(entries=20))
    big = make_zip({"big.txt": b"ab" * 5000})
    with pytest.raises(FormatError, match="would inflate to 10000 bytes"):
        open_zip(big, ZipLimits(entry=9000))
    with pytest.raises(FormatError, match="archive inflates to more than"):
        open_zip(make_zip({"a": b"x" * 600, "b": b"y" * 600}), ZipLimits(total=1000))
    zeros = make_zip({"zeros.bin": bytes(3 << 20)})
    with pytest.raises(FormatError, match="zip bomb"):
        open_zip(zeros)
    # Stored (uncompressed) data of the same size is fine: the ratio is about compression.
    with open_zip(make_zip({"zeros.bin": bytes(3 << 20)}, zipfile.ZIP_STORED)) as ok:
        ok.check_all()


def test_duplicate_and_encrypted_entries_are_refused() -> None:
    buf = io.BytesIO()
    with pytest.warns(UserWarning), zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("a.txt", b"one")
        zf.writestr("a.txt", b"two")
    with pytest.raises(FormatError, match="appears twice"):
        open_zip(buf.getvalue())
    data = bytearray(make_zip({"secret.txt": b"x"}))
    central = data.find(b"PK\x01\x02")
    data[central + 8] |= 0x1  # the "encrypted" flag, as a password-protected zip sets it
    with pytest.raises(FormatError, match="encrypted"):
        open_zip(bytes(data))


def test_a_header_that_understates_the_size_is_caught_by_counting() -> None:
    real = b"The parties agree. " * 5000
    archive = lie_about_size(make_zip({"word/document.xml": real}), "word/document.xml", 100)
    with open_zip(archive) as z:
        assert z.entries["word/document.xml"].file_size == 100  # the header passes the limits
        with pytest.raises(FormatError, match=r"word/document\.xml"):
            z.read("word/document.xml")


def test_a_header_that_overstates_the_size_is_caught() -> None:
    archive = lie_about_size(make_zip({"a.txt": b"short"}), "a.txt", 50)
    with open_zip(archive) as z, pytest.raises(FormatError, match=r"a\.txt"):
        z.read("a.txt")


def test_reads_and_finds_entries() -> None:
    with open_zip(make_zip({"Project.QDE": b"<x/>", "sources/a.txt": b"text"})) as z:
        assert z.find("project.qde") == "Project.QDE"
        assert z.find("missing") is None
        assert z.read("sources/a.txt") == b"text"


def test_not_a_zip_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "plan.docx"
    path.write_bytes(b"PK\x03\x04 but nothing else")
    with pytest.raises(FormatError, match=r"plan\.docx: not a readable zip"):
        checked_archive(path, str(path))
    assert has_entry(path, "word/document.xml") is False


def test_writing_is_deterministic() -> None:
    moment = datetime(2026, 3, 1, 12, 30, 44, 123456, tzinfo=UTC)  # zip keeps even seconds

    def build() -> bytes:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            for name in ("b.txt", "a.txt"):
                zf.writestr(entry_info(name, moment), name.encode() * 100)
        return buf.getvalue()

    first = build()
    time.sleep(1.1)  # a writer that used the clock would now differ
    assert build() == first
    with zipfile.ZipFile(io.BytesIO(first)) as zf:
        assert {i.date_time for i in zf.infolist()} == {(2026, 3, 1, 12, 30, 44)}
        assert {i.external_attr >> 16 for i in zf.infolist()} == {0o644}
    assert zip_time(datetime(1970, 1, 1, tzinfo=UTC)) == (1980, 1, 1, 0, 0, 0)


# -- .docx: the inflating document under a memory limit -----------------------------------------


def _docx_base() -> dict[str, bytes]:
    import docx

    document = docx.Document()
    document.add_paragraph("1. The parties agree to a ceasefire.")
    buf = io.BytesIO()
    document.save(buf)
    with zipfile.ZipFile(buf) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def write_docx_bomb(path: Path, inflated: int = 300 << 20, lie: bool = False) -> None:
    """A real Word document whose body is padded to ``inflated`` bytes of XML whitespace."""
    parts = _docx_base()
    body = parts.pop("word/document.xml")
    cut = body.index(b"<w:body>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
        with zf.open("word/document.xml", "w", force_zip64=True) as member:
            member.write(body[:cut])
            chunk = b" " * (1 << 20)
            for _ in range(inflated >> 20):
                member.write(chunk)
            member.write(body[cut:])
    if lie:
        path.write_bytes(lie_about_size(path.read_bytes(), "word/document.xml", 4000))


@pytest.mark.parametrize("lie", [False, True], ids=["honest-header", "lying-header"])
def test_inflating_docx_is_refused_under_a_memory_limit(tmp_path: Path, lie: bool) -> None:
    bomb = tmp_path / "plan.docx"
    write_docx_bomb(bomb, lie=lie)
    assert bomb.stat().st_size < 600_000  # a few hundred KB on disk
    child = textwrap.dedent(
        """
        import resource, sys, time
        resource.setrlimit(resource.RLIMIT_AS, (400 << 20, 400 << 20))
        from annotator.core.errors import InputError
        from annotator.core.readers import read_plan
        start = time.monotonic()
        try:
            read_plan(sys.argv[1])
        except InputError as exc:
            print(f"refused in {time.monotonic() - start:.2f}s: {exc}")
            sys.exit(0)
        print("read it", file=sys.stderr)
        sys.exit(1)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", child, str(bomb)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert "plan.docx" in done.stdout and "Traceback" not in done.stderr
    assert ("zip bomb" in done.stdout) or lie, done.stdout


def test_ordinary_docx_still_reads_and_a_small_bomb_does_not(tmp_path: Path) -> None:
    path = tmp_path / "plan.docx"
    write_docx_bomb(path, inflated=2 << 20)  # 2 MB of whitespace: a ratio no real document has
    with pytest.raises(InputError, match="zip bomb"):
        read_plan(path)
    ordinary = tmp_path / "ordinary.docx"
    ordinary.write_bytes(make_zip(_docx_base()))
    assert "ceasefire" in read_plan(ordinary).text
