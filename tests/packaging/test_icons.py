"""The application icon: an SVG and PNG renders at every hicolor size, each a sound PNG."""

from __future__ import annotations

import struct
import xml.etree.ElementTree as ET
import zlib
from pathlib import Path

import pytest

from tests.packaging.paths import ICON_SIZES, ICONS

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """(type, payload) of each chunk, checking every CRC (a truncated or corrupt file fails)."""
    assert data[:8] == PNG_SIGNATURE
    chunks, pos = [], 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        payload = data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert zlib.crc32(kind + payload) == crc, f"bad CRC in {kind!r} chunk"
        chunks.append((kind, payload))
        pos += 12 + length
    return chunks


def test_svg_is_square_and_parses() -> None:
    root = ET.parse(ICONS / "plan-annotator.svg").getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    _x, _y, width, height = (float(v) for v in root.get("viewBox", "").split())
    assert width == height


@pytest.mark.parametrize("size", ICON_SIZES)
def test_png_has_the_stated_size(size: int) -> None:
    path: Path = ICONS / f"plan-annotator-{size}.png"
    chunks = _chunks(path.read_bytes())
    kind, ihdr = chunks[0]
    assert kind == b"IHDR"
    width, height, depth, colour = struct.unpack(">IIBB", ihdr[:10])
    assert (width, height) == (size, size)
    assert (depth, colour) == (8, 6), "expected 8-bit RGBA (transparent background)"
    assert chunks[-1][0] == b"IEND"
    pixels = zlib.decompress(b"".join(p for k, p in chunks if k == b"IDAT"))
    # One filter byte per row, then 4 bytes per pixel.
    assert len(pixels) == size * (1 + 4 * size)
