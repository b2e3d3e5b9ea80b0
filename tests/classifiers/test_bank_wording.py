"""Bank wording in the major European languages is read as the bank's, not the merchant's.

Every descriptor here is made up: a catalog vendor, by its own name, inside the wording a
bank in that language prints (card purchase, direct debit and mandate, authorisation hold).
"""

from __future__ import annotations

import json
from importlib import resources

import pytest

from classifiers import Catalog, Classifier
from classifiers.normalise import compact, normalise, parse
from classifiers.tagging import lexicon, tag


def _wording() -> dict[str, object]:
    raw = resources.files("classifiers").joinpath("data/bank_wording.json").read_text("utf-8")
    data: dict[str, object] = json.loads(raw)
    return data


def test_every_group_says_where_its_words_come_from() -> None:
    groups = _wording()["groups"]
    assert isinstance(groups, list)
    assert len(groups) >= 10
    for group in groups:
        assert group["language"], group
        assert group["source"], group
        assert group["words"], group


def test_no_bank_word_is_a_vendor_name() -> None:
    """A word that is also a catalog key would hide that vendor wherever it is printed."""
    catalog = Catalog.builtin()
    clashes = {
        w
        for group in _wording()["groups"]  # type: ignore[attr-defined]
        for w in group["words"]
        if compact(w) in catalog.exact
    }
    assert not clashes


def test_letters_without_a_decomposition_are_spelled_out() -> None:
    assert compact("VAREKJØP") == compact("VAREKJOP") == "VAREKJOP"
    assert normalise("STRAßE ÆBLE ŁÓDŹ") == "STRASSE AEBLE LODZ"


@pytest.mark.parametrize(
    ("descriptor", "slug"),
    [
        (
            "SEPA-BASISLASTSCHRIFT MANDATSREFERENZ 77QX31 GLAEUBIGER-ID DE11ZZZ00000000001 FIGMA",
            "figma",
        ),
        ("Folgelastschrift Mandat 5512 Figma Inc", "figma"),
        ("Kartenzahlung girocard Vormerkung SLACK", "slack"),
        ("VAREKJØP 14.03 ZAPIER SAN FRANCISCO", "zapier"),
        ("Visa varekjop Dropbox 02.04", "dropbox"),
        ("AUTHORIZATION HOLD ZAPIER 4111", "zapier"),
        ("PRE-AUTH HOLD NOTION LABS SAN FRANCISCO", "notion"),
        ("PENDING AUTHORISATION TRELLO", "trello"),
        ("KORTKÖP 240312 SLACK TECHNOLOGIES", "slack"),
        ("Betaalautomaat 12:04 pasnr. 012 Figma", "figma"),
        ("ZAKUP PRZY UZYCIU KARTY FIGMA", "figma"),
        ("KORTTIOSTO ZAPIER", "zapier"),
        ("ADDEBITO DIRETTO SDD DROPBOX", "dropbox"),
    ],
)
def test_the_vendor_behind_foreign_bank_wording_is_found(descriptor: str, slug: str) -> None:
    result = Classifier().classify(descriptor)
    assert result.vendor_slug == slug, result.explanation
    assert result.is_software


def test_the_wording_is_tagged_as_the_banks() -> None:
    parsed = parse("VAREKJØP RESERVERT ZAPIER")
    assert tag(parsed.keys) == ("bank", "bank", "word")
    assert {"LASTSCHRIFT", "MANDATSREFERENZ", "KORTKOP", "PRLV", "RCUR"} <= lexicon().bank_words
