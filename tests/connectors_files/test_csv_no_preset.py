"""CSV exports nobody wrote a preset for, in the shapes banks really use: headers in several
languages, semicolons and decimal commas, debit/credit columns, an indicator column or a
``CR``/``DR`` next to the amount, preambles and totals footers. Every file here was written for
this test in the layout of a kind of export (no bank's file is copied); each row's merchant is
made up. A file reads to the facts listed, or is refused at the row and column at fault."""

from __future__ import annotations

import pytest

from connectors.files import FileFormat, FileRejected, parse_file
from connectors.files.csv_words import is_totals_cell, split_marker

Fact = tuple[int, str, str]


def _facts(text: str, encoding: str = "utf-8") -> list[Fact]:
    parsed = parse_file(text.encode(encoding), fmt=FileFormat.CSV, default_currency="EUR")
    rows = list(parsed.rows)
    assert parsed.row_count == len(rows)
    return [(r.amount_minor, str(r.transaction_date), r.descriptor) for r in rows]


GERMAN_SAVINGS_BANK = """\
"Auftragskonto";"Buchungstag";"Valutadatum";"Buchungstext";"Verwendungszweck";"Beguenstigter/Zahlungspflichtiger";"Betrag";"Waehrung"
"DE00123";"03.01.25";"03.01.25";"FOLGELASTSCHRIFT";"Abo 2025-01";"Wolkenbuch GmbH";"-1.234,56";"EUR"
"DE00123";"07.01.25";"07.01.25";"GUTSCHR. UEBERWEISUNG";"Rueckerstattung";"Tabellenwerk AG";"20,00";"EUR"
"DE00123";"09.01.25";"09.01.25";"ENTGELTABSCHLUSS";"Kontofuehrung";"";"-4,90";"EUR"
"""

GERMAN_DEBIT_CREDIT_WITH_FOOTER = """\
Umsätze Girokonto;Zeitraum: 01.01.2025 - 31.01.2025
Letzter Kontostand;;;;4.000,00;EUR

Buchungstag;Wert;Umsatzart;Begünstigter / Auftraggeber;Verwendungszweck;Soll;Haben;Währung
02.01.2025;02.01.2025;Lastschrift;Notizblock Software GmbH;Rechnung 77;-99,00;;EUR
15.01.2025;15.01.2025;Gutschrift;Kundin Meier;Danke;;1.500,00;EUR
Kontostand;31.01.2025;;;5.401,00;EUR
"""

FRENCH_SPLIT_COLUMNS = """\
Date;Libellé;Débit euros;Crédit euros
06/01/2025;PRLV SEPA LOGICIELS DURAND;12,50;
08/01/2025;VIR RECU CLIENT;;300,00
Total des opérations;;12,50;300,00
"""

FRENCH_SIGNED = """\
Date opération;Catégorie;Libellé opération;Montant opération
2025-01-04;Abonnements;CB ATELIER NUAGE 03/01;-29,99
2025-01-05;Remboursements;AVOIR ATELIER NUAGE;5,00
2025-01-06;Abonnements;CB CARNET EN LIGNE 05/01;-7,00
"""

DUTCH_AF_BIJ = """\
"Datum","Naam / Omschrijving","Rekening","Tegenrekening","Code","Af Bij","Bedrag (EUR)","MutatieSoort","Mededelingen"
"20250102","Rekenblad BV","NL00BANK0123","NL00BANK0456","IC","Af","15,00","Incasso","Maand januari"
"20250110","Terugbetaling","NL00BANK0123","NL00BANK0789","GT","Bij","2,50","Online bankieren","Retour"
"""

SPANISH = """\
Fecha;Fecha valor;Concepto;Importe;Saldo
02/01/2025;02/01/2025;PAGO TARJETA NUBE DE DATOS SL;-14,99;985,01
05/01/2025;05/01/2025;DEVOLUCION NUBE DE DATOS SL;14,99;1.000,00
07/01/2025;07/01/2025;RECIBO HOJAS CALCULO SA;-1.100,00;-100,00
"""

