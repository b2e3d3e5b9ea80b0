"""Write N realistic corporate-card rows as CSV, for import benchmarks and tests.

    python bench/gen_card_csv.py 1000000 -o /tmp/card.csv
    python bench/gen_card_csv.py 10000 --layout amex --bad-amount-row 9000 -o /tmp/bad.csv

Layouts: ``card`` (generic card export read through the guessed mapping: Transaction Date,
Post Date, Description, Amount, Currency, MCC, Cardholder, Email, Department, Card Last 4),
``amex``, ``chase``. Output is deterministic for a given ``--seed``. ``--bad-amount-row K``
writes a malformed amount on data row K (1-based, the first row after the header), and
``--duplicates`` repeats every 50th row verbatim (identical rows that must stay two rows).
``--start`` and ``--days`` set the dates the rows spread over (2025-01-01 and 365 by default).
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from datetime import date, timedelta
from typing import TextIO

# (billing descriptor, MCC, typical amount in cents)
MERCHANTS: list[tuple[str, str, int]] = [
    ("AMAZON WEB SERVICES AWS.AMAZON.CO WA", "4816", 184_312),
    ("GITHUB, INC. GITHUB.COM CA", "5734", 2_100),
    ("SLACK T0123ABCD DUBLIN", "5734", 87_500),
    ("ZOOM.US 888-799-9666 CA", "4899", 14_990),
    ("ATLASSIAN SAN FRANCISCO CA", "5734", 42_000),
    ("FIGMA SAN FRANCISCO CA", "5734", 4_500),
    ("NOTION LABS, INC. SAN FRANCISCO", "5734", 1_000),
    ("GOOGLE *WORKSPACE_ACME CC@GOOGLE.COM", "5734", 21_600),
    ("MSFT *AZURE 800-642-7676 WA", "5734", 63_210),
    ("ADOBE *CREATIVE CLOUD 408-536-6000 CA", "5734", 8_999),
    ("DROPBOX*ABCD1234 SAN FRANCISCO", "5734", 2_000),
    ("OPENAI *CHATGPT SUBSCR SAN FRANCISCO", "5734", 2_000),
    ("PADDLE.NET* N8N CLOUD LONDON", "5734", 2_400),
    ("FS *SKETCH BV 888-555-0101", "5734", 1_200),
    ("2CO.COM*TEMPLATEMONSTER", "5734", 7_900),
    ("DATADOG INC NEW YORK NY", "7372", 151_000),
    ("HUBSPOT INC CAMBRIDGE MA", "5734", 80_000),
    ("CANVA* I03812-34567 SURRY HILLS", "5734", 1_299),
    ("LINEAR ORBIT INC", "5734", 1_600),
    ("INTERCOM INC SAN FRANCISCO CA", "5734", 39_500),
    ("UBER *TRIP HELP.UBER.COM CA", "4121", 2_375),
    ("DELTA AIR 0062345678901 ATLANTA", "3058", 48_960),
    ("MARRIOTT SAN DIEGO DT CA", "3509", 61_244),
    ("STARBUCKS STORE 01234 SEATTLE WA", "5814", 675),
    ("SQ *BLUE BOTTLE COFFEE OAKLAND CA", "5814", 1_150),
    ("DOORDASH*SWEETGREEN SAN FRANCISCO", "5812", 3_840),
    ("WEWORK 123 MAIN ST NEW YORK NY", "6513", 120_000),
    ("STAPLES 00123 BOSTON MA", "5943", 5_612),
    ("FEDEX 123456789 MEMPHIS TN", "4215", 3_115),
    ("LINKEDIN-JOBS 855-655-5653 CA", "7311", 49_500),
]
PEOPLE = [
    ("Ana Lima", "ana.lima@acme.example", "Marketing", "4821"),
    ("Ben Okafor", "ben.okafor@acme.example", "Engineering", "1934"),
    ("Chen Wei", "chen.wei@acme.example", "IT", "7730"),
    ("Dana Cohen", "dana.cohen@acme.example", "Sales", "0042"),
    ("Eli Novak", "eli.novak@acme.example", "Finance", "5518"),
    ("Fatima Zahra", "fatima.zahra@acme.example", "Marketing", "2207"),
    ("Gus Hansen", "gus.hansen@acme.example", "Engineering", "9386"),
    ("Hana Sato", "hana.sato@acme.example", "Design", "6645"),
]
HEADERS = {
    "card": [
        "Transaction Date",
        "Post Date",
        "Description",
        "Amount",
        "Currency",
        "MCC",
        "Cardholder",
        "Email",
        "Department",
        "Card Last 4",
    ],
    "amex": [
        "Date",
        "Description",
        "Card Member",
        "Account #",
        "Amount",
        "Extended Details",
        "Appears On Your Statement As",
        "Address",
        "City/State",
        "Zip Code",
        "Country",
        "Reference",
        "Category",
    ],
    "chase": ["Transaction Date", "Post Date", "Description", "Category", "Type", "Amount", "Memo"],
}


def _amount(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}" if cents >= 0 else "-" + _amount(-cents)


def generate(
    out: TextIO,
    rows: int,
    *,
    layout: str = "card",
    seed: int = 7,
    bad_amount_row: int | None = None,
    duplicates: bool = False,
    start: date = date(2025, 1, 1),
    days: int = 365,
) -> None:
    """Write a header and ``rows`` data rows to ``out`` (see the module docstring), their
    dates spread evenly over ``days`` days from ``start``."""
    rng = random.Random(seed)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADERS[layout])
    written = 0
    previous: list[str] | None = None
    while written < rows:
        written += 1
        if duplicates and previous is not None and written % 50 == 0:
            row = previous
        else:
            descriptor, mcc, typical = rng.choice(MERCHANTS)
            name, email, department, last4 = rng.choice(PEOPLE)
            day = start + timedelta(days=(written * days) // max(rows, 1))
            posted = day + timedelta(days=rng.choice((0, 1, 1, 2)))
            cents = max(1, int(typical * rng.uniform(0.6, 1.4)))
            if rng.random() < 0.02:
                cents = -cents  # refund
            row = _row(
                layout,
                rng,
                written,
                day,
                posted,
                descriptor,
                mcc,
                cents,
                name,
                email,
                department,
                last4,
            )
        if bad_amount_row == written:
            row = list(row)
            amount_column = HEADERS[layout].index("Amount")
            row[amount_column] = "12..34"
        writer.writerow(row)
        previous = row


def _row(
    layout: str,
    rng: random.Random,
    n: int,
    day: date,
    posted: date,
    descriptor: str,
    mcc: str,
    cents: int,
    name: str,
    email: str,
    department: str,
    last4: str,
) -> list[str]:
    if layout == "amex":
        merchant = descriptor.split("  ")[0]
        return [
            day.strftime("%m/%d/%Y"),
            merchant,
            name.upper(),
            f"-{last4}1",
            _amount(cents),
            f"{rng.randrange(10**9):09d}  {merchant}",
            descriptor,
            "1 MAIN ST",
            "SAN FRANCISCO CA",
            "94105",
            "UNITED STATES",
            f"'3202{n:014d}'",
            "Business Services-Software",
        ]
    if layout == "chase":
        kind = "Sale" if cents > 0 else "Return"
        return [
            day.strftime("%m/%d/%Y"),
            posted.strftime("%m/%d/%Y"),
            descriptor,
            "Shopping",
            kind,
            _amount(-cents),
            "",
        ]
    return [
        day.isoformat(),
        posted.isoformat(),
        descriptor,
        _amount(cents),
        "USD",
        mcc,
        name,
        email,
        department,
        last4,
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", type=int)
    parser.add_argument("-o", "--output", help="file to write (default: stdout)")
    parser.add_argument("--layout", choices=sorted(HEADERS), default="card")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--bad-amount-row", type=int)
    parser.add_argument("--duplicates", action="store_true")
    parser.add_argument(
        "--start", type=date.fromisoformat, default=date(2025, 1, 1), help="first day (ISO)"
    )
    parser.add_argument("--days", type=int, default=365, help="days the rows spread over")
    args = parser.parse_args(argv)
    options = {
        "layout": args.layout,
        "seed": args.seed,
        "bad_amount_row": args.bad_amount_row,
        "duplicates": args.duplicates,
        "start": args.start,
        "days": args.days,
    }
    if args.output:
        with open(args.output, "w", newline="", encoding="utf-8") as out:
            generate(out, args.rows, **options)
    else:
        generate(sys.stdout, args.rows, **options)


if __name__ == "__main__":
    main()
