"""The real statement files in ../shared/bank-files, checked against their reference parsers."""

from __future__ import annotations

import json
import re
import warnings
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from connectors.files import FileFormat, FileRejected, detect_format, parse_file

BANK_FILES = Path(__file__).resolve().parents[2] / ".." / "shared" / "bank-files"

pytestmark = [
    pytest.mark.shared,
    pytest.mark.skipif(not BANK_FILES.is_dir(), reason="../shared/bank-files is absent"),
]


def _files(folder: str, pattern: str) -> list[Path]:
    if not BANK_FILES.is_dir():
        return []
    return sorted((BANK_FILES / folder).glob(pattern))


def _id(path: Path) -> str:
    return path.name


# ---------------------------------------------------------------------------------- OFX


def _ofxtools_count(path: Path) -> int | None:
    """Transactions ofxtools itself finds, or None when ofxtools refuses the file."""
    from ofxtools.Parser import OFXTree

    tree = OFXTree()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            tree.parse(str(path))
            ofx = tree.convert()
        except Exception:
            return None
    return sum(len(s.banktranlist or []) for s in ofx.statements)


GOOD_OFX = _files("ofx", "*.ofx")
BAD_OFX = _files("ofx/fail_nice", "*.ofx")


@pytest.mark.parametrize("path", GOOD_OFX, ids=_id)
def test_ofx_imports_every_statement_transaction(path: Path) -> None:
    data = path.read_bytes()
    assert detect_format(data, path.name) == FileFormat.OFX
    parsed = parse_file(data, filename=path.name)
    rows = list(parsed.rows)
    stmttrn = len(re.findall(rb"<STMTTRN>", data))
    assert parsed.row_count == len(rows) == stmttrn
    reference = _ofxtools_count(path)
    if reference is not None:
        assert len(rows) == reference
    ids = [r.external_id for r in rows]
    assert len(set(ids)) == len(ids)
    assert ids == [r.external_id for r in parse_file(data, filename=path.name).rows]


def test_ofx_checking_values() -> None:
    path = BANK_FILES / "ofx" / "checking.ofx"
    if not path.exists():
        pytest.skip("checking.ofx absent")
    rows = list(parse_file(path.read_bytes()).rows)
    by_fitid = {r.external_id.split(":")[-1]: r for r in rows}
    # Money in (a dividend) is negative, money out positive.
    assert by_fitid["0000486"].amount_minor == -1
    assert by_fitid["0000487"].amount_minor == 3451
    assert by_fitid["0000487"].currency == "USD"
    assert str(by_fitid["0000488"].transaction_date) == "2011-04-07"
    assert by_fitid["0000488"].descriptor == "RETURNED CHECK FEE, CHECK # 319"


@pytest.mark.parametrize("path", BAD_OFX, ids=_id)
def test_malformed_ofx_is_rejected_whole(path: Path) -> None:
    with pytest.raises(FileRejected) as info:
        parse_file(path.read_bytes(), fmt=FileFormat.OFX)
    assert info.value.errors
    for error in info.value.errors:
        assert error.message


def test_ofx_missing_dates_are_reported_per_transaction() -> None:
    path = BANK_FILES / "ofx" / "fail_nice" / "date_missing.ofx"
    if not path.exists():
        pytest.skip("date_missing.ofx absent")
    with pytest.raises(FileRejected) as info:
        parse_file(path.read_bytes(), fmt=FileFormat.OFX)
    assert [(e.row, e.field) for e in info.value.errors] == [
        (1, "DTPOSTED"),
        (2, "DTPOSTED"),
        (3, "DTPOSTED"),
    ]


# ---------------------------------------------------------------------------------- CAMT


def _expected_entries(expected: dict[str, Any]) -> list[tuple[int, str, str, str]]:
    """(signed minor amount, currency, indicator, booking date) per entry the reference lists."""
    out = []
    for entry in expected["getEntries"]:
        money = entry["getAmount"]
        booking = entry["getBookingDate"]["0"][:10] if entry.get("getBookingDate") else ""
        out.append(
            (
                int(money["getAmount"]),
                money["getCurrency"]["getCode"],
                entry["getCreditDebitIndicator"],
                booking,
            )
        )
    return out


CAMT_GOOD = [p for p in _files("camt053", "*.xml") if (p.with_suffix(".expected.json")).exists()]


@pytest.mark.parametrize("path", CAMT_GOOD, ids=_id)
def test_camt053_matches_the_reference_parser(path: Path) -> None:
    data = path.read_bytes()
    assert detect_format(data, path.name) == FileFormat.CAMT053
    parsed = parse_file(data, filename=path.name)
    rows = list(parsed.rows)
    assert parsed.row_count == len(rows) == data.count(b"<Ntry>")
    expected = json.loads(path.with_suffix(".expected.json").read_text())
    ours = {
        # The reference signs amounts from the account's view (credit positive); ours is
        # money out positive, hence the minus.
        (-r.amount_minor, r.currency, r.raw["credit_debit"], str(r.posted_date))
        for r in rows
    }
    for entry in _expected_entries(expected):
        assert entry in ours
    if len(re.findall(rb"<Stmt>", data)) == 1:
        assert len(rows) == len(expected["getEntries"])
    for entry in expected["getEntries"]:
        reference = entry.get("getAccountServicerReference")
        if reference:
            assert any(r.external_id.endswith(":" + reference) for r in rows)


def test_camt053_wrong_is_rejected() -> None:
    path = BANK_FILES / "camt053" / "camt053.v2.wrong.xml"
    if not path.exists():
        pytest.skip("wrong.xml absent")
    with pytest.raises(FileRejected) as info:
        parse_file(path.read_bytes(), filename=path.name)
    assert info.value.errors[0].field == "Stmt"


# ---------------------------------------------------------------------------------- BAI2


@pytest.mark.parametrize("path", _files("bai2", "*.bai2"), ids=_id)
def test_bai2_matches_the_bai2_package(path: Path) -> None:
    from bai2 import bai2 as reference_parser

    data = path.read_bytes()
    document = reference_parser.parse_from_string(data.decode())
    details = [
        detail
        for group in document.children
        for account in group.children
        for detail in account.children
    ]
    assert detect_format(data, path.name) == FileFormat.BAI2
    parsed = parse_file(data, filename=path.name)
    rows = list(parsed.rows)
    assert parsed.row_count == len(rows) == len(details)
    assert sorted(abs(r.amount_minor) for r in rows) == sorted(int(d.amount) for d in details)
    ids = [r.external_id for r in rows]
    assert len(set(ids)) == len(ids)


def test_bai2_svb_values() -> None:
    path = BANK_FILES / "bai2" / "svb_us_example.bai2"
    if not path.exists():
        pytest.skip("svb example absent")
    rows = list(parse_file(path.read_bytes()).rows)
    # Type 142 (ACH credit received) is money in: negative.
    assert [(r.amount_minor, r.currency) for r in rows] == [(-490196, "USD"), (-905800, "USD")]
    assert rows[0].external_id == "1234567890:172629"
    assert Decimal(rows[0].amount_minor) / 100 == Decimal("-4901.96")
