"""An OFX file read as a stream of pieces, never decoded whole: its header (with ofxtools,
on the bytes before ``<OFX>`` only), then its body decoded chunk by chunk and cut into the
parts :mod:`connectors.files.ofx` converts one at a time.

:func:`pieces` yields, in file order:

* ``Piece("ofx")`` when the ``<OFX>`` element opens;
* ``Piece("open", tag)`` when a statement (``STMTRS``, ``CCSTMTRS``, ``INVSTMTRS``) opens;
* ``Piece("trn", tag, text)`` for each whole ``<STMTTRN>...</STMTTRN>`` inside a statement
  (``tag`` is the statement's);
* ``Piece("unclosed", tag, count=n)`` for ``n`` ``<STMTTRN>`` opened one after another with no
  close between them (the markup is broken: their content is not kept);
* ``Piece("stray", count=1)`` for a ``<STMTTRN>`` outside any statement;
* ``Piece("close", tag, shell)`` when the statement ends (its close tag, the next statement,
  or the end of the file): ``shell`` is the statement's text without its ``STMTTRN`` and
  ``INVBANKTRAN`` blocks (account, currency, balances, an investment statement's trades).

Tags are found case-blind (SGML is). Memory holds one chunk, one transaction and the shell of
the current statement, whatever the file's size.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from ofxtools.header import OFXHeaderError, parse_header

from connectors.files.errors import FileRejected, RowError

CHUNK = 1 << 20
"""Characters decoded per read."""

_HEAD = 64 * 1024
_EVENT = re.compile(r"<(/?)(STMTTRN|INVBANKTRAN|STMTRS|CCSTMTRS|INVSTMTRS|OFX)>", re.I)
_LONGEST_TAG = len("</INVBANKTRAN>")
_STATEMENTS = frozenset({"STMTRS", "CCSTMTRS", "INVSTMTRS"})


@dataclass(frozen=True, slots=True)
class Piece:
    kind: str
    tag: str = ""
    text: str = ""
    count: int = 0


class OfxSource:
    """Re-readable OFX bytes (or a seekable binary file, read from its current position).

    The header says the body's encoding (ofxtools decides: OFX 2 is UTF-8, OFX 1 its
    ``CHARSET``); a file without a header is read as UTF-8, and as Windows-1252 when it is not
    UTF-8 (:meth:`fall_back`).
    """

    def __init__(self, data: bytes | BinaryIO) -> None:
        if isinstance(data, bytes | bytearray | memoryview):
            self._stream: BinaryIO = io.BytesIO(bytes(data))
        else:
            self._stream = data
        self._start = self._stream.tell()
        at, head = self._find_body()
        self.has_ofx = at >= 0
        self.body_at = self._start + max(at, 0)
        self.encoding, self.errors, self.declared = self._encoding(head)

    def _find_body(self) -> tuple[int, bytes]:
        """Where ``<OFX>`` starts (-1 when there is none) and the bytes before it (at most the
        first 64 KiB)."""
        self._stream.seek(self._start)
        tail, offset, at = b"", 0, -1
        while chunk := self._stream.read(CHUNK):
            found = (tail + chunk).upper().find(b"<OFX>")
            if found >= 0:
                at = offset - len(tail) + found
                break
            offset += len(chunk)
            tail = (tail + chunk)[-_LONGEST_TAG:]
        self._stream.seek(self._start)
        head = self._stream.read(_HEAD if at < 0 else min(at, _HEAD))
        return at, head

    def _encoding(self, head: bytes) -> tuple[str, str, bool]:
        """(codec, error handler, whether a header declared it)."""
        try:
            header, _body = parse_header(io.BytesIO(head))
        except OFXHeaderError:
            if not self.has_ofx:
                message = "not an OFX file: no OFX header and no <OFX> element"
                raise FileRejected([RowError(None, None, message)]) from None
            return "utf-8", "strict", False
        except (ValueError, UnicodeDecodeError) as exc:
            raise bad_encoding(exc) from None
        return str(header.codec), "strict", True

    def fall_back(self) -> bool:
        """Read an undeclared body as Windows-1252 once it proved not to be UTF-8."""
        if self.declared or self.encoding != "utf-8":
            return False
        self.encoding, self.errors = "cp1252", "replace"
        return True

    def chunks(self) -> Iterator[str]:
        """The body's text from ``<OFX>`` on, a chunk at a time."""
        self._stream.seek(self.body_at)
        text = io.TextIOWrapper(
            self._stream, encoding=self.encoding, errors=self.errors, newline=""
        )
        try:
            while chunk := text.read(CHUNK):
                yield chunk
        finally:
            text.detach()  # the caller's stream stays open