ITALIAN_IN_OUT = """\
Data contabile;Data valuta;Descrizione;Entrate;Uscite;Divisa
10/01/2025;10/01/2025;ADDEBITO SERVIZI CLOUD SRL;;45,00;EUR
12/01/2025;12/01/2025;BONIFICO A VOSTRO FAVORE;120,00;;EUR
"""

ENGLISH_INDICATOR = """\
Date,Description,Amount,CR/DR
01/02/2025,PIXELDESK SUBSCRIPTION,14.99,DR
01/03/2025,PIXELDESK REFUND,14.99,CR
01/04/2025,BOARDNOTES ANNUAL,"1,200.00",DR
"""

ENGLISH_UNSIGNED_WITH_TYPE = """\
Date,Description,Amount,Type
01/02/2025,PIXELDESK SUBSCRIPTION,14.99,DEBIT
01/03/2025,PIXELDESK REFUND,5.00,CREDIT
01/04/2025,BOARDNOTES ANNUAL,120.00,Debit
"""

ENGLISH_MARKED_AMOUNTS = """\
Date,Description,Amount
01/02/2025,PIXELDESK SUBSCRIPTION,14.99
01/03/2025,PAYMENT RECEIVED - THANK YOU,250.00 CR
01/04/2025,BOARDNOTES ANNUAL,DR 120.00
"""

ENGLISH_FOOTERS = """\
Date,Description,Amount
01/02/2025,PIXELDESK SUBSCRIPTION,-14.99
01/03/2025,TOTAL,-9.00
01/05/2025,BOARDNOTES,-10.00
,Total,-33.99
01/31/2025,Closing balance,966.01
"""

ENGLISH_SUBTOTALS = """\
Date,Card Member,Description,Amount
01/02/2025,A SMITH,PIXELDESK SUBSCRIPTION,14.99
Subtotal A SMITH,,,14.99
01/04/2025,B JONES,BOARDNOTES,10.00
Subtotal B JONES,,,10.00
Grand total,,,24.99
"""

TABBED_SEMICOLON_WHOLE_EUROS = """\
Datum;Omschrijving;Bedrag
03-01-2025;Rekenblad BV;-1.200
04-01-2025;Notitie BV;-15
05-01-2025;Stroom BV;-7
"""

