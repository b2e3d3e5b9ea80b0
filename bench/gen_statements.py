"""Statement files of a given size in every format the importer reads, for the import bench.

    python bench/gen_statements.py ofx 50 -o big.ofx      # about 50 MB of OFX

Rows are card and bank movements with realistic descriptors (software, travel, payments),
dated over a year, each format written as its banks write it (OFX 1.x SGML, CAMT.053 v2,
BAI2 with correct control totals, MT940 with one statement a day, QIF, a card CSV).
Deterministic: the same arguments give the same file.
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import TextIO

MERCHANTS = (
    "ZOOM.US 888-799-9666 CA",
    "ADOBE *CREATIVE CLD",
    "NOTION LABS INC",
    "FIGMA MONTHLY",
    "ATLASSIAN",
    "GITHUB INC",
    "SLACK T01234567",
    "DATADOG INC NEW YORK",
    "AMZN MKTP US*2K4",
    "UBER *TRIP",
    "DELTA AIR LINES",
    "SQ *BLUE BOTTLE COFFEE",
    "PAYMENT RECEIVED - THANK YOU",
)
FORMATS = ("csv", "ofx", "camt053", "bai2", "mt940", "qif")


def _rows(seed: int = 7) -> Iterator[tuple[int, date, int, str]]:
    """(n, date, amount in cents (positive = money out), descriptor), endlessly."""
    rng = random.Random(seed)
    start = date(2025, 1, 1)
    n = 0
    while True:
        n += 1
        merchant = rng.choice(MERCHANTS)
        cents = rng.randint(100, 250_000)
        if merchant.startswith("PAYMENT") or rng.random() < 0.03:
            cents = -cents
        yield n, start + timedelta(days=(n // 900) % 365), cents, f"{merchant} {n % 9973}"


def _money(cents: int, comma: bool = False) -> str:
    text = f"{abs(cents) // 100}.{abs(cents) % 100:02d}"
    return text.replace(".", ",") if comma else text


def write(fmt: str, out: TextIO, target: int) -> int:
    """Write about ``target`` bytes of ``fmt`` to ``out``; return the number of rows."""
    return {
        "csv": _csv,
        "ofx": _ofx,
        "camt053": _camt,
        "bai2": _bai2,
        "mt940": _mt940,
        "qif": _qif,
    }[fmt](out, target)


def _csv(out: TextIO, target: int) -> int:
    out.write("Date,Description,Card Member,Account #,Amount\n")
    size = n = 0
    for n, day, cents, text in _rows():  # noqa: B007 - n is the count afterwards
        line = f"{day:%m/%d/%Y},{text},JANE DOE,-41004,{'-' if cents < 0 else ''}{_money(cents)}\n"
        size += out.write(line)
        if size >= target:
            break
    return n


def _ofx(out: TextIO, target: int) -> int:
    out.write(
        "OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nSECURITY:NONE\nENCODING:USASCII\n"
        "CHARSET:1252\nCOMPRESSION:NONE\nOLDFILEUID:NONE\nNEWFILEUID:NONE\n\n<OFX>\n"
        "<SIGNONMSGSRSV1><SONRS><STATUS><CODE>0<SEVERITY>INFO</STATUS>"
        "<DTSERVER>20260101<LANGUAGE>ENG</SONRS></SIGNONMSGSRSV1>\n"
        "<CREDITCARDMSGSRSV1><CCSTMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS>\n"
        "<CCSTMTRS><CURDEF>USD<CCACCTFROM><ACCTID>4111111111117730</CCACCTFROM>\n"
        "<BANKTRANLIST><DTSTART>20250101<DTEND>20251231\n"
    )
    size = n = 0
    for n, day, cents, text in _rows():
        kind = "CREDIT" if cents < 0 else "DEBIT"
        size += out.write(
            f"<STMTTRN><TRNTYPE>{kind}<DTPOSTED>{day:%Y%m%d}120000<TRNAMT>"
            f"{'' if cents < 0 else '-'}{_money(cents)}<FITID>{n}<NAME>{text[:32]}"
            f"<MEMO>{text}</STMTTRN>\n"
        )
        if size >= target:
            break
    out.write(
        "</BANKTRANLIST><LEDGERBAL><BALAMT>0.00<DTASOF>20251231</LEDGERBAL>\n"
        "</CCSTMTRS></CCSTMTTRNRS></CREDITCARDMSGSRSV1></OFX>\n"
    )
    return n


def _camt(out: TextIO, target: int) -> int:
    out.write(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">\n<BkToCstmrStmt>\n'
        "<GrpHdr><MsgId>BENCH</MsgId><CreDtTm>2026-01-01T08:00:00</CreDtTm></GrpHdr>\n"
        "<Stmt><Id>S1</Id><Acct><Id><IBAN>DE89370400440532013000</IBAN></Id></Acct>\n"
    )
    size = n = 0
    for n, day, cents, text in _rows():
        sign = "CRDT" if cents < 0 else "DBIT"
        side = "Dbtr" if cents < 0 else "Cdtr"
        size += out.write(
            f'<Ntry><Amt Ccy="EUR">{_money(cents)}</Amt><CdtDbtInd>{sign}</CdtDbtInd>'
            f"<Sts>BOOK</Sts><BookgDt><Dt>{day.isoformat()}</Dt></BookgDt>"
            f"<ValDt><Dt>{day.isoformat()}</Dt></ValDt><AcctSvcrRef>R{n}</AcctSvcrRef>"
            f"<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>ICDT</Cd><SubFmlyCd>ESCT</SubFmlyCd>"
            f"</Fmly></Domn></BkTxCd><NtryDtls><TxDtls><RltdPties><{side}><Nm>{text}</Nm>"
            f"</{side}></RltdPties><RmtInf><Ustrd>Invoice {n}</Ustrd></RmtInf></TxDtls>"
            f"</NtryDtls></Ntry>\n"
        )
        if size >= target:
            break
    out.write("</Stmt>\n</BkToCstmrStmt>\n</Document>\n")
    return n


def _bai2(out: TextIO, target: int) -> int:
    lines = ["01,BANK,CUST,260101,0800,1,,,2/", "02,CUST,BANK,1,251231,2400,USD,2/"]
    lines.append("03,5550001,USD,010,0,,,015,0,,,/")
    out.write("\n".join(lines) + "\n")
    size = n = total = 0
    records = 1  # the 03
    for n, _day, cents, text in _rows():
        code = 165 if cents < 0 else 475
        size += out.write(f"16,{code},{abs(cents)},,REF{n},,{text}/\n")
        total += abs(cents)
        records += 1
        if size >= target:
            break
    records += 1  # the 49
    out.write(f"49,{total},{records}/\n98,{total},1,{records + 2}/\n99,{total},1,{records + 4}/\n")
    return n


def _mt940(out: TextIO, target: int) -> int:
    size = n = 0
    balance = 0
    current: date | None = None
    for n, day, cents, text in _rows():
        if day != current:
            if current is not None:
                size += out.write(
                    f":62F:{_mark(balance)}{current:%y%m%d}EUR{_money(balance, True)}\n-\n"
                )
            current = day
            size += out.write(
                f":20:STMT{day:%y%m%d}\n:25:DE89370400440532013000\n:28C:{day.timetuple().tm_yday}/1\n"
                f":60F:{_mark(balance)}{day:%y%m%d}EUR{_money(balance, True)}\n"
            )
        balance -= cents
        mark = "C" if cents < 0 else "D"
        size += out.write(
            f":61:{day:%y%m%d}{day:%m%d}{mark}{_money(cents, True)}NTRFNONREF//B{n}\n"
            f":86:166?00SEPA-UEBERWEISUNG?20SVWZ+Invoice {n}?32{text[:27]}\n"
        )
        if size >= target:
            break
    assert current is not None
    out.write(f":62F:{_closing(balance, current)}\n-\n")
    return n


def _closing(balance: int, day: date) -> str:
    return f"{_mark(balance)}{day:%y%m%d}EUR{_money(balance, True)}"


def _mark(balance: int) -> str:
    return "C" if balance >= 0 else "D"


def _qif(out: TextIO, target: int) -> int:
    size = out.write("!Account\nNCorporate Card\nTCCard\n^\n!Type:CCard\n")
    n = 0
    for n, day, cents, text in _rows():  # noqa: B007 - n is the count afterwards
        size += out.write(
            f"D{day:%m/%d/%Y}\nT{'' if cents < 0 else '-'}{_money(cents)}\nP{text}\nLSoftware\n^\n"
        )
        if size >= target:
            break
    return n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("format", choices=FORMATS)
    parser.add_argument("megabytes", type=float)
    parser.add_argument("-o", "--output", required=True)
    args = parser.parse_args()
    with Path(args.output).open("w", encoding="utf-8", newline="\n") as out:
        rows = write(args.format, out, int(args.megabytes * 1e6))
    print(rows)


if __name__ == "__main__":
    main()
