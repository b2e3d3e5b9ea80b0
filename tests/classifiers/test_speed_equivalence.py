"""The speed work in recognition keeps its answers: each shortcut is checked against the plain
form it replaces (a regular expression against the plain alternation, memoised tokens and
roles against a fresh computation). Timing itself is measured by bench/, never here."""

from __future__ import annotations

import importlib
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from classifiers import Catalog, parse
from classifiers.normalise import compact, word_keys
from classifiers.tagging import tag

normalise_module = importlib.import_module("classifiers.normalise")
tagging_module = importlib.import_module("classifiers.tagging")

# Pieces of bank wording, dates, phones, amounts and ordinary words, glued in any order: the
# lines where the alternatives of the noise expression overlap.
PIECES = [
    "CARD",
    "PAYMENT",
    "TO",
    "RECURRING",
    "PURCHASE",
    "AUTHORIZED",
    "AUTHORISED",
    "ON",
    "POS",
    "DEBIT",
    "CHECK",
    "CHECKCARD",
    "VISA",
    "MOBILE",
    "ONLINE",
    "INTL",
    "ATM",
    "PURCH",
    "PMT",
    "TXN",
    "DB",
    "WEB",
    "PPD",
    "TEL",
    "ID",
    "ID:",
    "XXXX",
    "XXX-XX1234",
    "PX1234",
    "INST",
    "XFER",
    "ACH",
    "CREDIT",
    "IAT",
    "FOREIGN",
    "FEE",
    "CURRENCY",
    "CONVERSION",
    "REFUND",
    "RETURN",
    "AUTOPAY",
    "S123456789012",
    "DIRECT",
    "LASTSCHRIFT",
    "SEPA-LASTSCHRIFT",
    "CONTACTLESS",
    "12.00",
    "12.00USD",
    "USD",
    "RATE",
    "1.2/EUR",
    "10/26",
    "10-JAN",
    "1-800-FLOWERS",
    "1-800-AUTOPAY",
    "800-555-1234",
    "(800)555-1234",
    "+1",
    "415",
    "555",
    "0100",
    "415-5551234",
    "ACME",
    "NOTION",
    "1234",
    "12",
    "5",
    "-",
    "/",
    "*",
    "#",
]
SEPARATORS = [" ", "", "-", "/", "  "]


def _plain_noise() -> re.Pattern[str]:
    parts = (
        normalise_module._BANK_WORDING,
        normalise_module._DATE,
        normalise_module._PHONE,
    )
    return re.compile("|".join(f"(?:{p.pattern})" for p in parts), re.VERBOSE)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(PIECES), st.sampled_from(SEPARATORS)), min_size=1, max_size=9
    )
)
def test_noise_expression_matches_like_the_plain_alternation(parts: list[tuple[str, str]]) -> None:
    line = "".join(piece + sep for piece, sep in parts)
    assert normalise_module._NOISE.sub(" ", line) == _plain_noise().sub(" ", line)


def test_alternatives_split_only_at_the_top_level() -> None:
    alternatives = normalise_module._alternatives(r"\bA(?:B|C)|[|]D|E\|F")
    assert alternatives == [r"\bA(?:B|C)", "[|]D", r"E\|F"]


@given(st.text(max_size=60))
def test_word_keys_compact_each_word(text: str) -> None:
    assert word_keys(text) == [compact(w) for w in text.split()]


def test_memoised_tokens_and_roles_give_what_a_fresh_pass_gives() -> None:
    lines = [
        "PURCHASE AUTHORIZED ON 03/14 FIGMA SAN FRANCISCO CA S384034123456789 CARD 4411",
        "SQ *BLUE BOTTLE COFFEE OAKLAND CA",
        "ADOBE *CREATIVE CLD 800-833-6687 CA",
        "RF-A1B2C3D4 +18005550100 ACME CLOUD INC SPRINGFIELD ST",
    ]
    first = [parse(line) for line in lines]
    roles = [tag(p.keys, p.star_prefix) for p in first]
    normalise_module._TOKEN_CACHE.clear()
    tagging_module._ROLES.clear()
    tag.cache_clear()
    assert [parse(line) for line in lines] == first
    assert [tag(p.keys, p.star_prefix) for p in first] == roles


def test_strong_key_prefix_memo_agrees_with_the_sorted_keys() -> None:
    catalog = Catalog.builtin()
    for prefix in ("SLA", "SLACK", "ZZZQ", "A", "NOTIONX"):
        expected = bool(catalog.keys_with_prefix(prefix, limit=1))
        assert catalog.starts_strong_key(prefix) is expected
        assert catalog.starts_strong_key(prefix) is expected  # remembered