SURVIVED = [
    pytest.param(
        GERMAN_SAVINGS_BANK,
        [
            (123456, "2025-01-03", "Wolkenbuch GmbH"),
            (-2000, "2025-01-07", "Tabellenwerk AG"),
            (490, "2025-01-09", "Kontofuehrung"),
        ],
        id="de-semicolon-decimal-comma-payee-then-purpose",
    ),
    pytest.param(
        GERMAN_DEBIT_CREDIT_WITH_FOOTER,
        [
            (9900, "2025-01-02", "Notizblock Software GmbH"),
            (-150000, "2025-01-15", "Kundin Meier"),
        ],
        id="de-soll-haben-preamble-footer",
    ),
    pytest.param(
        FRENCH_SPLIT_COLUMNS,
        [
            (1250, "2025-01-06", "PRLV SEPA LOGICIELS DURAND"),
            (-30000, "2025-01-08", "VIR RECU CLIENT"),
        ],
        id="fr-debit-credit-totals",
    ),
    pytest.param(
        FRENCH_SIGNED,
        [
            (2999, "2025-01-04", "CB ATELIER NUAGE 03/01"),
            (-500, "2025-01-05", "AVOIR ATELIER NUAGE"),
            (700, "2025-01-06", "CB CARNET EN LIGNE 05/01"),
        ],
        id="fr-signed-amount",
    ),
    pytest.param(
        DUTCH_AF_BIJ,
        [
            (1500, "2025-01-02", "Rekenblad BV"),
            (-250, "2025-01-10", "Terugbetaling"),
        ],
        id="nl-af-bij-indicator-quoted-decimal-comma",
    ),
    pytest.param(
        SPANISH,
        [
            (1499, "2025-01-02", "PAGO TARJETA NUBE DE DATOS SL"),
            (-1499, "2025-01-05", "DEVOLUCION NUBE DE DATOS SL"),
            (110000, "2025-01-07", "RECIBO HOJAS CALCULO SA"),
        ],
        id="es-importe",
    ),
    pytest.param(
        ITALIAN_IN_OUT,
        [
            (4500, "2025-01-10", "ADDEBITO SERVIZI CLOUD SRL"),
            (-12000, "2025-01-12", "BONIFICO A VOSTRO FAVORE"),
        ],
        id="it-entrate-uscite",
    ),
    pytest.param(
        ENGLISH_INDICATOR,
        [
            (1499, "2025-01-02", "PIXELDESK SUBSCRIPTION"),
            (-1499, "2025-01-03", "PIXELDESK REFUND"),
            (120000, "2025-01-04", "BOARDNOTES ANNUAL"),
        ],
        id="en-cr-dr-column",
    ),
    pytest.param(
        ENGLISH_UNSIGNED_WITH_TYPE,
        [
            (1499, "2025-01-02", "PIXELDESK SUBSCRIPTION"),
            (-500, "2025-01-03", "PIXELDESK REFUND"),
            (12000, "2025-01-04", "BOARDNOTES ANNUAL"),
        ],
        id="en-unsigned-amount-type-debit-credit",
    ),
    pytest.param(
        ENGLISH_MARKED_AMOUNTS,
        [
            (1499, "2025-01-02", "PIXELDESK SUBSCRIPTION"),
            (-25000, "2025-01-03", "PAYMENT RECEIVED - THANK YOU"),
            (12000, "2025-01-04", "BOARDNOTES ANNUAL"),
        ],
        id="en-cr-dr-in-amount",
    ),
    pytest.param(
        ENGLISH_FOOTERS,
        [
            (1499, "2025-01-02", "PIXELDESK SUBSCRIPTION"),
            (900, "2025-01-03", "TOTAL"),  # a merchant called Total, mid-file: a purchase
            (1000, "2025-01-05", "BOARDNOTES"),
        ],
        id="en-totals-and-closing-balance-footer",
    ),
    pytest.param(
        ENGLISH_SUBTOTALS,
        [(1499, "2025-01-02", "PIXELDESK SUBSCRIPTION"), (1000, "2025-01-04", "BOARDNOTES")],
        id="en-subtotals-per-card-member",
    ),
    pytest.param(
        TABBED_SEMICOLON_WHOLE_EUROS,
        [
            (120000, "2025-01-03", "Rekenblad BV"),
            (1500, "2025-01-04", "Notitie BV"),
            (700, "2025-01-05", "Stroom BV"),
        ],
        id="semicolon-whole-amounts-read-as-decimal-comma",
    ),
]


@pytest.mark.parametrize(("text", "expected"), SURVIVED)
def test_reads_without_a_preset(text: str, expected: list[Fact]) -> None:
    assert _facts(text) == expected


def test_latin1_german_export_reads_alike() -> None:
    assert _facts(GERMAN_DEBIT_CREDIT_WITH_FOOTER, "cp1252") == _facts(
        GERMAN_DEBIT_CREDIT_WITH_FOOTER
    )


def test_skipped_totals_lines_are_reported_and_the_settled_mapping_is_pinned() -> None:
    parsed = parse_file(FRENCH_SPLIT_COLUMNS.encode(), fmt=FileFormat.CSV)
    assert [(w.row, "totals" in w.message) for w in parsed.warnings] == [(3, True)]
    assert parsed.mapping is not None
    assert parsed.mapping.decimal_comma is True
    assert parsed.mapping.date_format == "%d/%m/%Y"
    again = parse_file(FRENCH_SPLIT_COLUMNS.encode(), fmt=FileFormat.CSV, mapping=parsed.mapping)
    assert [r.external_id for r in again.rows] == [
        r.external_id for r in parse_file(FRENCH_SPLIT_COLUMNS.encode(), fmt=FileFormat.CSV).rows
    ]


