"""Contract 1: normalised text, document keys and offset conversions.

Offsets everywhere in the project are Unicode code points into the normalised text. Qt counts
UTF-16 code units, so the GUI converts with :class:`OffsetMap` at its boundary.
"""

from __future__ import annotations

import bisect
import hashlib
import unicodedata

BOM = "\ufeff"


def normalise(text: str) -> str:
    """Remove a leading BOM, turn CRLF and CR into LF, and apply Unicode NFC. Nothing else.

    Every leading BOM goes (a file saved twice by careless tools can carry two), so that
    normalising is idempotent and a normalised text never starts with a BOM.
    """
    text = text.lstrip(BOM)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def document_key(normalised_text: str) -> str:
    """Lowercase hex SHA-256 of the normalised text encoded as UTF-8."""
    return hashlib.sha256(normalised_text.encode("utf-8")).hexdigest()


def is_normalised(text: str) -> bool:
    """True when :func:`normalise` would leave ``text`` unchanged."""
    return normalise(text) == text


class OffsetMap:
    """Converts between code-point offsets and UTF-16 positions for one text.

    Built once per text in O(n); each conversion is O(log a) where a is the number of astral
    (non-BMP) characters, so a 10 MB plan with no emoji converts in constant time.
    """

    __slots__ = ("_astral", "_length")

    def __init__(self, text: str):
        # Code-point indices of characters outside the BMP: each takes two UTF-16 units.
        self._astral = [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF]
        self._length = len(text)

    @property
    def has_astral(self) -> bool:
        return bool(self._astral)

    def to_utf16(self, offset: int) -> int:
        """UTF-16 position of code-point ``offset`` (0 <= offset <= len(text))."""
        if not 0 <= offset <= self._length:
            raise ValueError(f"offset {offset} outside 0..{self._length}")
        return offset + bisect.bisect_left(self._astral, offset)

    def from_utf16(self, position: int) -> int:
        """Code-point offset of UTF-16 ``position`` (inside a surrogate pair: rounds down)."""
        if position < 0:
            raise ValueError(f"position {position} is negative")
        lo, hi = 0, len(self._astral)
        # Find how many astral characters lie wholly before `position`.
        while lo < hi:
            mid = (lo + hi) // 2
            if self._astral[mid] + mid + 2 <= position:
                lo = mid + 1
            else:
                hi = mid
        offset = position - lo
        if lo < len(self._astral) and self._astral[lo] < offset:
            # `position` falls in the middle of astral character number `lo`.
            offset = self._astral[lo]
        if offset > self._length:
            raise ValueError(f"position {position} beyond the text")
        return offset


def utf16_length(text: str) -> int:
    """Number of UTF-16 code units in ``text``."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)
