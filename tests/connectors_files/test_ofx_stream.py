"""OFX read in chunks: the same rows whatever the chunk size (tags cut by a chunk's end),
from bytes or from a file object, and the markup checks the whole-text reader made."""

from __future__ import annotations

import io
import re

import pytest

from connectors.base import RawTransaction
from connectors.files import FileFormat, FileRejected, ofx_stream, parse_file
from tests.connectors_files.test_formats import OFX2_CARD_AND_BANK, OFX2_INVESTMENT
from tests.connectors_files.test_sloppy import _shared

FILES = [
    pytest.param(lambda: OFX2_CARD_AND_BANK, id="ofx2-card-and-bank"),
    pytest.param(lambda: OFX2_INVESTMENT, id="ofx2-investment"),
    pytest.param(lambda: _shared("ofx", "checking.ofx").encode("latin-1"), id="ofx1-checking"),
    pytest.param(
        lambda: re.sub(
            rb"<(/?)(STMTTRN|STMTRS|BANKTRANLIST)>",
            lambda m: m[0].lower(),
            _shared("ofx", "checking.ofx").encode("latin-1"),
        ),
        id="ofx1-lower-case-tags",
    ),
]


def _rows(data: bytes) -> list[RawTransaction]:
    return list(parse_file(data, fmt=FileFormat.OFX).rows)


@pytest.mark.parametrize("make", FILES)
@pytest.mark.parametrize("chunk", [1, 3, 7, 14, 64, 4096])
def test_every_chunk_size_gives_the_same_rows(
    make: object, chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = make()  # type: ignore[operator]
    whole = _rows(data)
    assert whole
    monkeypatch.setattr(ofx_stream, "CHUNK", chunk)
    assert _rows(data) == whole


def test_a_file_object_is_read_from_its_position() -> None:
    stream = io.BytesIO(b"not part of the upload" + OFX2_CARD_AND_BANK)
    stream.seek(len(b"not part of the upload"))
    parsed = parse_file(stream, fmt=FileFormat.OFX)
    assert list(parsed.rows) == _rows(OFX2_CARD_AND_BANK)


def test_statement_fields_after_the_transactions_still_apply_to_them() -> None:
    # The account and currency written after BANKTRANLIST (out of the spec's order): the
    # statement's shell is gathered before its transactions are converted.
    text = _shared("ofx", "checking.ofx")
    moved = re.sub(
        r"(<CURDEF>[^<]*)(<BANKACCTFROM>.*?</BANKACCTFROM>)(.*?</BANKTRANLIST>)",
        r"\3\1\2",
        text,
        flags=re.S,
    )
    assert moved != text
    assert _rows(moved.encode("latin-1")) == _rows(text.encode("latin-1"))


def test_an_undeclared_windows_1252_body_is_read() -> None:
    text = OFX2_CARD_AND_BANK.decode()
    body = text[text.index("<OFX>") :]
    named = re.sub(r"<NAME>([^<]*)", "<NAME>CAF\u00c9 \\1", body, count=1)
    rows = _rows(named.encode("cp1252"))
    assert rows[0].descriptor.startswith("CAFÉ ")


def test_a_stmttrn_outside_any_statement_is_refused() -> None:
    text = OFX2_CARD_AND_BANK.decode()
    block = re.search(r"<STMTTRN>.*?</STMTTRN>", text, flags=re.S)
    assert block is not None
    stray = text.replace("</SIGNONMSGSRSV1>", "</SIGNONMSGSRSV1>" + block[0], 1)
    with pytest.raises(FileRejected) as info:
        parse_file(stray.encode(), fmt=FileFormat.OFX)
    assert [(e.row, e.field) for e in info.value.errors] == [(None, "STMTTRN")]


def test_a_file_with_neither_header_nor_ofx_element_is_not_ofx() -> None:
    with pytest.raises(FileRejected, match="not an OFX file"):
        parse_file(b"<html><body>hello</body></html>", fmt=FileFormat.OFX)