def bad_encoding(exc: BaseException) -> FileRejected:
    message = f"bad OFX header ({type(exc).__name__}): it does not declare a known encoding"
    return FileRejected([RowError(None, None, message)])


class _Cutter:
    """The state :func:`pieces` keeps between chunks."""

    def __init__(self) -> None:
        self.statement = ""  # the open statement's tag, or ""
        self.shell: list[str] = []
        self.in_invbanktran = False
        self.trn: list[str] | None = None  # the open STMTTRN's text
        self.opens = 0  # STMTTRN opened since the last close

    def text(self, text: str) -> None:
        if not text:
            return
        if self.trn is not None:
            if self.opens == 1:
                self.trn.append(text)
        elif self.statement and not self.in_invbanktran:
            self.shell.append(text)

    def close_statement(self) -> Iterator[Piece]:
        yield from self.end_trn()
        if self.statement:
            yield Piece("close", self.statement, "".join(self.shell))
        self.statement, self.shell, self.in_invbanktran = "", [], False

    def end_trn(self) -> Iterator[Piece]:
        if self.trn is not None and self.opens > 1:
            yield Piece("unclosed", self.statement, count=self.opens)
        elif self.trn is not None:
            yield Piece("unclosed", self.statement, count=1)
        self.trn, self.opens = None, 0

    def event(self, closing: bool, tag: str, written: str) -> Iterator[Piece]:
        if tag == "OFX":
            if not closing:
                yield Piece("ofx")
            return
        if tag == "STMTTRN":
            yield from self._stmttrn(closing, written)
        elif tag == "INVBANKTRAN":
            self.in_invbanktran = not closing and bool(self.statement)
        elif not closing:
            yield from self.close_statement()
            self.statement, self.shell = tag, [written]
            yield Piece("open", tag)
        elif tag == self.statement:
            self.shell.append(written)
            yield from self.close_statement()
        else:
            self.text(written)

    def _stmttrn(self, closing: bool, written: str) -> Iterator[Piece]:
        if not closing:
            if not self.statement:
                yield Piece("stray", count=1)
                return
            if self.trn is None:
                self.trn, self.opens = [written], 1
            else:
                self.opens += 1
            return
        if self.trn is None:
            self.text(written)
            return
        if self.opens == 1:
            self.trn.append(written)
            yield Piece("trn", self.statement, "".join(self.trn))
            self.trn, self.opens = None, 0
        else:
            yield from self.end_trn()


def pieces(chunks: Iterator[str]) -> Iterator[Piece]:
    """The body's pieces (see the module docstring) from its text, chunk by chunk."""
    cutter = _Cutter()
    carry = ""
    for chunk in chunks:
        text = carry + chunk
        position = 0
        for match in _EVENT.finditer(text):
            cutter.text(text[position : match.start()])
            yield from cutter.event(bool(match[1]), match[2].upper(), match[0].upper())
            position = match.end()
        # A tag cut by the chunk's end is completed by the next chunk.
        cut = text.rfind("<", max(position, len(text) - _LONGEST_TAG))
        end = cut if cut >= 0 else len(text)
        cutter.text(text[position:end])
        carry = text[end:]
    cutter.text(carry)
    yield from cutter.close_statement()