REFUSED = [
    pytest.param(
        ENGLISH_INDICATOR.replace("14.99,CR", "14.99,XX"),
        (2, "CR/DR"),
        id="indicator-unknown",
    ),
    pytest.param(
        ENGLISH_INDICATOR.replace("14.99,CR", "14.99,"),
        (2, "CR/DR"),
        id="indicator-empty",
    ),
    pytest.param(
        # Two amounts say "decimal point"; "14,99" cannot be 1499.
        ENGLISH_INDICATOR.replace("14.99,CR", '"14,99",CR'),
        (2, "Amount"),
        id="decimal-comma-among-points",
    ),
    pytest.param(
        SPANISH.replace("-14,99;985,01", "-14.99;985,01"),
        (1, "Importe"),
        id="decimal-point-among-commas",
    ),
    pytest.param(
        ENGLISH_FOOTERS.replace("01/05/2025,BOARDNOTES", ",BOARDNOTES"),
        (3, "Date"),
        id="undated-row-that-is-no-total",
    ),
    pytest.param(
        ENGLISH_FOOTERS.replace("-10.00", "-10.0O"),
        (3, "Amount"),
        id="garbled-amount-before-footer",
    ),
    pytest.param(
        FRENCH_SPLIT_COLUMNS.replace(";12,50;\n", ";;\n", 1),
        (1, "Débit euros"),
        id="split-columns-both-empty",
    ),
]


@pytest.mark.parametrize(("text", "first"), REFUSED)
def test_refused_at_row_and_column(text: str, first: tuple[int, str]) -> None:
    with pytest.raises(FileRejected) as info:
        parse_file(text.encode(), fmt=FileFormat.CSV)
    error = info.value.errors[0]
    assert (error.row, error.field) == first


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("Total", True),
        ("TOTAL:", True),
        ("Kontostand am 31.01.2025", True),
        ("Solde au 31/01/2025 EUR", True),
        ("Saldo al 31/12/2024", True),
        ("Balance as of 01/31/2025", True),
        ("Summe Umsätze", True),
        ("TOTAL WINE & MORE", False),
        ("TOTALENERGIES STATION 12", False),
        ("Balance Studio Yoga", False),
        ("", False),
    ],
)
def test_totals_labels(cell: str, expected: bool) -> None:
    assert is_totals_cell(cell) is expected


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("12.34 CR", ("12.34", "credit")),
        ("12.34CR", ("12.34", "credit")),
        ("DR 5.00", ("5.00", "debit")),
        ("1.234,56 cr", ("1.234,56", "credit")),
        ("CREDIT", ("CREDIT", None)),
        ("12.34", ("12.34", None)),
    ],
)
def test_amount_markers(cell: str, expected: tuple[str, str | None]) -> None:
    assert split_marker(cell) == expected


def test_app_bank_export_takes_the_start_date_and_a_top_up_is_a_transfer() -> None:
    # The layout of a card app's statement: the completion date is empty on a row that has
    # not completed, so the start date is the transaction date.
    text = """\
Type,Product,Started Date,Completed Date,Description,Amount,Fee,Currency,State,Balance
CARD_PAYMENT,Current,2025-01-02 10:11:12,2025-01-03 09:00:00,Pixeldesk,-14.99,0.00,EUR,COMPLETED,985.01
TOPUP,Current,2025-01-04 08:00:00,2025-01-04 08:00:01,Top-Up by card,500.00,0.00,EUR,COMPLETED,1485.01
CARD_PAYMENT,Current,2025-01-05 10:11:12,,Boardnotes,-9.00,0.00,EUR,PENDING,
"""
    parsed = parse_file(text.encode(), fmt=FileFormat.CSV)
    rows = list(parsed.rows)
    # The pending row is booked (COMPLETED) in a later export: it is left out here, noted.
    assert [(r.amount_minor, str(r.transaction_date), r.kind) for r in rows] == [
        (1499, "2025-01-02", "purchase"),
        (-50000, "2025-01-04", "transfer"),
    ]
    assert (parsed.skipped, [(w.row, w.field) for w in parsed.warnings]) == (1, [(3, "State")])
    assert str(rows[0].posted_date) == "2025-01-03"
