"""No catalog string is a copy of a labelled descriptor.

Catalog facts come from open catalogs, from the vendors' own statement documentation, or are
derived from a vendor's name and domain; a string that exists because a labelled row contained
it is memorisation. The check, for every labelled descriptor (our own
``tests/classifiers/data/labelled.csv`` and, when present, ``../shared/data/descriptors-dev.csv``):

1. The descriptor is cut into tokens (runs of letters or of digits, so ``T01ABCD`` is
   ``T 01 ABCD``); *bank noise* (digits, bank wording, US state and country codes) splits it
   into spans. Every run of consecutive tokens inside a span, joined, is a *run key*.
2. The *derivable keys* are the labelled vendor's name and domain spellings
   (:mod:`classifiers.provenance`), the matching keys of its ``name``-, ``domain``- and
   ``doc:``-sourced strings, and every run key that is the name or a domain of some catalog
   vendor (a non-software row names Netflix: "NETFLIX" is Netflix's name, not a copy).
3. A catalog string is a copy when its matching key (:func:`classifiers.normalise.key_of`) is
   a run key of the descriptor and something is left of it once the derivable keys are taken
   out: the part nobody can derive from the vendor's facts is the descriptor's own text.
   Keys of one character are left out: they match nothing.

Only strings whose provenance is not ``name``, ``domain`` or ``doc:`` are checked: a
documented descriptor may legitimately equal a real statement line, and derived ones are
derived. The planted-copy tests below make sure the check does fail.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pytest

from classifiers import Catalog, Vendor, provenance
from classifiers.normalise import key_of

HERE = Path(__file__).resolve().parent
LABELLED = HERE / "data" / "labelled.csv"
DEV = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "descriptors-dev.csv"

_TOKEN = re.compile(r"[A-Z]+|[0-9]+")
_NOISE_WORDS = """
    PURCHASE PURCH AUTHORIZED AUTHORISED ON CARD DEBIT CREDIT POS RECURRING PAYMENT PMT
    CHECKCARD CHECK VISA MASTERCARD MC ONLINE WEB ID INST XFER ACH TRANSACTION TXN FEE
    FOREIGN INTL RETURN REFUND DATE DES INDN CO ORIG NAME CCD PPD TEL WITHDRAWAL TRANSFER
    CONTACTLESS KARTENZAHLUNG LASTSCHRIFT SEPA DIRECT DESCRIPTION MEMO REF
    AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH
    NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY
    US USA GB UK IE DE FR NL SE AU NZ SG LU
"""
BANK_NOISE = frozenset(_NOISE_WORDS.split())
MAX_RUN = 8


@dataclass(frozen=True)
class Copy:
    slug: str
    text: str
    provenance: str
    descriptor: str

    def __str__(self) -> str:
        return f"{self.slug}: {self.text!r} ({self.provenance}) copies {self.descriptor!r}"


def read_rows(path: Path) -> list[tuple[str, str]]:
    """(descriptor, label_vendor) of a labelled CSV."""
    with path.open(encoding="utf-8", newline="") as fh:
        return [(r["descriptor"], r.get("label_vendor") or "") for r in csv.DictReader(fh)]


def run_keys(descriptor: str) -> set[str]:
    """Every run of consecutive non-noise tokens of ``descriptor``, joined (step 1)."""
    spans: list[list[str]] = [[]]
    for tok in _TOKEN.findall(descriptor.upper()):
        if tok.isdigit() or tok in BANK_NOISE:
            spans.append([])
        else:
            spans[-1].append(tok)
    runs: set[str] = set()
    for span in spans:
        for i in range(len(span)):
            for j in range(i + 1, min(len(span), i + MAX_RUN) + 1):
                runs.add("".join(span[i:j]))
    return runs


def _vendor_keys(v: Vendor) -> set[str]:
    keys = set(provenance.name_forms(v.name)) | set(provenance.domain_forms(v.domains))
    keys |= {key_of(t) for t, p in v.provenance if provenance.is_documented(p)}
    return {k for k in keys if k}


def _residue(key: str, derivable: Iterable[str]) -> str:
    for d in sorted(derivable, key=len, reverse=True):
        key = key.replace(d, "")
    return key


def find_copies(catalog: Catalog, rows: Iterable[tuple[str, str]]) -> list[Copy]:
    """Catalog strings that copy a labelled descriptor's non-derivable text (steps 2-3)."""
    checked = [
        (v.slug, text, source, key_of(text))
        for v in catalog.vendors
        for text, source in v.provenance
        if not provenance.is_documented(source)
    ]
    known_names: set[str] = set()
    for v in catalog.vendors:
        known_names |= set(provenance.name_forms(v.name)) | set(provenance.domain_forms(v.domains))
    copies: list[Copy] = []
    for descriptor, label in rows:
        runs = run_keys(descriptor)
        derivable = {r for r in runs if r in known_names}
        if label:
            derivable |= set(provenance.name_forms(label))
            vendor = catalog.lookup_name(label)
            if vendor is not None:
                derivable |= _vendor_keys(vendor)
        for slug, text, source, key in checked:
            if len(key) > 1 and key in runs and _residue(key, derivable):
                copies.append(Copy(slug, text, source, descriptor))
    return copies


