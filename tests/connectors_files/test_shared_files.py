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


@pytest.mark.parametrize("path", [p for p in BAD_OFX if p.name != "empty_balance.ofx"], ids=_id)
def test_malformed_ofx_is_rejected_whole(path: Path) -> None:
    with pytest.raises(FileRejected) as info:
        parse_file(path.read_bytes(), fmt=FileFormat.OFX)
    assert info.value.errors
    for error in info.value.errors:
        assert error.message


def test_ofx_with_empty_balances_imports_its_transactions_and_says_so() -> None:
    """Balances describe the account, not its transactions: empty ones are set aside."""
    path = BANK_FILES / "ofx" / "fail_nice" / "empty_balance.ofx"
    if not path.exists():
        pytest.skip("empty_balance.ofx absent")
    data = path.read_bytes()
    parsed = parse_file(data, fmt=FileFormat.OFX)
    assert parsed.row_count == len(list(parsed.rows)) == data.count(b"<STMTTRN>")
    assert {w.field for w in parsed.warnings} == {"LEDGERBAL", "AVAILBAL"}


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


# ---------------------------------------------------------------------------------- MT940

MT940_FILES = _files("mt940", "*.sta")

# Fixtures refused on purpose, with the error (row, tag) that says why; every other fixture
# imports exactly the transactions mt-940 itself finds.
MT940_REJECTED = {
    # Fragments of a statement without any balance line: the currency is unknown.
    "betterplace_empty_entry_date.sta": (1, ":60F:", "gives no currency"),
    "cmxl_statement_details.sta": (1, ":60F:", "gives no currency"),
    "self-provided_sparkassen.sta": (1, ":60F:", "gives no currency"),
    # The :86: of its only transaction is written as a second :25: (account).
    "betterplace_sepa_snippet_broken.sta": (1, ":25:", "second account identification"),
    # Ten numbered lines, no MT940 tag at all.
    "self-provided_invalid_statement.sta": (None, None, "not an MT940 statement"),
}


def _mt940_reference_count(path: Path) -> int:
    import logging

    import mt940

    logging.getLogger("mt940").setLevel(logging.CRITICAL)
    return len(mt940.parse(str(path)))


@pytest.mark.parametrize("path", MT940_FILES, ids=_id)
def test_mt940_fixture_imports_what_mt940_finds_or_is_refused_as_documented(path: Path) -> None:
    data = path.read_bytes()
    if path.name in MT940_REJECTED:
        row, tag, message = MT940_REJECTED[path.name]
        with pytest.raises(FileRejected) as info:
            parse_file(data, fmt=FileFormat.MT940)
        first = info.value.errors[0]
        assert (first.row, first.field) == (row, tag)
        assert message in first.message
        return
    assert detect_format(data, "statement.txt") == FileFormat.MT940  # by content, not name
    parsed = parse_file(data, filename="statement.txt")
    rows = list(parsed.rows)
    assert parsed.row_count == len(rows) == _mt940_reference_count(path)
    ids = [r.external_id for r in rows]
    assert len(set(ids)) == len(ids)
    assert ids == [r.external_id for r in parse_file(data).rows]
    assert all(r.currency and r.descriptor for r in rows)


def test_mt940_amounts_signs_and_dates_match_mt940() -> None:
    import mt940

    path = BANK_FILES / "mt940" / "betterplace_sepa_mt9401.sta"
    if not path.exists():
        pytest.skip("sepa_mt9401 absent")
    reference = mt940.parse(str(path), options=mt940.Options.all())
    rows = list(parse_file(path.read_bytes()).rows)
    assert len(rows) == len(reference) == 97
    for ours, theirs in zip(rows, reference, strict=True):
        amount = theirs.data["amount"]
        # mt-940 signs from the account holder's view (credit positive); ours is money out.
        assert Decimal(-ours.amount_minor) / 100 == amount.amount
        assert ours.currency == amount.currency
        assert ours.transaction_date == (theirs.data.get("entry_date") or theirs.data["date"])
        assert ours.raw["value_date"] == str(theirs.data["date"])


def test_mt940_february_30_reads_as_the_last_day_of_february() -> None:
    path = BANK_FILES / "mt940" / "self-provided_february_30.sta"
    if not path.exists():
        pytest.skip("february_30 absent")
    (row,) = parse_file(path.read_bytes()).rows
    assert row.raw["value_date"] == "2016-02-29"
    assert str(row.transaction_date) == "2016-03-01"  # the booking date the line gives
    assert row.amount_minor == 600


# ---------------------------------------------------------------------------------- every file


def test_every_shared_statement_file_is_detected_by_content() -> None:
    expected = {
        "ofx": FileFormat.OFX,
        "camt053": FileFormat.CAMT053,
        "bai2": FileFormat.BAI2,
        "mt940": FileFormat.MT940,
    }
    for folder, fmt in expected.items():
        for path in _files(folder, "*.*"):
            if (
                path.name.startswith("LICENSE")
                or path.suffix in (".json", "")
                or (path.name == "self-provided_invalid_statement.sta")
            ):
                continue
            assert detect_format(path.read_bytes(), "upload.txt") == fmt, path.name
