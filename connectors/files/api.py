"""One entry point for statement files: detect the format, validate the whole file, then stream.

Contract (what the service relies on):

* :func:`parse_file` reads and checks **every** row before it returns. A file with any bad row
  raises :class:`FileRejected` carrying all errors (row number, field, message) and yields
  nothing, so a bad row 9,000 rejects the file before anything is written.
* The returned :class:`ParsedFile` is a two-pass object: its ``rows`` (or iterating the object)
  yields the already validated transactions. The file is read a second time, row by row
  (CSV, OFX, MT940, QIF) or one entry or record at a time (CAMT, BAI2), so memory does not
  grow with the number of rows.
* ``amount_minor`` follows :mod:`connectors.base`: positive = money leaving the company.
* ``external_id`` is the source's own id when the format has one (OFX ``FITID``; CAMT
  ``AcctSvcrRef``, else ``NtryRef``, else a TxDtls reference; BAI2 bank reference; CSV id
  column), qualified by account for the bank formats, else a content hash; a repeat within one
  file gets ``#2``, ``#3``... so re-importing the same file yields the same ids.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import BinaryIO

from connectors.base import RawTransaction
from connectors.files.bai2_file import Bai2File
from connectors.files.camt053 import Camt053File
from connectors.files.csv_import import CsvMapping, open_csv
from connectors.files.errors import FileRejected, RowError
from connectors.files.kinds import with_kind
from connectors.files.mt940 import looks_like_mt940, open_mt940
from connectors.files.ofx import OfxFile
from connectors.files.qif import looks_like_qif, open_qif
from connectors.files.streamed import TwoPassFile


class FileFormat(StrEnum):
    """Statement file formats :func:`parse_file` reads."""

    AUTO = "auto"
    CSV = "csv"
    OFX = "ofx"
    CAMT053 = "camt053"
    BAI2 = "bai2"
    MT940 = "mt940"
    QIF = "qif"


@dataclass(slots=True)
class ParsedFile:
    """A validated file. ``errors`` is always empty: a file with errors raises instead.

    ``rows`` returns a fresh iterator over the transactions each time it is read (file order).
    ``skipped`` counts the rows the file lists but whose status says they are not booked
    (declined, failed, reverted, cancelled or pending; see :mod:`connectors.files.status`):
    they are not in ``rows`` and not in ``row_count``; the first of them are in ``warnings``.
    ``mapping`` is the CSV mapping actually used (preset, saved or guessed; with the date format
    and sign it settled on), for the service to store on the connection; ``None`` otherwise.
    """

    format: FileFormat
    preset: str | None
    row_count: int
    _iterate: Callable[[], Iterator[RawTransaction]] = field(repr=False)
    mapping: CsvMapping | None = None
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    skipped: int = 0

    @property
    def rows(self) -> Iterator[RawTransaction]:
        return map(with_kind, self._iterate())

    def __iter__(self) -> Iterator[RawTransaction]:
        return self.rows


_SNIFF = 8192


def detect_format(data: bytes, filename: str | None = None) -> FileFormat:
    """Guess the format from the first bytes, then from the file name's extension.

    Never returns ``AUTO``; anything unrecognised is taken as CSV (which then explains what
    headers it found if it cannot read them).
    """
    head = data[:_SNIFF].lstrip(b"\xef\xbb\xbf \t\r\n")
    upper = head.upper()
    if upper.startswith(b"OFXHEADER") or b"<OFX>" in upper or b"<?OFX " in upper:
        return FileFormat.OFX
    if re.search(rb"CAMT\.05[234]|<(?:\w+:)?BKTOCSTMR(?:STMT|ACCTRPT|DBTCDTNTFCTN)", upper):
        return FileFormat.CAMT053
    if head.startswith(b"01,") and b"\n02," in head[:2048].replace(b"\r\n", b"\n"):
        return FileFormat.BAI2
    if looks_like_mt940(head):
        return FileFormat.MT940
    if looks_like_qif(head):
        return FileFormat.QIF
    ext = os.path.splitext(filename or "")[1].lower()
    by_extension = {
        ".ofx": FileFormat.OFX,
        ".qfx": FileFormat.OFX,
        ".qbo": FileFormat.OFX,
        ".bai": FileFormat.BAI2,
        ".bai2": FileFormat.BAI2,
        ".xml": FileFormat.CAMT053,
        ".053": FileFormat.CAMT053,
        ".sta": FileFormat.MT940,
        ".mt940": FileFormat.MT940,
        ".940": FileFormat.MT940,
        ".qif": FileFormat.QIF,
    }
    return by_extension.get(ext, FileFormat.CSV)


def parse_file(
    data: bytes | BinaryIO,
    *,
    fmt: FileFormat = FileFormat.AUTO,
    filename: str | None = None,
    preset: str | None = None,
    mapping: CsvMapping | None = None,
    default_currency: str = "USD",
) -> ParsedFile:
    """Validate a whole statement file and return it ready to stream.

    ``data`` is the file's bytes or a binary file object (a seekable one is read in place,
    from its current position; a non-seekable one is read into memory). ``preset`` and
    ``mapping`` apply to CSV only (``mapping`` wins); ``default_currency`` is used for CSV rows
    without a currency column. Raises :class:`FileRejected` (a ``ConnectorConfigError``) for
    any malformed file, and ``ValueError`` for an unknown preset or currency argument.
    """
    if not isinstance(data, bytes | bytearray | memoryview) and not _seekable(data):
        data = data.read()
    if fmt == FileFormat.AUTO:
        fmt = detect_format(_head(data), filename)
    if fmt == FileFormat.CSV:
        csv_file = open_csv(
            data,
            preset=preset,
            mapping=mapping,
            filename=filename,
            default_currency=default_currency,
        )
        count = csv_file.validate()
        # Pin what was settled from the data (a later file with mostly refunds must not flip
        # the sign); encoding and delimiter stay as given so a saved mapping still detects them.
        used = csv_file.mapping.model_copy(
            update={
                "date_format": csv_file.date_format,
                "sign": csv_file.sign,
                "decimal_comma": csv_file.decimal_comma,
            }
        )
        return ParsedFile(
            format=fmt,
            preset=csv_file.preset,
            row_count=count,
            _iterate=csv_file.iter_rows,
            mapping=used,
            warnings=list(csv_file.warnings),
            skipped=csv_file.not_booked,
        )

    streamed: TwoPassFile
    if fmt == FileFormat.MT940:
        streamed = open_mt940(data)
    elif fmt == FileFormat.BAI2:
        streamed = Bai2File(data)
    elif fmt == FileFormat.QIF:
        streamed = open_qif(data, default_currency=default_currency)
    elif fmt == FileFormat.OFX:
        streamed = OfxFile(data)
    elif fmt == FileFormat.CAMT053:
        streamed = Camt053File(data)
    else:  # pragma: no cover - exhaustive over FileFormat
        raise ValueError(f"unknown format {fmt!r}")
    count = streamed.validate()
    return ParsedFile(
        format=fmt,
        preset=None,
        row_count=count,
        _iterate=streamed.iter_rows,
        warnings=list(streamed.warnings),
        skipped=streamed.skipped,
    )


def _seekable(stream: BinaryIO) -> bool:
    try:
        return stream.seekable()
    except (AttributeError, ValueError):
        return False


def _head(data: bytes | bytearray | memoryview | BinaryIO) -> bytes:
    if isinstance(data, bytes | bytearray | memoryview):
        return bytes(data[:_SNIFF])
    position = data.tell()
    head = data.read(_SNIFF)
    data.seek(position)
    return head if isinstance(head, bytes) else bytes(head)


__all__ = [
    "FileFormat",
    "FileRejected",
    "ParsedFile",
    "RowError",
    "detect_format",
    "parse_file",
]