def labelled_rows() -> list[tuple[str, str]]:
    rows = read_rows(LABELLED)
    if DEV.exists():
        rows += read_rows(DEV)
    return rows


def test_no_catalog_string_copies_a_labelled_descriptor() -> None:
    copies = find_copies(Catalog.builtin(), labelled_rows())
    assert not copies, "\n".join(map(str, copies))


@pytest.mark.shared
@pytest.mark.skipif(not DEV.exists(), reason="../shared/data/descriptors-dev.csv not present")
def test_the_dev_set_is_read_when_present() -> None:
    assert len(labelled_rows()) > len(read_rows(LABELLED))


# -- the check itself, on a made-up catalog and made-up statement lines ---------------------

ROWS = [
    ("ACMEHOST *PROPLNX 555-0100 SPRINGFIELD IL", "Acmehost"),
    ("POS DEBIT 0412 ACMEHOST.IO SPRINGFIELD IL", "Acmehost"),
    ("ZORBLY T9Q8 RENO NV 04/12", "Zorbly"),
    ("NETFLIXX DIGITAL 800-555-0100", ""),
]


def made_up(name: str, domain: str, *strings: tuple[str, str], aliases: bool = False) -> Vendor:
    """A made-up vendor whose descriptors (or aliases) are ``strings``, with provenance."""
    texts = tuple(t for t, _ in strings)
    return Vendor(
        slug=name.lower(),
        name=name,
        domains=(domain,),
        category="ai",
        aliases=texts if aliases else (),
        descriptors=() if aliases else texts,
        provenance=strings,
    )


def test_a_planted_copy_is_caught() -> None:
    # A product word copied after the vendor's name, a truncation left by a statement's
    # width, and a bare copied merchant text of a non-software row.
    cat = Catalog(
        [
            made_up("Acmehost", "acmehost.io", ("ACMEHOST *PROPLNX", "open:simple-icons")),
            made_up("Zorbly", "zorbly.com", ("ZORBLY T", "open:wappalyzer"), aliases=True),
            Vendor(
                slug="netflixx",
                name="Netflixx Streaming",
                is_software=False,
                aliases=("NETFLIXX DIGITAL",),
                provenance=(("NETFLIXX DIGITAL", "open:2fa-directory"),),
            ),
        ]
    )
    found = {(c.slug, c.text) for c in find_copies(cat, ROWS)}
    assert found == {
        ("acmehost", "ACMEHOST *PROPLNX"),
        ("zorbly", "ZORBLY T"),
        ("netflixx", "NETFLIXX DIGITAL"),
    }


def test_derived_and_documented_strings_are_not_copies() -> None:
    cat = Catalog(
        [
            made_up(
                "Acmehost",
                "acmehost.io",
                ("ACMEHOST", "name"),
                # Checked (an open-catalog string) but wholly derivable from the domain.
                ("ACMEHOST.IO", "open:gilbarbara-logos"),
                ("ACMEHOST *PROPLNX", "doc:https://acmehost.io/help/statement"),
            ),
            made_up("Zorbly", "zorbly.com", ("ZORBLY", "name")),
            # A non-software row naming a catalog vendor is not a copy of that name.
            Vendor(
                slug="netflixx",
                name="Netflixx Digital",
                is_software=False,
                aliases=("NETFLIXX DIGITAL",),
                provenance=(("NETFLIXX DIGITAL", "open:2fa-directory"),),
            ),
        ]
    )
    assert find_copies(cat, ROWS) == []


def test_runs_split_at_noise_and_between_letters_and_digits() -> None:
    runs = run_keys("PURCHASE AUTHORIZED ON 04/12 ZORBLY T9Q8 RENO NV")
    assert {"ZORBLY", "ZORBLYT", "Q", "RENO"} <= runs
    assert "ZORBLYTQ" not in runs
    assert not any("PURCHASE" in r or "NV" in r for r in runs)
