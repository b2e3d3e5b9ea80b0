"""A source's wording is learned across its distinct merchants, not its rows."""

from __future__ import annotations

from classifiers import boilerplate

# A made-up bank that wraps every merchant in words of its own.
WRAP = "QORVEL BRUNDAK {merchant} TREMVOST {ref}"
SHOPS = [
    f"{name} {kind}"
    for name in ("ZELLIP", "MURBOS", "KANTRO", "OPHELT")
    for kind in ("DINER", "MARKET", "GARAGE")
]


def _rows(merchants: list[str]) -> list[str]:
    return [WRAP.format(merchant=m, ref=40_000_000 + i * 7919) for i, m in enumerate(merchants)]


def test_a_seller_on_many_rows_is_not_the_banks_wording() -> None:
    # One subscription on 30% of the rows, each with its own reference number.
    rows = _rows(["PLIMSOFT CLOUD"] * 30 + [SHOPS[i % len(SHOPS)] for i in range(70)])
    learned = boilerplate.learn(rows)
    assert {"QORVEL", "BRUNDAK", "TREMVOST"} <= learned
    assert not {"PLIMSOFT", "CLOUD"} & learned


def test_words_printed_with_few_merchants_are_not_wording() -> None:
    # Many rows, but only three merchants: nothing says which words are the bank's.
    rows = _rows(["ZELLIP DINER", "MURBOS MARKET", "KANTRO GARAGE"] * 30)
    assert boilerplate.learn(rows) == frozenset()


def test_a_merchant_line_leaves_out_references_and_numbers() -> None:
    one = boilerplate.merchant_line("QORVEL PLIMSOFT A1B2C3D4 TREMVOST 40000017")
    two = boilerplate.merchant_line("QORVEL PLIMSOFT Z9Y8X7W6 TREMVOST 40007936")
    assert one == two == ("QORVEL", "PLIMSOFT", "TREMVOST")
