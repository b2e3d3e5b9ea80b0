"""Line-oriented statement files (MT940, QIF) read as text, streamed, whatever their encoding.

A :class:`TextSource` wraps the file's bytes (or a seekable binary file, read from its current
position) and yields its lines without ever decoding the file whole, so a 50 MB statement
costs a few buffers of memory. The encoding is chosen from the first 64 KiB:

* a UTF-8 (or UTF-16) byte-order mark wins, and the mark itself is dropped;
* text that is valid UTF-8 is UTF-8;
* anything else is a legacy 8-bit code page: Windows-1252 (Western Europe, Latin-1's superset)
  or IBM 852 (Central Europe: Polish, Hungarian, Czech banks' MT940), whichever reads more of
  the non-ASCII bytes as letters. Latin-1, which decodes any byte, is the last resort.

When a later byte does not decode in the chosen encoding, :meth:`TextSource.lines` raises
``UnicodeDecodeError`` and the caller calls :meth:`TextSource.fall_back` and reads again.
Line endings ``\\n``, ``\\r\\n`` and a lone ``\\r`` all end a line; a missing final newline
changes nothing. NUL and the SWIFT transmission marks (SOH, STX, ETX) are removed.
"""

from __future__ import annotations

import codecs
import contextlib
import io
from collections.abc import Callable, Iterator
from typing import BinaryIO, TypeVar

from connectors.files.errors import FileRejected, RowError

T = TypeVar("T")

HEAD_BYTES = 64 * 1024
_CONTROL = str.maketrans("", "", "\x00\x01\x02\x03")


class TextSource:
    """Re-readable text over bytes or a seekable binary stream (see the module docstring)."""

    def __init__(self, data: bytes | BinaryIO, *, encoding: str | None = None) -> None:
        if isinstance(data, bytes | bytearray | memoryview):
            self._stream: BinaryIO = io.BytesIO(bytes(data))
        else:
            self._stream = data
        self._start = self._stream.tell()
        self.head = self._stream.read(HEAD_BYTES)
        self._stream.seek(self._start)
        self.encodings = [encoding] if encoding else guess_encodings(self.head)
        self.encoding = self.encodings[0]

    @contextlib.contextmanager
    def text(self, *, newline: str | None = None) -> Iterator[io.TextIOWrapper]:
        """The whole file as text from its start, in the current encoding."""
        self._stream.seek(self._start)
        wrapper = io.TextIOWrapper(self._stream, encoding=self.encoding, newline=newline)
        try:
            yield wrapper
        finally:
            # detach() keeps the caller's stream open; a reader abandoned part-way (an import
            # stopped) may be finalised after the caller closed it.
            with contextlib.suppress(ValueError):
                wrapper.detach()

    def lines(self) -> Iterator[tuple[int, str]]:
        """``(line number, text)`` for every line, 1-based, without its line ending."""
        with self.text() as text:
            for number, line in enumerate(text, start=1):
                yield number, line.rstrip("\n").translate(_CONTROL)

    def decoded(self, read: Callable[[], T]) -> T:
        """``read()``, again in the next candidate encoding each time a byte does not decode;
        :class:`FileRejected` when none is left."""
        while True:
            try:
                return read()
            except UnicodeDecodeError:
                if not self.fall_back():
                    raise FileRejected([RowError(None, None, "the file is not text")]) from None

    def fall_back(self) -> bool:
        """Switch to the next candidate encoding; False when none is left."""
        i = self.encodings.index(self.encoding)
        if i + 1 >= len(self.encodings):
            return False
        self.encoding = self.encodings[i + 1]
        return True


def guess_encodings(head: bytes) -> list[str]:
    """Candidate encodings for a file starting with ``head``, best first (never empty)."""
    if head.startswith(codecs.BOM_UTF8):
        return ["utf-8-sig", "cp1252", "latin-1"]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return ["utf-16"]
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut by the window's end is still UTF-8.
        if exc.start < len(head) - 4:
            return [*_legacy_order(head), "latin-1"]
    return ["utf-8-sig", *_legacy_order(head), "latin-1"]


def _legacy_order(head: bytes) -> list[str]:
    """cp1252 and cp852, the one that reads more non-ASCII bytes as letters first."""
    high = bytes(b for b in head if b >= 0x80)
    if not high:
        return ["cp1252"]
    scores = {}
    for encoding in ("cp1252", "cp852"):
        text = high.decode(encoding, errors="replace")
        scores[encoding] = sum(c.isalpha() for c in text) - 2 * text.count("\ufffd")
    return sorted(scores, key=lambda e: -scores[e])


def describe(text: str, limit: int = 60) -> str:
    """``text`` quoted for an error message, cut to ``limit`` characters."""
    flat = " ".join(text.split())
    return repr(flat if len(flat) <= limit else flat[: limit - 1] + "…")
